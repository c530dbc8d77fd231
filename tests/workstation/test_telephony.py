"""The workstation's telephony on the embedded PBX: self-test probe, agent, demo callers,
and what the journal records for each call event."""

from __future__ import annotations

import random

import pytest

from crm.services.callers import Caller, national_digits
from cti import agent as cti
from cti.ami.errors import ConnectFailed
from workstation.call_journal import journal_record
from workstation.clock import VirtualClock
from workstation.demo_calls import CallPace, DemoCaller, unknown_number
from workstation.telephony import Telephony


async def test_embedded_pbx_answers_the_probe_and_rings_the_agent(clock: VirtualClock) -> None:
    telephony = Telephony(clock)
    try:
        assert await telephony.probe() == "Asterisk Call Manager/11.0.0"
        assert telephony.description == "PBX intégré"
        agent = await telephony.agent_for("101", "Camille Martin")
        events: list[cti.DomainEvent] = []
        agent.subscribe(events.append)
        await agent.login(["accueil"])
        await agent.wait_for_state(cti.AgentState.READY, timeout=5)
        assert telephony.server is not None
        caller = DemoCaller(
            telephony.server, agent, clock, [Caller("0612345678", "Sophie Durand")],
            random.Random(1), CallPace(unknown_share=0.0),
        )  # fmt: skip
        call_id = caller.place_one()
        await clock.advance(1)
        await agent.wait_for_state(cti.AgentState.RINGING, timeout=5)
        ringing = next(e for e in events if isinstance(e, cti.CallRinging))
        assert (ringing.call_id, ringing.number, ringing.queue) == (
            call_id,
            "0612345678",
            "accueil",
        )
        kind, payload, journal_call = journal_record(ringing)  # type: ignore[misc]
        assert kind == "call.ringing" and journal_call == call_id
        assert payload == {"direction": "inbound", "queue": "accueil", "number": "0612345678",
                           "name": "Sophie Durand"}  # fmt: skip
    finally:
        await telephony.close()


async def test_a_wrong_pbx_address_fails_with_a_french_message(clock: VirtualClock) -> None:
    telephony = Telephony(clock, "ami://cti:secret@127.0.0.1:1")
    with pytest.raises(ConnectFailed, match=r"Impossible de joindre le PBX 127\.0\.0\.1:1"):
        await telephony.probe()
    assert "secret" not in telephony.description
    await telephony.close()


def test_demo_callers_call_from_trunk_numbers() -> None:
    assert national_digits("+33612345678") == "0612345678"
    assert national_digits("+262692123456") == "0692123456"
    number = unknown_number(random.Random(3))
    assert len(number) == 10 and number.startswith("078")


def test_every_call_event_has_a_journal_kind() -> None:
    samples = [
        cti.CallConnected(1.0, "c1"),
        cti.CallHeld(1.0, "c1", True),
        cti.CallHeld(1.0, "c1", False),
        cti.ConsultationChanged(1.0, "c1", "210", True),
        cti.CallTransferred(1.0, "c1", "blind", "220"),
        cti.CallMissed(1.0, "c1", "no_answer"),
        cti.CallEnded(1.0, "c1", "customer", 16, "Normal Clearing", 61.25),
        cti.DialResult(1.0, "c2", "0140000002", cti.DialOutcome.BUSY),
        cti.ConversationLine(1.0, "c1", "customer", "Bonjour"),
    ]
    kinds = [journal_record(event)[0] for event in samples]  # type: ignore[index]
    assert kinds == [
        "call.answered", "call.hold", "call.retrieved", "transfer.consult_start",
        "transfer.completed", "call.missed", "call.hangup", "call.dial_result",
        "conversation.customer",
    ]  # fmt: skip
    ended = journal_record(samples[6])
    assert ended is not None and ended[1]["duration_s"] == 61.25 and ended[2] == "c1"
