"""The composition root: what one workstation process runs on.

Built once by the CLI (or by tests, with a virtual clock and their own database) and handed
to the TUI; widgets never reach past it to a session or a socket.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from crm.db import make_session_factory
from seed_data import SEED_DIR
from workstation.clock import Clock, SystemClock
from workstation.config import Settings
from workstation.database import open_database

if TYPE_CHECKING:
    from kb.search import KnowledgeBase  # tantivy: loaded on first use, not at start-up


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: Engine
    session_factory: sessionmaker
    seed_dir: Path = SEED_DIR
    _knowledge: KnowledgeBase | None = field(default=None, repr=False)
    # Several panels ask for the knowledge base from their workers on first use.
    _knowledge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def kb_content_dir(self) -> Path:
        return self.seed_dir / "kb"

    @property
    def templates_dir(self) -> Path:
        return self.seed_dir / "templates"

    def knowledge(self) -> KnowledgeBase:
        """The knowledge bases, indexed on first use (blocking: call from a worker)."""
        from kb.search import KnowledgeBase

        with self._knowledge_lock:
            if self._knowledge is None:
                self._knowledge = KnowledgeBase.open(
                    self.kb_content_dir, self.settings.kb_index_dir
                )
            return self._knowledge

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """Open the database (migrating it if needed) and assemble the runtime."""
    engine = open_database(settings.db_url)
    return Runtime(
        settings=settings,
        clock=clock or SystemClock(),
        engine=engine,
        session_factory=make_session_factory(engine),
    )
