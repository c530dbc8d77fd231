"""The memo-tray desk: what the tray panel asks of the CRM (C4.1, C3.1, C4.3).

The tray of the agent's own service by default, any service of the org chart on request;
a memo opened is marked read, then filed as done. Every method may block on the database:
call it from a worker thread.
"""

from __future__ import annotations

from gettext import gettext as _

from sqlalchemy.orm import sessionmaker

from crm.services import inbox, memo_tray, users
from crm.services.inbox import KIND_LABELS, PRIORITY_LABELS, MemoView
from crm.services.memo_tray import STATUS_LABELS


class TrayDesk:
    """Read a service's tray on behalf of one agent."""

    def __init__(self, session_factory: sessionmaker, *, own_service: str | None = None) -> None:
        self._sessions = session_factory
        #: The agent's service code: the tray shown first.
        self.own_service = own_service

    def services(self) -> tuple[tuple[str, str], ...]:
        """(code, "Name (poste 210)") of every service of the org chart, by extension."""
        return tuple(
            (
                service.code,
                _("{name} (poste {extension})").format(
                    name=service.name, extension=service.extension
                ),
            )
            for service in users.org_chart(self._sessions)
        )

    def tray(self, service_code: str) -> tuple[MemoView, ...]:
        """The memos of a service and of its members, most urgent then newest first."""
        return inbox.service_tray(self._sessions, service_code)

    def mark_read(self, memo_id: int) -> MemoView:
        """The memo was opened: unread becomes read (a read or done memo stays as it is)."""
        return memo_tray.set_memo_status(self._sessions, memo_id, "read")

    def mark_done(self, memo_id: int) -> MemoView:
        """The service acted on the memo: it is filed as done."""
        return memo_tray.set_memo_status(self._sessions, memo_id, "done")

    @staticmethod
    def priority_label(code: str) -> str:
        return _(PRIORITY_LABELS.get(code, code))

    @staticmethod
    def kind_label(code: str) -> str:
        return _(KIND_LABELS.get(code, code))

    @staticmethod
    def status_label(code: str) -> str:
        return _(STATUS_LABELS.get(code, code))
