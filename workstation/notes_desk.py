"""The notes desk: what the call-note bar asks of the CRM (C3.1 "prendre des notes").

One use case per method, on the desk's clock and the logged-in agent; each may block on the
database: call it from a worker thread.
"""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from crm.services import call_notes
from crm.services.call_notes import NewCallNote
from crm.views import InteractionView
from workstation.clock import Clock


class NotesDesk:
    """Quick notes kept with the call in the customer history."""

    def __init__(
        self, session_factory: sessionmaker, clock: Clock, *, agent_id: int | None = None
    ) -> None:
        self._sessions = session_factory
        self.clock = clock
        self.agent_id = agent_id

    def add(self, call_id: str | None, customer_id: int | None, text: str) -> InteractionView:
        """Keep `text` with the call now; `ValidationError` (note, appel) saves nothing."""
        note = NewCallNote(call_id, text, self.clock.now(), customer_id, self.agent_id)
        return call_notes.add_call_note(self._sessions, note)

    def claim(self, call_id: str, customer_id: int) -> int:
        """The caller is identified: their call's earlier notes join their history."""
        return call_notes.claim_call_notes(self._sessions, call_id, customer_id)

    def notes(self, call_id: str) -> tuple[InteractionView, ...]:
        """The notes of the call, oldest first."""
        return call_notes.call_notes(self._sessions, call_id)
