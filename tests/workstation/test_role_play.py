"""Role-play set-up: the students' extensions and the caller the trainer asks for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm.models import Customer, PhoneNumber
from crm.services.callers import national_digits
from cti.ami.errors import AmiError
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.role_play import (
    Caller,
    RolePlay,
    RolePlayError,
    Target,
    company_setup,
    resolve_caller,
    students,
)


def test_extensions_and_targets_come_from_company_yaml() -> None:
    extensions, targets = company_setup(SEED_DIR / "company.yaml")
    assert (extensions[0], extensions[-1]) == (101, 130)
    assert [t.queue for t in targets] == [
        "accueil", "technique", "facturation", "recouvrement", "ventes", "reclamations", "",
    ]  # fmt: skip
    assert targets[0].label == "Accueil clients" and targets[-1].queue == ""


def test_students_are_named_after_their_accounts(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    extensions, _targets = company_setup(SEED_DIR / "company.yaml")
    listed = students(extensions, seeded_session_factory)
    assert len(listed) == 30
    assert listed[0].label == "101 — Camille Martin"
    assert listed[-1].label == "130"  # nobody sits there in the demo company
    assert [s.extension for s in students(extensions, None)][:2] == ["101", "102"]


def test_the_caller_by_number_customer_number_or_name(
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    with seeded_session_factory() as session:
        e164, number, last = session.execute(
            select(PhoneNumber.e164, Customer.number, Customer.last_name)
            .join(Customer, Customer.id == PhoneNumber.customer_id)
            .where(Customer.company_name.is_(None), PhoneNumber.is_primary.is_(True))
            .order_by(Customer.id)
            .limit(1)
        ).one()
    phone = national_digits(e164)
    spaced = " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    by_phone = resolve_caller(seeded_session_factory, spaced)
    assert (by_phone.number, by_phone.customer_number) == (phone, number)
    assert last in by_phone.name
    assert resolve_caller(seeded_session_factory, number).number == phone
    assert resolve_caller(seeded_session_factory, number, "Mme X").name == "Mme X"
    assert resolve_caller(seeded_session_factory, last.lower()).customer_number
    unknown = resolve_caller(seeded_session_factory, "0699999999", "Un prospect")
    assert (unknown.number, unknown.name, unknown.customer_number) == (
        "0699999999", "Un prospect", ""
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Indiquez l'appelant"),
        ("06 12", "Numéro invalide"),
        ("1612345678", "Numéro invalide"),
        ("Zzzyx", "Aucun client avec un téléphone pour « Zzzyx »."),
        ("x", "au moins 2 lettres"),
    ],
)
def test_a_caller_that_cannot_be_found_is_refused_in_french(
    seeded_session_factory: sessionmaker,  # noqa: F811
    query: str,
    message: str,
) -> None:
    with pytest.raises(RolePlayError) as error:
        resolve_caller(seeded_session_factory, query)
    assert message in str(error.value)


def test_without_a_database_only_numbers_are_accepted() -> None:
    assert resolve_caller(None, "0612345678").name == "Client"
    with pytest.raises(RolePlayError) as error:
        resolve_caller(None, "Dubois")
    assert "Sans base de données" in str(error.value)


class RefusingPbx:
    """An AMI client whose every action fails, as when the PBX refuses an Originate."""

    def subscribe(self, *_args: object, **_kwargs: object) -> Callable[[], None]:
        return lambda: None

    async def action(self, *_args: object, **_kwargs: object) -> object:
        raise AmiError("Originate refusé")


async def test_a_call_that_fails_leaves_the_console_free_for_the_next(clock: VirtualClock) -> None:
    lines: list[object] = []
    play = RolePlay(RefusingPbx(), clock, None, lines.append)  # type: ignore[arg-type]
    play.student = "101"
    caller = Caller("0612345678", "Sophie Durand")
    target = Target("accueil", "Accueil clients")
    with pytest.raises(RolePlayError, match="Appel impossible : Originate refusé"):
        await play.place(caller, target)
    assert play.call is None and not play.in_call
    with pytest.raises(RolePlayError, match="Appel impossible"):  # not « Raccrochez d'abord »
        await play.place(caller, target)
