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


# --- a call straight to the extension, outside any queue ------------------------------------


async def test_a_dialer_style_call_to_the_extension_rings_and_connects_18() -> None:
    # 18: the external number answers, then `internal` dials Local/101@agents/nm (no queue).
    replay = Replay("18-outbound-external-first").run()
    assert replay.states == [S.RINGING, S.TALKING, S.LOGGED_OUT]  # never logged in a queue
    (ringing,) = replay.of(CallRinging)
    assert (ringing.direction, ringing.queue, ringing.number, ringing.name) == (
        "inbound",
        "",
        "0140000001",  # the caller's, not the agent leg's `CallerIDNum: 101`
        "Client",
    )
    (ended,) = replay.of(CallEnded)
    assert ended.call_id == ringing.call_id == "1795749887.10"  # the external leg's Linkedid
    assert (ended.by, ended.cause) == ("customer", 16)  # 0140000001 hung up after 9 s
    assert not replay.of(CallMissed)


class Classroom:
    """Students' workstations (Agent per extension) and a trainer's console, on the live PBX."""

    def __init__(self, pbx: PbxServer, clock: VirtualClock) -> None:
        self.pbx, self.clock = pbx, clock
        self.clients: list[AmiClient] = []
        self.events: dict[str, list[DomainEvent]] = {}
        self.agents: dict[str, Agent] = {}
        self.news: list[object] = []

    async def client(self) -> AmiClient:
        client = client_for(self.pbx, self.clock)
        await run(self.clock, client.connect())
        self.clients.append(client)
        return client

    async def student(self, extension: str) -> Agent:
        agent = Agent(await self.client(), self.clock, AgentIdentity(extension))
        self.events[extension] = []
        agent.subscribe(self.events[extension].append)
        self.agents[extension] = agent
        return agent

    async def do(self, coroutine: object) -> object:
        result = await run(self.clock, coroutine)
        await self.clock.advance(0.1)  # the events the action causes
        return result

    def of(self, extension: str, kind: type[DomainEvent]) -> list[DomainEvent]:
        return [e for e in self.events[extension] if isinstance(e, kind)]

    def states(self, extension: str) -> list[AgentState]:
        return [e.state for e in self.of(extension, StateChanged)]  # type: ignore[attr-defined]

    async def close(self) -> None:
        for agent in self.agents.values():
            agent.close()
        for client in self.clients:
            await client.close()


@pytest.fixture
async def room(pbx: PbxServer, clock: VirtualClock) -> Classroom:
    room = Classroom(pbx, clock)
    yield room
    await room.close()


async def test_the_trainer_rings_one_student_straight_on_the_extension(room: Classroom) -> None:
    from cti.customer import CustomerCall, CustomerNews

    agent = await room.student("101")
    other = await room.student("102")  # the next student's handset stays quiet
    news: list[CustomerNews] = []
    customer = CustomerCall(await room.client(), news.append)
    # A paused student still rings: the call is for the handset, not for a queue.
    await room.do(agent.login(["accueil"], paused=True, reason="Formation"))
    await room.do(agent.wait_for_state(S.PAUSED))

    call_id = await room.do(customer.place("0611223344", "M. Petit", extension="101"))
    await room.do(agent.wait_for_state(S.RINGING))
    (ringing,) = room.of("101", CallRinging)
    assert (ringing.call_id, ringing.direction, ringing.queue) == (call_id, "inbound", "")
    assert (ringing.number, ringing.name) == ("0611223344", "M. Petit")
    assert news == []  # still ringing for the customer
    await room.do(agent.answer())  # F5 on the desk
    await room.do(agent.wait_for_state(S.TALKING))
    assert [(n.kind, n.text) for n in news] == [("answered", "Agent 101")]

    await room.do(customer.say("Bonjour, je rappelle pour mon dossier."))
    await room.do(agent.say("Bonjour monsieur Petit, je vous écoute."))
    lines = [(e.speaker, e.text, e.call_id) for e in room.of("101", ConversationLine)]
    assert lines == [
        ("customer", "Bonjour, je rappelle pour mon dossier.", call_id),
        ("agent", "Bonjour monsieur Petit, je vous écoute.", call_id),
    ]
    await room.do(agent.hold())
    assert agent.state is S.ON_HOLD
    await room.do(agent.retrieve())
    assert agent.state is S.TALKING
    await room.do(agent.hangup())
    (ended,) = room.of("101", CallEnded)
    assert (ended.call_id, ended.by, ended.cause) == (call_id, "agent", 16)
    assert room.states("101")[-3:] == [S.ON_HOLD, S.TALKING, S.WRAP_UP]
    assert [(n.kind, n.text) for n in news] == [
        ("answered", "Agent 101"),
        ("line", "Bonjour monsieur Petit, je vous écoute."),
        ("hold", ""),
        ("retrieved", ""),
        ("ended", "Normal Clearing"),
    ]
    assert room.events["102"] == [] and other.call is None
    customer.close()


async def test_a_direct_call_rejected_abandoned_or_not_answered_is_missed(
    room: Classroom,
) -> None:
    from cti.customer import CustomerCall

    agent = await room.student("101")  # not in any queue: the handset rings all the same
    trainer = await room.client()
    reasons = []
    for ending in ("reject", "abandon", "timeout"):
        customer = CustomerCall(trainer, lambda news: None)
        call_id = await room.do(customer.place("0611223344", "M. Petit", extension="101"))
        await room.do(agent.wait_for_state(S.RINGING))
        if ending == "reject":
            await room.do(agent.reject())
        elif ending == "abandon":
            await room.do(customer.hang_up())
        else:
            await room.clock.advance(20.5)  # internal's Dial(…,20)
        await room.do(agent.wait_for_state(S.LOGGED_OUT))
        (missed,) = [e for e in room.of("101", CallMissed) if e.call_id == call_id]
        reasons.append(missed.reason)
        customer.close()
    assert reasons == ["rejected", "abandoned", "no_answer"]
    assert room.of("101", CallEnded) == [] and agent.call is None


async def test_a_direct_call_can_be_blind_transferred(room: Classroom) -> None:
    from cti.customer import CustomerCall, CustomerNews

    agent = await room.student("101")
    news: list[CustomerNews] = []
    customer = CustomerCall(await room.client(), news.append)
    await room.do(customer.place("0611223344", "M. Petit", extension="101"))
    await room.do(agent.wait_for_state(S.RINGING))
    await room.do(agent.answer())
    await room.do(agent.blind_transfer("210"))
    (transferred,) = room.of("101", CallTransferred)
    assert (transferred.kind, transferred.target) == ("blind", "210")
    assert [e.by for e in room.of("101", CallEnded)] == ["transfer"]
    assert [(n.kind, n.text) for n in news][-1] == ("transferred", "210")
    assert not customer.ended
    customer.close()


async def test_a_colleague_consulting_the_extension_does_not_ring_the_desk(
    room: Classroom,
) -> None:
    """102 consults 101 (Atxfer to internal 101) as before: 101's workstation stays quiet and
    102 comes back to the customer; a customer 102 blind-transfers to 101 does ring 101."""
    from cti.customer import CustomerCall

    student, colleague = await room.student("101"), await room.student("102")
    customer = CustomerCall(await room.client(), lambda news: None)
    await room.do(colleague.login(["accueil"]))
    call_id = await room.do(customer.place("0611223344", "Mme Durand", "accueil"))
    await room.do(colleague.wait_for_state(S.RINGING))
    await room.do(colleague.answer())
    await room.do(colleague.wait_for_state(S.TALKING))

    await room.do(colleague.consult("101"))
    await room.do(colleague.wait_for_state(S.CONSULTING))
    await room.clock.advance(2)  # 101's handset rings (Local/101@agents-N;1 from internal)
    assert room.events["101"] == [] and student.call is None
    await room.do(colleague.cancel_consultation())
    await room.do(colleague.wait_for_state(S.TALKING))

    await room.do(colleague.blind_transfer("101"))
    await room.do(student.wait_for_state(S.RINGING))
    (ringing,) = room.of("101", CallRinging)
    assert (ringing.call_id, ringing.number, ringing.name) == (call_id, "0611223344", "Mme Durand")
    await room.do(student.answer())
    await room.do(student.wait_for_state(S.TALKING))
    assert [e.by for e in room.of("102", CallEnded)] == ["transfer"]
    await room.do(customer.hang_up())
    assert [e.by for e in room.of("101", CallEnded)] == ["customer"]
    customer.close()


async def test_a_direct_call_can_be_transferred_after_a_consultation(room: Classroom) -> None:
    from cti.customer import CustomerCall, CustomerNews

    agent = await room.student("101")
    news: list[CustomerNews] = []
    customer = CustomerCall(await room.client(), news.append)
    call_id = await room.do(customer.place("0611223344", "M. Petit", extension="101"))
    await room.do(agent.wait_for_state(S.RINGING))
    await room.do(agent.answer())
    # internal's Dial(…,t) gives the student the transfer right, as Queue(…,t) does.
    await room.do(agent.consult("220"))
    await room.do(agent.wait_for_state(S.CONSULTING))
    await room.clock.advance(3)  # the billing service picks up
    await room.do(agent.complete_transfer())
    (transferred,) = room.of("101", CallTransferred)
    assert (transferred.call_id, transferred.kind, transferred.target) == (
        call_id,
        "attended",
        "220",
    )
    assert [e.by for e in room.of("101", CallEnded)] == ["transfer"]
    assert [(n.kind, n.text) for n in news] == [
        ("answered", "Agent 101"),
        ("hold", ""),
        ("retrieved", ""),
        ("transferred", "220"),
    ]
    customer.close()
