"""A service's memo tray: read the memos sent to it and file them (C4.1, C3.1, C4.3).

`inbox.service_tray` lists a tray; here a memo is marked read when opened, then "done" when
the service has acted on it. Statuses only move forward (unread -> read -> done), so a
trainer reading the tray sees what the service has seen and what it has dealt with.
"""

from __future__ import annotations

from gettext import gettext as _

from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation
from crm.models.inbox import MEMO_STATUSES, Memo
from crm.services.inbox import MemoView, _memo_view

STATUS_LABELS: dict[str, str] = {
    "unread": "Non lu",
    "read": "Lu",
    "done": "Traité",
}
assert set(STATUS_LABELS) == set(MEMO_STATUSES)


def set_memo_status(session_factory: sessionmaker, memo_id: int, status: str) -> MemoView:
    """Move memo `memo_id` to `status` ("read" or "done"); opening a read or done memo again
    is harmless, going back (a done or read memo made unread) is refused and writes nothing."""
    validation.choice(status, STATUS_LABELS, field="etat")
    with session_factory.begin() as session:
        memo = session.get(Memo, memo_id) if isinstance(memo_id, int) else None
        if memo is None:
            raise NotFound(_("Mémo introuvable (identifiant {id}).").format(id=memo_id))
        order = MEMO_STATUSES.index
        if status == "read" and memo.status == "done":
            return _memo_view(session, memo)  # opening a filed memo again changes nothing
        if order(status) < order(memo.status):
            raise RuleViolation(
                "memo_status",
                _("Ce mémo est déjà « {current} » : il ne peut pas redevenir « {wanted} ».").format(
                    current=_(STATUS_LABELS[memo.status]), wanted=_(STATUS_LABELS[status])
                ),
            )
        memo.status = status
        session.flush()
        return _memo_view(session, memo)
