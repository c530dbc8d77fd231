"""A service's memo tray (C4.1, C4.3): memos read, then filed as done; no going back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import User
from crm.models.inbox import Memo
from crm.services.inbox import NewMemo, send_memo, service_tray
from crm.services.memo_tray import set_memo_status
from tests.crm.conftest import SEED_NOW


def _status(factory: sessionmaker, memo_id: int) -> str:
    with factory() as session:
        return session.get(Memo, memo_id).status


def _send(factory: sessionmaker, recipient: str, priority: str, kind: str, minutes: int) -> int:
    with factory() as session:
        eleve = session.scalars(select(User.id).where(User.login == "eleve")).one()
    memo = send_memo(
        factory,
        NewMemo(recipient, priority, kind, f"Objet {minutes}", "Texte du mémo.",
                SEED_NOW + timedelta(minutes=minutes), author_id=eleve),
    )  # fmt: skip
    return memo.id


def test_tray_order_then_read_and_done(seeded_session_factory: sessionmaker) -> None:
    factory = seeded_session_factory
    normal = _send(factory, "service:technique", "normal", "memo", 1)
    urgent = _send(factory, "service:technique", "urgent", "anomaly", 2)
    later = _send(factory, "service:technique", "normal", "reaction", 3)
    tray = service_tray(factory, "technique")
    assert [m.id for m in tray] == [urgent, later, normal]
    assert tray[0].kind == "anomaly" and tray[0].author == "Camille Martin"
    assert all(m.status == "unread" for m in tray)

    assert set_memo_status(factory, urgent, "read").status == "read"
    assert set_memo_status(factory, urgent, "read").status == "read"  # opened again: harmless
    assert set_memo_status(factory, urgent, "done").status == "done"
    assert set_memo_status(factory, urgent, "read").status == "done"  # reopened: stays done
    assert _status(factory, urgent) == "done"


def test_refused_status_changes_write_nothing(seeded_session_factory: sessionmaker) -> None:
    factory = seeded_session_factory
    memo = _send(factory, "service:accueil", "high", "memo", 5)
    set_memo_status(factory, memo, "read")
    with pytest.raises(RuleViolation) as back:
        set_memo_status(factory, memo, "unread")
    assert "ne peut pas redevenir « Non lu »" in str(back.value)
    with pytest.raises(ValidationError) as bad:
        set_memo_status(factory, memo, "archived")
    assert bad.value.for_field("etat")
    with pytest.raises(NotFound):
        set_memo_status(factory, 999_999, "read")
    assert _status(factory, memo) == "read"
