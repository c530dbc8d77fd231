"""A simulated customer calls through the built-in PBX and talks with a student (issue 8 item 3).

The student is a plain `cti.Agent` on its own AMI connection: the lines travel as UserEvents,
so this is what the workstation sees with a program or a trainer at the other end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from practice_builders import COMMON, scenario

from cti.agent import Agent, AgentIdentity, AgentState, ConversationLine
from cti.ami.client import AmiClient
from workstation.clock import VirtualClock
from workstation.practice.customer_line import CustomerOnLine
from workstation.practice.customer_sim import SimulatedCustomer

#: The `ami` fixture (tests/conftest.py): a new AMI session on the test PBX.
Connect = Callable[[], Awaitable[AmiClient]]


async def until(clock: VirtualClock, predicate: Any, limit: float = 30.0) -> None:
    for _ in range(int(limit / 0.1)):
        if predicate():
            return
        await clock.advance(0.1)
    raise AssertionError("condition not reached in time")


async def test_a_whole_call_over_the_pbx(ami: Connect, clock: VirtualClock) -> None:
    student_client, customer_client = await ami(), await ami()
    agent = Agent(student_client, clock, AgentIdentity("101", "Camille Martin"), wrap_up=False)
    heard: list[tuple[str, str, float]] = []
    agent.subscribe(
        lambda e: (
            heard.append((e.speaker, e.text, clock.monotonic()))
            if isinstance(e, ConversationLine)
            else None
        )
    )
    notes: list[tuple[str, dict[str, Any], str]] = []
    login = asyncio.ensure_future(agent.login(["accueil"]))
    await until(clock, login.done)

    sim = SimulatedCustomer(scenario(), COMMON, agent_name="Camille Martin")
    line = CustomerOnLine(
        customer_client, clock, sim, lambda *n: notes.append(n), reply_delay_s=1.5
    )
    call_id = await line.call_in("0612345678", "Sophie Durand", "accueil")
    running = asyncio.ensure_future(line.run())
    await until(clock, lambda: agent.state is AgentState.RINGING)
    answer = asyncio.ensure_future(agent.answer())
    await until(clock, lambda: len(heard) == 1)
    assert answer.done() and heard[0][:2] == ("customer", "Bonjour, ma facture est trop élevée.")

    await agent.say("Orbelia Télécom, Camille à votre écoute, bonjour.")
    await agent.say("Ce sont les frais de mise en service, madame.")
    said_at = clock.monotonic()
    await until(clock, lambda: len(heard) == 5)
    assert [text for speaker, text, _ in heard if speaker == "customer"] == [
        "Bonjour, ma facture est trop élevée.",
        "Ah, c'est une seule fois ?",
        "Et le mois prochain ?",
    ]
    assert heard[3][2] - said_at == pytest.approx(1.5, abs=0.2)  # the customer takes a breath

    await agent.say("Je vous souhaite une bonne journée, au revoir.")
    await until(clock, running.done)
    assert running.result() == "satisfait"
    await until(clock, lambda: agent.state is AgentState.READY)
    assert heard[-1][:2] == ("customer", "Merci, au revoir.")
    kinds = [kind for kind, _, _ in notes]
    assert kinds[0] == "scenario.start" and kinds[-1] == "scenario.end"
    assert {cid for _, _, cid in notes} == {call_id}
    assert notes[-1][1]["ending"] == "satisfait" and notes[-1][1]["by"] == "customer"

    agent.close()


async def test_desk_actions_reach_the_customer_and_a_hang_up_by_the_student_ends_it(
    ami: Connect, clock: VirtualClock
) -> None:
    student_client, customer_client = await ami(), await ami()
    agent = Agent(student_client, clock, AgentIdentity("101", "Camille"), wrap_up=False)
    login = asyncio.ensure_future(agent.login(["accueil"]))
    await until(clock, login.done)
    sim = SimulatedCustomer(scenario(), COMMON, agent_name="Camille")
    notes: list[tuple[str, dict[str, Any], str]] = []
    line = CustomerOnLine(customer_client, clock, sim, lambda *n: notes.append(n), reply_delay_s=0)
    await line.call_in("0612345678", "Sophie Durand", "accueil")
    running = asyncio.ensure_future(line.run())
    await until(clock, lambda: agent.state is AgentState.RINGING)
    answer = asyncio.ensure_future(agent.answer())
    await until(clock, answer.done)
    await agent.say("Bonjour, Orbelia, Camille.")
    sim.patience = 50
    line.did("kb_open", "FAQ-001")
    assert sim.patience == 55
    hangup = asyncio.ensure_future(agent.hangup())
    await until(clock, running.done)
    assert hangup.done() and running.result() == "neutre"
    assert notes[-1][1]["by"] == "agent"

    agent.close()
