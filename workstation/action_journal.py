"""The workstation's journal service: every action and event of the shift, in order.

The TUI and the desk call `record` from the event loop; the entries are written by one
background thread, in the order recorded, so a slow database (PostgreSQL over a classroom
network) never freezes a keystroke (DESIGN principle 2). `flush` waits until everything
recorded so far is committed.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine

from crm.journal import JournalClock, JournalEntry, JournalWriter

log = logging.getLogger("workstation.journal")

_STOP = object()


class ActionJournal:
    """Records the entries of one shift through a single writer thread."""

    def __init__(self, writer: JournalWriter) -> None:
        self.shift_id = writer.shift_id
        self._writer = writer
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._listeners: list[Callable[[JournalEntry], None]] = []
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    @classmethod
    def start(
        cls, engine: Engine, agent: str, clock: JournalClock, title: str = ""
    ) -> ActionJournal:
        """Open a new shift for `agent` (blocking: call it from a worker)."""
        return cls(JournalWriter.start_shift(engine, agent, clock, title=title))

    def record(
        self, kind: str, payload: Mapping[str, Any] | None = None, call_id: str | None = None
    ) -> Future[JournalEntry]:
        """Queue one entry; the future resolves once it is committed."""
        future: Future[JournalEntry] = Future()
        self._queue.put((future, kind, dict(payload or {}), call_id))
        return future

    def listen(self, callback: Callable[[JournalEntry], None]) -> Callable[[], None]:
        """Call `callback(entry)` after each entry is committed, so a view of the shift (the
        team panel's live progress) refreshes when the journal grows instead of polling it.
        The callback runs on the writer thread: it must only hand over (`post_message`).
        Returns the function that stops listening."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def flush(self, timeout: float | None = 10.0) -> None:
        """Wait until every entry recorded so far is committed."""
        done: Future[None] = Future()
        self._queue.put((done, None, None, None))  # kind None: a flush marker
        done.result(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, kind, payload, call_id = item
            if kind is None:
                future.set_result(None)
                continue
            try:
                entry = self._writer.append(kind, payload, call_id)
            except Exception as error:  # the writer thread must outlive one bad entry
                log.error("journal entry %s not written: %s", kind, error)
                future.set_exception(error)
                continue
            future.set_result(entry)
            for listener in tuple(self._listeners):
                try:
                    listener(entry)
                except Exception as error:  # a broken view never stops the journal
                    log.error("journal listener failed on %s: %s", kind, error)

    def close(self, end_payload: Mapping[str, Any] | None = None) -> None:
        """End the shift (seals the chain) and stop the writer thread."""
        self.flush()
        self._queue.put(_STOP)
        self._thread.join(10.0)
        self._writer.end_shift(end_payload)
        self._writer.close()
