"""Random sequences of call-control actions never break the PBX's invariants."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cti.ami.codec import Message
from cti.pbx import default_config
from cti.pbx.actions import Actions
from cti.pbx.core import Pbx
from workstation.clock import VirtualClock

AGENTS = ("101", "102", "103")
NUMBERS = ("0140000001", "0140000002", "0140000003", "0140000004", "0140000005", "0149999999")

step = st.one_of(
    st.tuples(st.just("login"), st.sampled_from(AGENTS), st.sampled_from(["accueil", "ventes"])),
    st.tuples(st.just("logout"), st.sampled_from(AGENTS), st.sampled_from(["accueil", "ventes"])),
    st.tuples(st.just("pause"), st.sampled_from(AGENTS), st.booleans()),
    st.tuples(st.just("customer"), st.sampled_from(["accueil", "ventes"]), st.integers(1, 90)),
    st.tuples(st.just("dial"), st.sampled_from(AGENTS), st.sampled_from(NUMBERS)),
    st.tuples(st.just("answer"), st.integers(0, 20), st.none()),
    st.tuples(st.just("hold"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("hangup"), st.integers(0, 40), st.sampled_from(["", "16", "21"])),
    st.tuples(st.just("blind"), st.integers(0, 40), st.sampled_from(["200", "299", "102"])),
    st.tuples(st.just("atxfer"), st.integers(0, 40), st.sampled_from(["210", "299"])),
    st.tuples(st.just("cancel"), st.integers(0, 40), st.none()),
    st.tuples(st.just("park"), st.integers(0, 40), st.none()),
    st.tuples(st.just("wait"), st.floats(0, 40), st.none()),
)


def check(pbx: Pbx) -> None:
    for bridge in pbx.bridges.values():
        for ch in bridge.channels:
            assert ch.bridge is bridge and not ch.gone
            assert ch.name in pbx.channels
        if bridge.type == "basic":
            assert len(bridge.channels) != 1 or pbx.transfers.consultations
    for ch in pbx.channels.values():
        assert not ch.gone
        if ch.bridge is not None:
            assert ch.bridge.uniqueid in pbx.bridges
    for state in pbx.queues.queues.values():
        for member in state.members.values():
            assert member.status in (1, 2)


async def play(steps: list[tuple[str, object, object]]) -> None:
    clock = VirtualClock()
    pbx = Pbx(default_config(), clock)
    actions = Actions(pbx)

    def act(name: str, **headers: str) -> None:
        reply = actions.table[name.lower()](Message(list(headers.items())))
        assert reply.frames[0][0][0] == "Response"

    def pick(n: object, *, handset: bool | None = None) -> str:
        names = sorted(pbx.channels)
        if handset is not None:
            names = [c for c in names if c.endswith(";2") == handset]
        return names[int(n) % len(names)] if names else "Local/0@none-00000000;1"  # type: ignore[call-overload]

    for kind, a, b in steps:
        if kind == "login":
            act("QueueAdd", Queue=str(b), Interface=f"Local/{a}@agents/nm")
        elif kind == "logout":
            act("QueueRemove", Queue=str(b), Interface=f"Local/{a}@agents/nm")
        elif kind == "pause":
            act(
                "QueuePause",
                Interface=f"Local/{a}@agents/nm",
                Paused=str(b).lower(),
                Reason="Pause",
            )
        elif kind == "customer":
            act(
                "Originate",
                Channel="Local/0612345678@pstn-customer/n",
                Context="inbound",
                Exten=str(a),
                Priority="1",
                Async="true",
                Variable=f"CUSTOMER_HANGUP_AFTER={b}",
            )
        elif kind == "dial":
            act(
                "Originate",
                Channel=f"Local/{a}@agent-phone/nm",
                Context="outbound",
                Exten=str(b),
                Priority="1",
                Async="true",
            )
        elif kind == "answer":
            handset = pick(a, handset=True)
            agent = handset.split("/", 1)[1].split("@", 1)[0]
            act("Redirect", Channel=handset, Context="agent-answer", Exten=agent, Priority="1")
        elif kind == "hold":
            handset = pick(a, handset=True)
            agent = handset.split("/", 1)[1].split("@", 1)[0]
            context, priority = ("agent-hold", "1") if b else ("agent-answer", "talk")
            act("Redirect", Channel=handset, Context=context, Exten=agent, Priority=priority)
        elif kind == "hangup":
            act("Hangup", Channel=pick(a), Cause=str(b)) if b else act("Hangup", Channel=pick(a))
        elif kind == "blind":
            act("BlindTransfer", Channel=pick(a), Context="internal", Exten=str(b))
        elif kind == "atxfer":
            act("Atxfer", Channel=pick(a), Context="internal", Exten=str(b))
        elif kind == "cancel":
            act("CancelAtxfer", Channel=pick(a))
        elif kind == "park":
            act("Park", Channel=pick(a))
        else:
            await clock.advance(float(a))  # type: ignore[arg-type]
        await clock.advance(0)
        check(pbx)
    await clock.advance(4000)
    check(pbx)
    assert pbx.channels == {}, sorted(pbx.channels)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_random_call_control_keeps_the_model_consistent(steps: list) -> None:
    asyncio.run(play(steps))
