"""The trainer's console (`acvd customer`) against the built-in PBX, with an Agent as student.

The PBX runs in-process on 127.0.0.1:0 on the virtual clock; the console and the student
(cti.agent.Agent) are two AMI connections, as in class. Asserted: what the console shows and
the trainer's journal rows, on the same database as the CRM.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from crm import journal
from crm.models import Customer, PhoneNumber
from crm.services.callers import national_digits
from cti.agent import Agent, AgentIdentity, AgentState, ConversationLine
from cti.ami.client import AmiClient, parse_ami_url
from cti.pbx import PbxServer, default_config
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.role_play import company_setup, students
from workstation.tui.customer_console import CustomerConsole

SECRET = "console-secret"
S = AgentState


@pytest.fixture
async def pbx(clock: VirtualClock) -> AsyncIterator[PbxServer]:
    server = PbxServer(default_config(secret=SECRET), clock)
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop(restart=False)


def url_of(server: PbxServer) -> str:
    assert server.address is not None
    host, port = server.address
    return f"ami://cti:{SECRET}@{host}:{port}"


async def until(pilot: Pilot, clock: VirtualClock, done: Callable[[], bool], what: str) -> None:
    """Let the network, the PBX's timers and the screen move until `done()`."""
    for _ in range(200):
        if done():
            return
        await clock.advance(0.05)
        await pilot.pause()
    raise AssertionError(f"not in time: {what}")


class Student:
    """Agent 101 on its own connection, logged in to `accueil`."""

    def __init__(self, client: AmiClient, clock: VirtualClock) -> None:
        self.client = client
        self.agent = Agent(client, clock, AgentIdentity("101"), wrap_up=False)
        self.heard: list[tuple[str, str]] = []
        self.agent.subscribe(
            lambda e: (
                self.heard.append((e.speaker, e.text)) if isinstance(e, ConversationLine) else None
            )
        )


def console_for(
    server: PbxServer, clock: VirtualClock, db: Engine, factory: sessionmaker
) -> CustomerConsole:
    extensions, targets = company_setup(SEED_DIR / "company.yaml")
    writer = journal.JournalWriter.start_shift(db, "formateur", clock)
    app = CustomerConsole(
        parse_ami_url(url_of(server)),
        clock,
        students=students(extensions, factory),
        targets=targets,
        journal=writer,
        session_factory=factory,
    )
    app.animation_level = "none"
    return app


def trainer_rows(db: Engine, app: CustomerConsole) -> list[tuple[str, str | None, dict]]:
    assert app.journal is not None
    return [
        (e.kind, e.call_id, dict(e.payload)) for e in journal.iter_entries(db, app.journal.shift_id)
    ]


def a_customer(factory: sessionmaker) -> tuple[str, str]:
    """A seeded customer's first number (national) and last name."""
    with factory() as session:
        row = session.execute(
            select(PhoneNumber.e164, Customer.last_name, Customer.number)
            .join(Customer, Customer.id == PhoneNumber.customer_id)
            .where(Customer.company_name.is_(None))
            .order_by(PhoneNumber.id)
            .limit(1)
        ).one()
    return national_digits(row.e164), row.last_name


async def test_the_trainer_calls_the_student_and_both_sides_talk(
    pbx: PbxServer,
    clock: VirtualClock,
    engine: Engine,  # noqa: F811
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    student = Student(AmiClient(parse_ami_url(url_of(pbx)), clock), clock)
    agent = student.agent
    app = console_for(pbx, clock, engine, seeded_session_factory)
    number, last_name = a_customer(seeded_session_factory)
    async with app.run_test(size=(120, 36)) as pilot:
        await student.client.connect()
        await until(
            pilot,
            clock,
            lambda: "Connecté" in str(app.query_one("#cc-status", Static).render()),
            "connexion",
        )
        await agent.login(["accueil"])
        await until(pilot, clock, lambda: agent.state is S.READY, "élève prêt")

        # Nothing chosen yet: refused in French, nothing journaled.
        await pilot.press("f2")
        await pilot.pause()
        assert "Choisissez le poste de l'élève." in str(app.query_one("#cc-error", Static).render())
        assert trainer_rows(engine, app) == []

        app.query_one("#cc-student", Select).value = "101"
        app.query_one("#cc-caller", Input).value = "06 12"  # a bad number first
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert "Numéro invalide" in str(app.query_one("#cc-error", Static).render())
        assert trainer_rows(engine, app) == []

        app.query_one("#cc-caller", Input).value = number
        await pilot.press("f2")
        await until(pilot, clock, lambda: agent.state is S.RINGING, "sonnerie")
        assert agent.call is not None and agent.call.number == number
        await agent.answer()
        await until(pilot, clock, lambda: agent.state is S.TALKING, "décroché")

        app.query_one("#cc-line", Input).focus()
        await pilot.press(*"Bonjour, ma box clignote.", "enter")
        await until(pilot, clock, lambda: len(student.heard) == 1, "réplique du client")
        await agent.say("Orbelia Télécom, je vous écoute.")
        await until(pilot, clock, lambda: any("Élève" in line for line in app.lines), "élève")
        await agent.hold()
        await until(pilot, clock, lambda: agent.state is S.ON_HOLD, "attente")
        await agent.retrieve()
        await until(pilot, clock, lambda: agent.state is S.TALKING, "reprise")
        await until(pilot, clock, lambda: "— Repris par l'élève." in app.lines, "reprise vue")
        await pilot.press("f9")
        await until(pilot, clock, lambda: agent.call is None, "raccroché")
        await until(
            pilot, clock, lambda: app.role_play.call is not None and app.role_play.call.ended, "fin"
        )
        await pilot.pause()
        status = str(app.query_one("#cc-status", Static).render())

    call_id = app.role_play.call.call_id if app.role_play.call else ""
    assert student.heard == [
        ("customer", "Bonjour, ma box clignote."),
        ("agent", "Orbelia Télécom, je vous écoute."),
    ]
    assert app.lines[0].startswith("— Appel de ") and last_name in app.lines[0]
    assert app.lines[1:] == [
        "— L'élève a décroché (Agent 101).",
        "Client : Bonjour, ma box clignote.",
        "Élève : Orbelia Télécom, je vous écoute.",
        "— Mis en attente.",
        "— Repris par l'élève.",
        "— Appel terminé.",
    ]
    assert "Aucun appel en cours" in status
    rows = trainer_rows(engine, app)
    assert [kind for kind, _id, _p in rows] == [
        "call.placed",
        "call.answered",
        "conversation.customer",
        "conversation.agent",
        "call.hold",
        "call.retrieved",
        "call.customer_hangup",
        "call.hangup",
    ]
    assert {row_id for _k, row_id, _p in rows} == {call_id}
    placed = rows[0][2]
    assert (placed["student"], placed["queue"], placed["number"]) == ("101", "accueil", number)
    assert placed["customer"].startswith("CL") and last_name in placed["name"]
    assert rows[2][2]["text"] == "Bonjour, ma box clignote."
    # The journal's chain holds (the grader verifies it).
    assert app.journal is not None and journal.verify_shift(engine, app.journal.shift_id) is None
    agent.close()
    await student.client.close()


async def test_the_trainer_takes_a_call_the_student_places(
    pbx: PbxServer,
    clock: VirtualClock,
    engine: Engine,  # noqa: F811
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    student = Student(AmiClient(parse_ami_url(url_of(pbx)), clock), clock)
    agent = student.agent
    app = console_for(pbx, clock, engine, seeded_session_factory)
    async with app.run_test(size=(120, 36)) as pilot:
        await student.client.connect()
        await until(pilot, clock, lambda: app.client.state.name == "CONNECTED", "connexion")
        app.query_one("#cc-student", Select).value = "101"
        await pilot.pause()
        await pilot.press("f3")  # nothing to take yet
        await pilot.pause()
        assert "aucun appel sortant" in str(app.query_one("#cc-error", Static).render())

        await agent.login(["accueil"], paused=True, reason="Appels sortants")
        dialling = pilot.app.run_worker(agent.dial("0698765432"))
        calls = app.query_one("#cc-calls", OptionList)
        await until(pilot, clock, lambda: calls.option_count == 1, "appel de l'élève listé")
        await pilot.press("f3")
        await until(pilot, clock, lambda: agent.state is S.TALKING, "le client répond")
        await until(
            pilot,
            clock,
            lambda: app.role_play.call is not None and app.role_play.call.answered,
            "décroché vu",
        )
        app.query_one("#cc-line", Input).focus()
        await pilot.press(*"Allô ?", "enter")
        await until(pilot, clock, lambda: student.heard == [("customer", "Allô ?")], "réplique")
        await agent.hangup()
        await until(pilot, clock, lambda: calls.option_count == 0, "appel retiré de la liste")
        assert dialling.is_finished

    assert app.lines[0] == "— Vous jouez le client appelé au 0698765432 par le poste 101."
    assert app.lines[1:] == [
        "— Vous avez décroché : en ligne avec l'élève (Agent 101).",
        "Client : Allô ?",
        "— Appel terminé.",
    ]
    rows = trainer_rows(engine, app)
    assert [kind for kind, _id, _p in rows] == [
        "call.attached",
        "call.answered",
        "conversation.customer",
        "call.hangup",
    ]
    assert agent.last_ended is not None
    assert {row_id for _k, row_id, _p in rows} == {agent.last_ended.call_id}
    agent.close()
    await student.client.close()


async def test_a_call_already_answered_is_listed_when_the_student_is_chosen(
    pbx: PbxServer,
    clock: VirtualClock,
    engine: Engine,  # noqa: F811
    seeded_session_factory: sessionmaker,  # noqa: F811
) -> None:
    student = Student(AmiClient(parse_ami_url(url_of(pbx)), clock), clock)
    agent = student.agent
    app = console_for(pbx, clock, engine, seeded_session_factory)
    async with app.run_test(size=(120, 36)) as pilot:
        await student.client.connect()
        await until(pilot, clock, lambda: app.client.state.name == "CONNECTED", "connexion")
        await agent.login(["accueil"], paused=True, reason="Appels sortants")
        dialling = pilot.app.run_worker(agent.dial("0698765432"))
        await until(pilot, clock, lambda: agent.state is S.TALKING, "le client répond")
        app.query_one("#cc-student", Select).value = "101"
        calls = app.query_one("#cc-calls", OptionList)
        await until(pilot, clock, lambda: calls.option_count == 1, "appel déjà en cours listé")
        await pilot.press("f3")
        await until(pilot, clock, lambda: len(app.lines) == 2, "appel pris")
        await pilot.press("f9")  # the customer hangs up on the student
        await until(pilot, clock, lambda: agent.call is None, "fin chez l'élève")
        await until(pilot, clock, lambda: calls.option_count == 0, "liste vidée")
        assert dialling.is_finished

    assert app.lines == [
        "— Vous jouez le client appelé au 0698765432 par le poste 101.",
        "— Vous avez décroché : en ligne avec l'élève (Agent 101).",
        "— Appel terminé.",
    ]
    assert agent.last_ended is not None and agent.last_ended.by == "customer"
    assert [kind for kind, _id, _p in trainer_rows(engine, app)] == [
        "call.attached",
        "call.answered",
        "call.customer_hangup",
        "call.hangup",
    ]
    agent.close()
    await student.client.close()
