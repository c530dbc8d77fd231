"""The agent's call model: fed by the recorded Asterisk traffic, and live on the built-in PBX."""

from __future__ import annotations

import asyncio

import pytest
import transcript_loader as tl

from cti.agent import (
    Agent,
    AgentError,
    AgentIdentity,
    AgentState,
    CallEnded,
    CallMissed,
    CallRinging,
    CallTransferred,
    ConsultationChanged,
    ConversationLine,
    DialOutcome,
    DomainEvent,
    QueueMembership,
    StateChanged,
    handset_of,
    outcome_from_reason,
    send_line,
)
from cti.ami.client import AmiClient, ConnectionState, parse_ami_url
from cti.ami.codec import Banner, Decoder, Message
from cti.pbx import PbxServer, default_config
from workstation.clock import VirtualClock

S = AgentState


class Replay:
    """An Agent fed with a transcript's frames (no network): S->C messages are dispatched to
    the client, C->S actions get the bookkeeping the agent's own operations would have done."""

    def __init__(self, name: str, extension: str = "101") -> None:
        self.clock = VirtualClock()
        self.client = AmiClient(parse_ami_url("ami://cti:x@127.0.0.1:9"), self.clock)
        self.agent = Agent(self.client, self.clock, AgentIdentity(extension))
        self.events: list[DomainEvent] = []
        self.agent.subscribe(self.events.append)
        self.name = name
        self.outcomes: list[asyncio.Future[DialOutcome] | None] = []

    def run(self) -> Replay:
        for frame in tl.frames(self.name):
            if frame.conn != "cti":
                continue
            message = Decoder().feed(frame.data)
            if not message or isinstance(message[0], Banner):
                continue
            assert isinstance(message[0], Message)
            if frame.direction == "S->C":
                self.client.dispatch(message[0])
            else:
                self.sent(message[0])
        return self

    def sent(self, action: Message) -> None:
        call = self.agent.call
        phone = f"Local/{self.agent.identity.extension}@agent-phone/nm"
        if action.action == "Originate" and action.get("Channel") == phone:
            call = self.agent.track_outbound(
                action.get("ChannelId") or "", action.action_id or "", action.get("Exten") or ""
            )
            self.outcomes.append(call.outcome)
        if call is None:
            return
        if action.action == "Atxfer" and action.get("Channel") == call.leg:
            call.consult_target = action.get("Exten") or ""
        # 17 names the handset by the Uniqueid it gave it (OtherChannelId).
        handsets = (call.handset, f"{call.leg_uniqueid}-h")
        if action.action == "Hangup" and action.get("Channel") in handsets:
            consulting = self.agent.state is S.CONSULTING
            call.ending_by = call.ending_by or ("transfer" if consulting else "agent")

    @property
    def states(self) -> list[AgentState]:
        return [e.state for e in self.events if isinstance(e, StateChanged)]

    def of(self, kind: type[DomainEvent]) -> list[DomainEvent]:
        return [e for e in self.events if isinstance(e, kind)]


async def test_inbound_answered_then_agent_hangs_up_03() -> None:
    replay = Replay("03-inbound-answer-redirect").run()
    assert replay.states == [S.READY, S.RINGING, S.TALKING, S.WRAP_UP, S.LOGGED_OUT]
    (ringing,) = replay.of(CallRinging)
    (ended,) = replay.of(CallEnded)
    assert ringing.call_id == ended.call_id == "1795749617.0"  # the Linkedid
    assert (ringing.queue, ringing.number) == ("support", "0612345678")
    assert ended.by == "agent" and ended.cause == 16  # the bridged leg: Normal Clearing
    assert isinstance(replay.of(QueueMembership)[0], QueueMembership)


async def test_device_hold_and_retrieve_twice_08() -> None:
    replay = Replay("08-hold-device-moh").run()
    assert replay.states == [
        S.READY,
        S.RINGING,
        S.TALKING,
        S.ON_HOLD,
        S.TALKING,
        S.ON_HOLD,
        S.TALKING,
        S.WRAP_UP,
        S.LOGGED_OUT,  # the recording ends with QueueRemove
    ]


async def test_blind_transfer_11() -> None:
    replay = Replay("11-transfer-blind").run()
    (transferred,) = replay.of(CallTransferred)
    assert (transferred.kind, transferred.target) == ("blind", "200")
    (ended,) = replay.of(CallEnded)
    assert ended.by == "transfer"
    assert replay.states[-2:] == [S.WRAP_UP, S.LOGGED_OUT]


async def test_attended_transfer_completed_13() -> None:
    replay = Replay("13-transfer-attended-atxfer").run()
    assert S.CONSULTING in replay.states
    (transferred,) = replay.of(CallTransferred)
    assert (transferred.kind, transferred.target) == ("attended", "200")
    (ended,) = replay.of(CallEnded)
    assert ended.by == "transfer"


async def test_attended_variants_cancel_and_no_answer_come_back_to_talking_14() -> None:
    replay = Replay("14-transfer-attended-variants").run()
    consultations = replay.of(ConsultationChanged)
    # 201 cancelled, 299 never answered (back after 15 s), 202 completed with *2.
    assert [(c.target, c.active) for c in consultations] == [
        ("201", True),
        ("201", False),
        ("299", True),
        ("299", False),
        ("202", True),
    ]
    assert replay.states.count(S.CONSULTING) == 3
    (transferred,) = replay.of(CallTransferred)
    assert transferred.kind == "attended"


async def test_no_answer_then_caller_abandons_06() -> None:
    replay = Replay("06-inbound-noanswer-abandon", extension="104").run()
    reasons = [e.reason for e in replay.of(CallMissed)]
    assert reasons[0] == "no_answer" and reasons[-1] in ("abandoned", "no_answer")
    assert not replay.of(CallEnded)
    assert replay.agent.call is None


async def test_ringall_the_agent_who_did_not_answer_sees_a_missed_call_07() -> None:
    loser = Replay("07-inbound-ringall-two-agents", extension="101").run()
    winner = Replay("07-inbound-ringall-two-agents", extension="102").run()
    assert S.TALKING not in loser.states and loser.of(CallMissed)
    assert S.TALKING in winner.states
    assert [e.by for e in winner.of(CallEnded)] == ["customer"]


async def test_rejected_call_then_ended_calls_16() -> None:
    replay = Replay("16-hangup-causes").run()
    missed = replay.of(CallMissed)
    assert missed[0].reason == "rejected"
    assert [e.by for e in replay.of(CallEnded)][-1] == "customer"


async def test_restart_reports_the_call_as_lost_20() -> None:
    replay = Replay("20-core-restart").run()
    (ended,) = replay.of(CallEnded)
    assert ended.by == "lost"
    assert replay.states[-1] is not S.WRAP_UP  # no after-call work for a call the PBX dropped


async def test_click_to_dial_outcomes_17() -> None:
    replay = Replay("17-outbound-agent-first").run()
    outcomes = [o.result() for o in replay.outcomes if o is not None and o.done()]
    assert outcomes == [
        DialOutcome.ANSWERED,  # 0140000001, the agent hangs up
        DialOutcome.ANSWERED,  # 0140000005, the remote party hangs up
        DialOutcome.BUSY,
        DialOutcome.CONGESTION,
        DialOutcome.NO_ANSWER,
    ]
    assert [e.by for e in replay.of(CallEnded)] == ["agent", "customer"]
    assert replay.agent.call is None and replay.states[-1] is S.LOGGED_OUT


def test_outcome_codes_of_originate_response() -> None:
    assert outcome_from_reason(4) is DialOutcome.ANSWERED
    assert outcome_from_reason(5) is DialOutcome.BUSY
    assert outcome_from_reason(8) is DialOutcome.CONGESTION
    assert outcome_from_reason(3) is DialOutcome.NO_ANSWER
    assert outcome_from_reason(0) is DialOutcome.INVALID
    assert handset_of("Local/101@agents-00000001;1") == "Local/101@agents-00000001;2"


def test_identity_is_the_member_interface_not_the_caller_id() -> None:
    me = AgentIdentity("101")
    assert me.interface == "Local/101@agents/nm" and me.member_name == "Agent 101"
    assert me.owns("Local/101@agents-00000003;1") and me.owns("Local/101@agent-phone-0000;2")
    assert not me.owns("Local/1010@agents-00000003;1")


# --- live, on the built-in PBX --------------------------------------------------------------

SECRET = "agent-secret"


async def until(clock: VirtualClock, future: asyncio.Future[object], limit: float = 30) -> None:
    for _ in range(int(limit / 0.05)):
        if future.done():
            return
        await clock.advance(0.05)
    raise AssertionError("not done in time")


async def run(clock: VirtualClock, coroutine: object) -> object:
    task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
    await until(clock, task)
    return task.result()


@pytest.fixture
async def pbx(clock: VirtualClock) -> PbxServer:
    server = PbxServer(default_config(secret=SECRET), clock)
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop(restart=False)


def client_for(server: PbxServer, clock: VirtualClock) -> AmiClient:
    assert server.address is not None
    host, port = server.address
    return AmiClient(parse_ami_url(f"ami://cti:{SECRET}@{host}:{port}"), clock, rand=lambda: 0.5)


async def place_call(client: AmiClient, number: str = "0612345678") -> None:
    await client.action(
        "Originate",
        [
            ("Channel", f"Local/{number}@pstn-customer/n"),
            ("Context", "inbound"),
            ("Exten", "accueil"),
            ("Priority", "1"),
            ("CallerID", f'"Mme Durand" <{number}>'),
            ("Async", "true"),
            ("Variable", "CUSTOMER_HANGUP_AFTER=600"),
        ],
    )


async def test_operations_refuse_the_wrong_state_in_french(
    pbx: PbxServer, clock: VirtualClock
) -> None:
    client = client_for(pbx, clock)
    await run(clock, client.connect())
    agent = Agent(client, clock, AgentIdentity("101"))
    with pytest.raises(AgentError) as error:
        await agent.answer()
    assert "aucun appel" in str(error.value)
    with pytest.raises(AgentError):
        await agent.login([])
    assert await agent.dial("12") is DialOutcome.INVALID  # refused before any call is placed
    await client.close()


async def test_conversation_lines_travel_as_user_events_tied_to_the_call(
    pbx: PbxServer, clock: VirtualClock
) -> None:
    client, customer = client_for(pbx, clock), client_for(pbx, clock)
    await run(clock, client.connect())
    await run(clock, customer.connect())
    agent = Agent(client, clock, AgentIdentity("101"))
    lines: list[ConversationLine] = []
    agent.subscribe(lambda e: lines.append(e) if isinstance(e, ConversationLine) else None)
    await run(clock, agent.login(["accueil"]))
    await run(clock, agent.wait_for_state(S.READY))
    await place_call(customer)
    await run(clock, agent.wait_for_state(S.RINGING))
    await run(clock, agent.answer())
    await run(clock, agent.wait_for_state(S.TALKING))
    assert agent.call is not None
    call_id = agent.call.call_id
    # The customer, played from another connection (a program or another terminal).
    await run(clock, send_line(customer, call_id, "customer", "Bonjour,\nma facture est fausse"))
    await run(clock, agent.say("Je regarde votre facture."))
    await run(clock, send_line(customer, "another-call", "customer", "pas pour vous"))
    await clock.advance(0.1)
    assert [(line.speaker, line.text, line.call_id) for line in lines] == [
        ("customer", "Bonjour, ma facture est fausse", call_id),
        ("agent", "Je regarde votre facture.", call_id),
    ]
    await client.close()
    await customer.close()


async def test_pbx_restart_mid_call_reconnects_resyncs_and_reports_the_lost_call(
    clock: VirtualClock,
) -> None:
    server = PbxServer(default_config(secret=SECRET), clock)
    host, port = await server.start("127.0.0.1", 0)
    client = client_for(server, clock)
    await run(clock, client.connect())
    agent = Agent(client, clock, AgentIdentity("101"))
    events: list[DomainEvent] = []
    agent.subscribe(events.append)
    await run(clock, agent.login(["accueil"]))
    await run(clock, agent.wait_for_state(S.READY))
    await place_call(client)
    await run(clock, agent.wait_for_state(S.RINGING))
    await run(clock, agent.answer())
    await run(clock, agent.wait_for_state(S.TALKING))

    await server.stop(restart=True)  # `core restart now` while the call is up
    await clock.advance(0.05)
    assert client.state is ConnectionState.RECONNECTING
    restarted = PbxServer(default_config(secret=SECRET), clock)  # no members, no calls
    await restarted.start(host, port)
    back_at = clock.monotonic()
    while client.state is not ConnectionState.CONNECTED:
        await clock.advance(0.05)
        assert clock.monotonic() - back_at <= 2.0, "not reconnected within 2 s"
    await run(clock, agent.wait_for_state(S.READY))
    assert [e.by for e in events if isinstance(e, CallEnded)] == ["lost"]
    assert agent.queues == {"accueil"}
    # The membership really is back on the restarted PBX: a new call rings the agent.
    await place_call(client, "0699887766")
    await run(clock, agent.wait_for_state(S.RINGING))
    await client.close()
    await restarted.stop(restart=False)


async def test_after_call_work_ends_on_ready_or_on_another_pause(
    pbx: PbxServer, clock: VirtualClock
) -> None:
    client = client_for(pbx, clock)
    await run(clock, client.connect())
    agent = Agent(client, clock, AgentIdentity("101"))
    await run(clock, agent.login(["accueil"]))
    await run(clock, agent.wait_for_state(S.READY))
    for finish, expected in ((agent.ready, S.READY), (lambda: agent.pause("Déjeuner"), S.PAUSED)):
        if agent.state is S.PAUSED:
            await run(clock, agent.ready())
            await run(clock, agent.wait_for_state(S.READY))
        await place_call(client)
        await run(clock, agent.wait_for_state(S.RINGING))
        await run(clock, agent.answer())
        await run(clock, agent.wait_for_state(S.TALKING))
        await run(clock, agent.hangup())
        await run(clock, agent.wait_for_state(S.WRAP_UP))
        await clock.advance(0.2)  # the after-call pause reaches the PBX: still in wrap-up
        assert agent.state is S.WRAP_UP
        assert (agent.paused, agent.pause_reason) == (True, "Après-appel")
        await run(clock, finish())
        await run(clock, agent.wait_for_state(expected))
    assert agent.pause_reason == "Déjeuner"
    await client.close()


async def test_a_customer_played_from_another_connection(
    pbx: PbxServer, clock: VirtualClock
) -> None:
    from cti.customer import CustomerCall, CustomerNews

    client, other = client_for(pbx, clock), client_for(pbx, clock)
    await run(clock, client.connect())
    await run(clock, other.connect())
    agent = Agent(client, clock, AgentIdentity("101"))
    heard: list[ConversationLine] = []
    agent.subscribe(lambda e: heard.append(e) if isinstance(e, ConversationLine) else None)
    news: list[CustomerNews] = []
    customer = CustomerCall(other, news.append)
    await run(clock, agent.login(["accueil"]))
    await run(clock, agent.wait_for_state(S.READY))
    call_id = await run(clock, customer.place("0611223344", "M. Petit", "accueil"))
    await run(clock, agent.wait_for_state(S.RINGING))
    assert agent.call is not None and agent.call.call_id == call_id  # known before any event
    await run(clock, agent.answer())
    await run(clock, agent.wait_for_state(S.TALKING))
    await run(clock, customer.say("Bonjour, ma box ne synchronise plus."))
    await run(clock, agent.say("Je vais vérifier la ligne."))
    await clock.advance(0.1)
    assert [(line.speaker, line.text) for line in heard] == [
        ("customer", "Bonjour, ma box ne synchronise plus."),
        ("agent", "Je vais vérifier la ligne."),
    ]
    await run(clock, customer.hang_up())
    await run(clock, agent.wait_for_state(S.WRAP_UP))
    assert agent.last_ended is not None and agent.last_ended.by == "customer"
    assert [(n.kind, n.text) for n in news][:2] == [
        ("answered", "Agent 101"),
        ("line", "Je vais vérifier la ligne."),
    ]
    assert news[-1].kind == "ended" and customer.ended
    customer.close()
    await client.close()
    await other.close()
