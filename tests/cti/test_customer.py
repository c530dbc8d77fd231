"""The customer's side of a call (cti.customer) on the built-in PBX, on the virtual clock.

The news the customer hears are asserted for each way a student handles the call: answer,
hold and retrieve, blind and attended transfers, a call straight to an extension, and a call the
student placed that the trainer joins.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from cti.agent import Agent, AgentError, AgentIdentity, AgentState, ConversationLine, send_line
from cti.ami.client import AmiClient
from cti.customer import CustomerCall, CustomerNews, StudentCall, StudentCalls
from workstation.clock import VirtualClock

S = AgentState


async def run(clock: VirtualClock, coroutine: object, limit: float = 30) -> object:
    task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
    for _ in range(int(limit / 0.05)):
        if task.done():
            return task.result()
        await clock.advance(0.05)
    raise AssertionError("not done in time")


class Desk:
    """A student (Agent 101) and a trainer (CustomerCall) on two connections."""

    def __init__(self, student: AmiClient, trainer: AmiClient, clock: VirtualClock) -> None:
        self.student, self.trainer, self.clock = student, trainer, clock
        self.agent = Agent(student, clock, AgentIdentity("101"), wrap_up=False)
        self.heard: list[tuple[str, str]] = []
        self.agent.subscribe(
            lambda e: (
                self.heard.append((e.speaker, e.text)) if isinstance(e, ConversationLine) else None
            )
        )
        self.news: list[CustomerNews] = []
        self.customer = CustomerCall(trainer, self.news.append)

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return [(n.kind, n.text) for n in self.news]

    async def do(self, coroutine: object) -> object:
        result = await run(self.clock, coroutine)
        await self.clock.advance(0.1)  # let the events of the action arrive
        return result

    def close(self) -> None:
        """The sessions themselves are closed by the `ami` fixture."""
        self.customer.close()
        self.agent.close()


@pytest.fixture
async def desk(ami: Callable[[], Awaitable[AmiClient]], clock: VirtualClock) -> AsyncIterator[Desk]:
    """Two sessions on the test PBX (tests/conftest.py `ami`, which closes them)."""
    desk = Desk(await ami(), await ami(), clock)
    yield desk
    desk.close()


async def answered_queue_call(desk: Desk) -> str:
    await desk.do(desk.agent.login(["accueil"]))
    call_id = await desk.do(desk.customer.place("0611223344", "Mme Durand", "accueil"))
    await desk.do(desk.agent.wait_for_state(S.RINGING))
    await desk.do(desk.agent.answer())
    await desk.do(desk.agent.wait_for_state(S.TALKING))
    return str(call_id)


async def test_hold_retrieve_and_blind_transfer_reach_the_customer(desk: Desk) -> None:
    await answered_queue_call(desk)
    await desk.do(desk.agent.hold())
    await desk.do(desk.agent.retrieve())
    await desk.do(desk.agent.blind_transfer("210"))
    assert desk.kinds == [
        ("answered", "Agent 101"),
        ("hold", ""),
        ("retrieved", ""),
        ("transferred", "210"),
    ]
    assert desk.customer.transferred_to == "210" and not desk.customer.ended
    # The customer is still on the line with the service, then hangs up.
    await desk.clock.advance(3)
    await desk.do(desk.customer.hang_up())
    assert desk.kinds[-1] == ("ended", "Normal Clearing") and desk.customer.ended


async def test_queue_music_before_the_answer_is_not_a_hold(desk: Desk) -> None:
    await desk.do(desk.agent.login(["accueil"]))
    await desk.do(desk.agent.pause("Formation"))
    await desk.do(desk.customer.place("0611223344", "Mme Durand", "accueil"))
    await desk.clock.advance(5)  # waiting in the queue with its music
    await desk.do(desk.customer.hang_up())
    assert desk.kinds == [("ended", "Normal Clearing")]


async def test_attended_transfer_is_a_hold_then_a_transfer(desk: Desk) -> None:
    await answered_queue_call(desk)
    await desk.do(desk.agent.consult("220"))
    await desk.do(desk.agent.wait_for_state(S.CONSULTING))
    await desk.clock.advance(3)  # the service picks up
    await desk.do(desk.agent.complete_transfer())
    assert desk.kinds == [
        ("answered", "Agent 101"),
        ("hold", ""),
        ("retrieved", ""),
        ("transferred", "220"),
    ]


async def test_a_call_straight_to_an_extension(desk: Desk) -> None:
    call_id = await desk.do(desk.customer.place("0611223344", "M. Petit", extension="101"))
    # The handset of 101 rings without any queue: answer it with the reference's Redirect (03).
    listing = await desk.do(desk.trainer.list_action("CoreShowChannels"))
    (handset,) = [
        item.get("Channel")
        for item in listing.items  # type: ignore[attr-defined]
        if (item.get("Channel") or "").startswith("Local/101@agents-")
        and (item.get("Channel") or "").endswith(";2")
    ]
    assert all(i.get("Linkedid") == call_id for i in listing.items)  # type: ignore[attr-defined]
    await desk.do(
        desk.student.action(
            "Redirect",
            [
                ("Channel", handset),
                ("Context", "agent-answer"),
                ("Exten", "101"),
                ("Priority", "1"),
            ],
        )
    )
    await desk.do(send_line(desk.student, str(call_id), "agent", "Orbelia Télécom, bonjour."))
    await desk.do(desk.customer.hang_up())
    assert desk.kinds == [
        ("answered", "Agent 101"),
        ("line", "Orbelia Télécom, bonjour."),
        ("ended", "Normal Clearing"),
    ]


async def test_the_trainer_joins_a_call_the_student_placed(desk: Desk) -> None:
    seen: list[StudentCall] = []
    watch = StudentCalls(desk.trainer, "101", seen.append)
    other = StudentCalls(desk.trainer, "102", seen.append)  # another student's calls: none
    await desk.do(desk.agent.login(["accueil"]))
    await desk.do(desk.agent.pause("Appels sortants"))
    dialling = asyncio.ensure_future(desk.agent.dial("0611223344"))
    await desk.clock.advance(0.2)
    (call,) = seen
    assert (call.extension, call.number, call.active) == ("101", "0611223344", True)
    await desk.do(desk.customer.attach(call.call_id))  # ringing: not answered yet
    assert desk.news == [] and desk.customer.customer_channel.startswith("Local/0611223344@pstn-")
    await run(desk.clock, dialling)
    await desk.clock.advance(0.1)
    await desk.do(desk.agent.say("Bonjour, ici Orbelia Télécom."))
    await desk.do(desk.customer.say("Oui, bonjour ?"))
    await desk.do(desk.agent.hold())
    await desk.do(desk.agent.retrieve())
    await desk.do(desk.agent.hangup())
    assert desk.kinds == [
        ("answered", "Agent 101"),
        ("line", "Bonjour, ici Orbelia Télécom."),
        ("hold", ""),
        ("retrieved", ""),
        ("ended", "Normal Clearing"),
    ]
    assert desk.heard == [
        ("agent", "Bonjour, ici Orbelia Télécom."),
        ("customer", "Oui, bonjour ?"),
    ]
    assert [(c.call_id, c.active) for c in seen] == [(call.call_id, True), (call.call_id, False)]
    watch.close()
    other.close()


async def test_joining_a_call_already_answered_says_who_answered(desk: Desk) -> None:
    await desk.do(desk.agent.login(["accueil"]))
    await desk.do(desk.agent.pause("Appels sortants"))
    await run(desk.clock, desk.agent.dial("0611223344"))
    assert desk.agent.call is not None
    await desk.do(desk.customer.attach(desk.agent.call.call_id))
    await desk.do(desk.customer.hang_up())
    assert desk.kinds == [("answered", "Agent 101"), ("ended", "Normal Clearing")]
    await desk.do(desk.agent.wait_for_state(S.PAUSED))


async def test_bad_requests_are_refused_in_french(desk: Desk) -> None:
    for kwargs, words in (
        ({"queue": "accueil", "extension": "101"}, "pas les deux"),
        ({}, "file d'attente ou un poste"),
        ({"extension": "10a"}, "Poste invalide"),
    ):
        with pytest.raises(AgentError) as error:
            await desk.customer.place("0611223344", "X", **kwargs)  # type: ignore[arg-type]
        assert words in str(error.value)
    with pytest.raises(AgentError) as error:
        await desk.do(desk.customer.attach("no-such-call"))
    assert "Appel introuvable" in str(error.value)
    assert desk.customer.call_id == "" and desk.news == []


async def test_a_call_placed_before_the_watch_began_is_listed_by_refresh(desk: Desk) -> None:
    await desk.do(desk.agent.login(["accueil"], paused=True, reason="Appels sortants"))
    await run(desk.clock, desk.agent.dial("0611223344"))
    assert desk.agent.call is not None
    seen: list[StudentCall] = []
    watch = StudentCalls(desk.trainer, "101", seen.append)
    assert seen == []
    await desk.do(watch.refresh())
    await desk.do(watch.refresh())  # listed once
    assert [(c.call_id, c.number, c.active) for c in seen] == [
        (desk.agent.call.call_id, "0611223344", True)
    ]
    await desk.do(desk.agent.hangup())
    assert [c.active for c in seen] == [True, False] and watch.calls == {}
    watch.close()
