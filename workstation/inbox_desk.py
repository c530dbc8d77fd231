"""The inbox desk: what the inbox panel and the memo form ask of the CRM (C3.1, C3.2, C4.3).

An application service: each method is one use case, delegates to `crm.services.inbox` with
the injected session factory and clock, and returns the CRM's frozen views. The reply frame
(greeting and closing formula by language and civility) is the desk's rule, so the widgets
only show, collect and report. Every method may block on the database: call it from a
worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from crm.services import inbox
from crm.services.inbox import (
    ATTACHMENT_SUFFIXES,
    FOLDER_LABELS,
    KIND_LABELS,
    PRIORITY_LABELS,
    MemoView,
    MessageView,
    NewMemo,
    Recipient,
    SentReply,
)
from workstation.clock import Clock

LANGUAGE_LABELS = {"fr": "FR", "en": "EN"}


@dataclass(frozen=True)
class ReplyFrame:
    """The prefilled parts of a reply the student then edits."""

    greeting: str
    closing: str


def reply_frame(message: MessageView) -> ReplyFrame:
    """Greeting and closing formula for `message`, by its language and the customer's civility
    (C3.2: « Madame, Monsieur, » for an unknown sender, « Dear Mr Wilson, » in English)."""
    civility, name = message.customer_civility, message.customer_last_name
    if message.language == "en":
        title = {"M.": "Mr", "Mme": "Mrs"}.get(civility or "")
        greeting = f"Dear {title} {name}," if title and name else "Dear Sir or Madam,"
        return ReplyFrame(greeting, "Kind regards,\nOrbelia Customer Service")
    greeting = {"M.": "Monsieur,", "Mme": "Madame,"}.get(civility or "", "Madame, Monsieur,")
    salutation = {"M.": "Monsieur", "Mme": "Madame"}.get(civility or "", "Madame, Monsieur")
    closing = (
        f"Nous vous prions d'agréer, {salutation}, l'expression de nos salutations "
        "distinguées.\nLe service client Orbelia"
    )
    return ReplyFrame(greeting, closing)


def compose_reply(greeting: str, body: str, closing: str) -> str:
    """The text sent: greeting, body and closing separated by blank lines (empty body: "")."""
    if not body.strip():
        return ""
    return "\n\n".join(part.strip() for part in (greeting, body, closing) if part.strip())


class InboxDesk:
    """Written messages and memos for one agent, on the desk's clock."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        *,
        letters_dir: Path,
        templates_dir: Path | None = None,
        agent_id: int | None = None,
    ) -> None:
        self._sessions = session_factory
        self.clock = clock
        self.letters_dir = letters_dir
        self._templates_dir = templates_dir
        self.agent_id = agent_id

    @staticmethod
    def folders() -> tuple[tuple[str, str], ...]:
        """(code, French label) of the four folders, in the order they are shown."""
        return tuple((code, _(label)) for code, label in FOLDER_LABELS.items())

    @staticmethod
    def priorities() -> tuple[tuple[str, str], ...]:
        """(code, label) of the memo priorities."""
        return tuple((code, _(label)) for code, label in PRIORITY_LABELS.items())

    @staticmethod
    def kinds() -> tuple[tuple[str, str], ...]:
        """(code, label) of the memo kinds: mémo, anomalie, réaction client."""
        return tuple((code, _(label)) for code, label in KIND_LABELS.items())

    def messages(self, folder: str) -> tuple[MessageView, ...]:
        """The messages of a folder, newest first."""
        return inbox.list_messages(self._sessions, folder)

    def search(self, text: str) -> tuple[MessageView, ...]:
        """Messages of every folder matching `text` (accents and case ignored)."""
        return inbox.search_messages(self._sessions, text)

    def open(self, message_id: int) -> MessageView:
        """Read a message now (marks it read, keeps the first reading time)."""
        return inbox.open_message(self._sessions, message_id, self.clock.now())

    def annotate(self, message_id: int, note: str) -> MessageView:
        """Keep the agent's note with the message."""
        return inbox.annotate(self._sessions, message_id, note)

    def save_draft(self, message_id: int, text: str, attachments: Sequence[str]) -> MessageView:
        """Save the reply in "Brouillons"."""
        return inbox.save_draft(
            self._sessions, message_id, text, self.clock.now(),
            attachments=attachments, agent_id=self.agent_id,
        )  # fmt: skip

    def send(self, message_id: int, text: str, attachments: Sequence[str]) -> SentReply:
        """Send the reply now (C3.2)."""
        return inbox.send_reply(
            self._sessions, message_id, text, self.clock.now(),
            attachments=attachments, agent_id=self.agent_id,
        )  # fmt: skip

    def archive(self, message_id: int) -> MessageView:
        """File the message in "Archivés" (C2.3)."""
        return inbox.archive_message(self._sessions, message_id)

    def attachable_files(self) -> tuple[Path, ...]:
        """The produced letters (letters folder) and the tariff sheets (templates folder,
        files named tarif*) a reply may carry, by name."""
        found: list[Path] = []
        if self.letters_dir.is_dir():
            found += [p for p in self.letters_dir.iterdir() if p.suffix in ATTACHMENT_SUFFIXES]
        if self._templates_dir is not None and self._templates_dir.is_dir():
            found += [
                p
                for p in self._templates_dir.glob("tarif*")
                if p.suffix.lower() in ATTACHMENT_SUFFIXES
            ]
        return tuple(sorted((p for p in found if p.is_file()), key=lambda p: p.name))

    def recipients(self) -> tuple[Recipient, ...]:
        """Services and colleagues of the org chart a memo can go to (C4.1)."""
        return inbox.memo_recipients(self._sessions)

    def send_memo(
        self,
        recipient: str,
        priority: str,
        kind: str,
        subject: str,
        body: str,
        customer_id: int | None = None,
    ) -> MemoView:
        """Send a memo now (C3.1; C4.3 for an anomaly or a customer's reaction)."""
        return inbox.send_memo(
            self._sessions,
            NewMemo(
                recipient=recipient, priority=priority, kind=kind, subject=subject, body=body,
                created_at=self.clock.now(), author_id=self.agent_id, customer_id=customer_id,
            ),
        )  # fmt: skip

    def tray(self, service_code: str) -> tuple[MemoView, ...]:
        """The memos of a service's tray, most urgent first."""
        return inbox.service_tray(self._sessions, service_code)
