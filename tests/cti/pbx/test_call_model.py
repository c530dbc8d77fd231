"""The built-in PBX's call model on the virtual clock (in-process, then over AMI)."""

from __future__ import annotations

import asyncio
import dataclasses
import socket

import pytest

from cti.ami.codec import Banner, Decoder, Message, encode_message
from cti.pbx import PbxServer, QueueConfig, default_config
from cti.pbx.actions import Actions
from cti.pbx.core import Pbx
from workstation.clock import VirtualClock


class Harness:
    """A PBX driven by actions in-process, with every event it raised."""

    def __init__(self, clock: VirtualClock, **changes: object) -> None:
        self.clock = clock
        self.pbx = Pbx(dataclasses.replace(default_config(), **changes), clock)
        self.actions = Actions(self.pbx)
        self.events: list[tuple[str, dict[str, str]]] = []
        self.pbx.listeners.append(lambda name, _cls, pairs: self.events.append((name, dict(pairs))))

    def act(self, action: str, **headers: str) -> Message:
        reply = self.actions.table[action.lower()](Message(list(headers.items())))
        return Message(reply.frames[0])

    def login(self, queue: str, *agents: str) -> None:
        for agent in agents:
            reply = self.act(
                "QueueAdd",
                Queue=queue,
                Interface=f"Local/{agent}@agents/nm",
                MemberName=f"Agent {agent}",
            )
            assert reply.get("Message") == "Added interface to queue"

    def named(self, name: str, **match: str) -> list[dict[str, str]]:
        return [
            headers
            for event, headers in self.events
            if event == name and all(headers.get(k) == v for k, v in match.items())
        ]

    def answer(self, agent_leg: str) -> None:
        handset = agent_leg[:-1] + "2"
        agent = agent_leg.split("/")[1].split("@")[0]
        reply = self.act(
            "Redirect", Channel=handset, Context="agent-answer", Exten=agent, Priority="1"
        )
        assert reply.get("Message") == "Redirect successful"


@pytest.fixture
def h(clock: VirtualClock) -> Harness:
    return Harness(clock)


async def test_round_robin_memory_rotates_between_agents(h: Harness) -> None:
    h.login("accueil", "101", "102")
    for n in range(3):
        h.act(
            "Originate",
            Channel=f"Local/061234567{n}@pstn-customer/n",
            Context="inbound",
            Exten="accueil",
            Priority="1",
            Async="true",
        )
        await h.clock.advance(1)
        leg = h.named("AgentCalled")[-1]["DestChannel"]
        h.answer(leg)
        await h.clock.advance(1)
        h.act("Hangup", Channel=leg[:-1] + "2", Cause="16")
        await h.clock.advance(1)
    called = [e["Interface"] for e in h.named("AgentCalled")]
    assert called == ["Local/101@agents/nm", "Local/102@agents/nm", "Local/101@agents/nm"]
    completes = h.named("AgentComplete")
    assert [c["Reason"] for c in completes] == ["agent"] * 3


async def test_ringall_rings_everyone_and_cancels_the_others(h: Harness) -> None:
    h.login("ventes", "101", "102", "103")
    h.act(
        "Originate",
        Channel="Local/0612345678@pstn-customer/n",
        Context="inbound",
        Exten="ventes",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(1)
    legs = [e["DestChannel"] for e in h.named("AgentCalled")]
    assert len(legs) == 3
    h.answer(legs[1])
    await h.clock.advance(0)
    connect = h.named("AgentConnect")
    assert [c["DestChannel"] for c in connect] == [legs[1]]
    for other in (legs[0], legs[2]):
        assert h.named("Hangup", Channel=other)[0]["Cause"] == "26"
        assert h.named("Hangup", Channel=other)[0]["Cause-txt"] == "Answered elsewhere"
    bridged = {e["Channel"] for e in h.named("BridgeEnter")}
    assert bridged == {legs[1], "Local/0612345678@pstn-customer-00000000;1"}


async def test_ring_timeout_then_retry_with_a_new_pair(h: Harness) -> None:
    h.login("technique", "104")
    h.act(
        "Originate",
        Channel="Local/0644556677@pstn-customer/n",
        Context="inbound",
        Exten="technique",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(19.9)
    assert h.named("AgentRingNoAnswer") == []
    await h.clock.advance(0.2)
    [noanswer] = h.named("AgentRingNoAnswer")
    assert noanswer["RingTime"] == "20000"
    assert len(h.named("AgentCalled")) == 1
    await h.clock.advance(3)
    first, second = (e["DestChannel"] for e in h.named("AgentCalled"))
    assert first == "Local/104@agents-00000001;1"
    assert second == "Local/104@agents-00000002;1"


async def test_paused_member_is_not_rung_until_ready(h: Harness) -> None:
    h.login("facturation", "105")
    reply = h.act(
        "QueuePause", Interface="Local/105@agents/nm", Paused="true", Reason="Pause déjeuner"
    )
    assert reply.get("Message") == "Interface paused successfully"
    assert h.named("QueueMemberPause")[-1]["PausedReason"] == "Pause déjeuner"
    h.act(
        "Originate",
        Channel="Local/0611111111@pstn-customer/n",
        Context="inbound",
        Exten="facturation",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(30)
    assert h.named("AgentCalled") == []
    h.act("QueuePause", Interface="Local/105@agents/nm", Paused="false")
    await h.clock.advance(0)
    assert len(h.named("AgentCalled")) == 1
    bad = h.act("QueuePause", Interface="Local/199@agents/nm", Paused="true")
    assert bad.get("Message") == "Interface not found"


async def test_wrapup_time_delays_the_next_call(clock: VirtualClock) -> None:
    queues = (QueueConfig("accueil", "rrmemory", wrapuptime=10),)
    h = Harness(clock, queues=queues)
    h.login("accueil", "101")
    for number in ("0611111111", "0622222222"):
        h.act(
            "Originate",
            Channel=f"Local/{number}@pstn-customer/n",
            Context="inbound",
            Exten="accueil",
            Priority="1",
            Async="true",
        )
    await h.clock.advance(1)
    leg = h.named("AgentCalled")[0]["DestChannel"]
    h.answer(leg)
    await h.clock.advance(5)
    h.act("Hangup", Channel=leg[:-1] + "2", Cause="16")
    await h.clock.advance(9.5)
    assert len(h.named("AgentCalled")) == 1
    await h.clock.advance(1)
    assert len(h.named("AgentCalled")) == 2


async def test_customer_hangs_up_after_the_time_given(h: Harness) -> None:
    h.login("recouvrement", "101")
    h.act(
        "Originate",
        Channel="Local/0633333333@pstn-customer/n",
        Context="inbound",
        Exten="recouvrement",
        Priority="1",
        Async="true",
        Variable="CUSTOMER_HANGUP_AFTER=30",
    )
    await h.clock.advance(2)
    h.answer(h.named("AgentCalled")[0]["DestChannel"])
    await h.clock.advance(27.5)
    assert h.named("AgentComplete") == []
    await h.clock.advance(1)
    [complete] = h.named("AgentComplete")
    assert complete["Reason"] == "caller"
    assert complete["TalkTime"] == "28"
    assert h.pbx.channels == {}


async def test_abandoned_call_and_no_member(h: Harness) -> None:
    h.act(
        "Originate",
        Channel="Local/0644444444@pstn-customer/n",
        Context="inbound",
        Exten="reclamations",
        Priority="1",
        Async="true",
        Variable="CUSTOMER_HANGUP_AFTER=12",
    )
    await h.clock.advance(13)
    [abandon] = h.named("QueueCallerAbandon")
    assert abandon["Queue"] == "reclamations" and abandon["HoldTime"] == "12"
    assert h.named("QueueCallerLeave")[0]["Count"] == "0"


@pytest.mark.parametrize(
    ("number", "status", "after"),
    [
        ("0140000001", "ANSWER", 2.0),
        ("0140000002", "BUSY", 0.0),
        ("0140000003", "NOANSWER", 20.0),
        ("0140000004", "CONGESTION", 0.0),
        ("0140000005", "ANSWER", 0.0),
    ],
)
async def test_click_to_dial_outcomes(h: Harness, number: str, status: str, after: float) -> None:
    reply = h.act(
        "Originate",
        Channel="Local/101@agent-phone/nm",
        Context="outbound",
        Exten=number,
        Priority="1",
        Async="true",
        ChannelId="out-1",
        OtherChannelId="out-1-h",
    )
    assert reply.get("Message") == "Originate successfully queued"
    if after:
        await h.clock.advance(after - 0.1)
        assert h.named("DialEnd", Channel="Local/101@agent-phone-00000000;1") == []
    await h.clock.advance(0.2)
    [end] = h.named("DialEnd", Channel="Local/101@agent-phone-00000000;1")
    assert end["DialStatus"] == status
    assert end["DestChannel"] == f"Local/{number}@pstn-00000001;1"
    assert end["Uniqueid"] == "out-1" and end["Linkedid"] == "out-1"
    assert end["DestLinkedid"] == "out-1"
    [response] = h.named("OriginateResponse")
    assert (response["Response"], response["Reason"], response["Uniqueid"]) == (
        "Success",
        "4",
        "out-1",
    )


@pytest.mark.parametrize(
    ("number", "response", "reason"),
    [
        ("0140000001", "Success", "4"),
        ("0140000002", "Failure", "5"),
        ("0140000003", "Failure", "3"),
        ("0140000004", "Failure", "8"),
        ("0149999999", "Failure", "0"),
    ],
)
async def test_external_first_originate_reasons(
    clock: VirtualClock, number: str, response: str, reason: str
) -> None:
    h = Harness(clock, pstn_any_number=False)  # the recorded peer's [pstn]
    h.act(
        "Originate",
        Channel=f"Local/{number}@pstn/n",
        Context="internal",
        Exten="101",
        Priority="1",
        Timeout="8000",
        Async="true",
        ActionID="o-1",
    )
    await h.clock.advance(9)
    [result] = h.named("OriginateResponse")
    assert (result["Response"], result["Reason"], result["ActionID"]) == (response, reason, "o-1")
    if response == "Failure":
        assert result["Channel"] == f"Local/{number}@pstn/n"
        assert result["Uniqueid"] == "<unknown>"


async def test_the_demo_company_pstn_answers_any_french_number(clock: VirtualClock) -> None:
    """A customer called back from the workstation answers like 0140000001."""
    h = Harness(clock)
    h.act("Originate", Channel="Local/0612345678@pstn/n", Context="internal", Exten="101",
          Priority="1", Timeout="8000", Async="true", ActionID="o-2")  # fmt: skip
    await h.clock.advance(9)
    [result] = h.named("OriginateResponse")
    assert (result["Response"], result["Reason"]) == ("Success", "4")


async def test_a_customer_dialled_straight_to_an_extension_like_18(h: Harness) -> None:
    """`internal` 101 dials the handset with Dial(): no queue event, Dial's caller ids (18)."""
    h.act("Originate", Channel="Local/0611223344@pstn-customer/n", Context="internal",
          Exten="101", Priority="1", CallerID='"M. Petit" <0611223344>', Async="true")  # fmt: skip
    await h.clock.advance(1)
    customer, leg = "Local/0611223344@pstn-customer-00000000;1", "Local/101@agents-00000001;1"
    [begin] = h.named("DialBegin", DestChannel=leg)
    assert (begin["Channel"], begin["Context"], begin["Exten"]) == (customer, "internal", "101")
    assert (begin["CallerIDNum"], begin["CallerIDName"]) == ("0611223344", "M. Petit")
    assert begin["DialString"] == "101@agents/nm"
    # Dial gives the dialled leg the caller's extension and name; the handset sees the caller.
    assert (begin["DestCallerIDNum"], begin["DestCallerIDName"]) == ("101", "M. Petit")
    assert begin["DestConnectedLineNum"] == "0611223344"
    [handset] = h.named("NewCallerid", Channel=leg[:-1] + "2")
    assert (handset["CallerIDNum"], handset["ConnectedLineNum"]) == ("0611223344", "101")
    assert h.named("DialState", DestChannel=leg, DialStatus="RINGING")
    assert h.named("AgentCalled") == []
    h.answer(leg)
    assert [e["DialStatus"] for e in h.named("DialEnd", DestChannel=leg)] == ["ANSWER"]
    entered = [(e["Channel"], e["BridgeNumChannels"]) for e in h.named("BridgeEnter")]
    assert entered == [(leg, "1"), (customer, "2")]


async def test_hold_by_the_handset_and_resume_by_key(h: Harness) -> None:
    h.login("accueil", "101")
    h.act(
        "Originate",
        Channel="Local/0655667788@pstn-customer/n",
        Context="inbound",
        Exten="accueil",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(1)
    leg = h.named("AgentCalled")[0]["DestChannel"]
    h.answer(leg)
    customer = "Local/0655667788@pstn-customer-00000000;1"
    starts = len(h.named("MusicOnHoldStart", Channel=customer))
    h.act("Redirect", Channel=leg[:-1] + "2", Context="agent-hold", Exten="101", Priority="1")
    assert len(h.named("MusicOnHoldStart", Channel=customer)) == starts + 1
    stops = len(h.named("MusicOnHoldStop", Channel=customer))
    h.act("PlayDTMF", Channel=leg[:-1] + "2", Digit="#", Receive="true")
    assert len(h.named("MusicOnHoldStop", Channel=customer)) == stops + 1
    assert h.named("BridgeLeave") == []


async def test_blind_transfer_to_a_service(h: Harness) -> None:
    h.login("accueil", "101")
    h.act(
        "Originate",
        Channel="Local/0688990011@pstn-customer/n",
        Context="inbound",
        Exten="accueil",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(1)
    leg = h.named("AgentCalled")[0]["DestChannel"]
    h.answer(leg)
    missing = h.act("BlindTransfer", Channel=leg, Context="internal")
    assert missing.get("Message") == "No extension specified"
    reply = h.act("BlindTransfer", Channel=leg, Context="internal", Exten="220")
    assert reply.get("Message") == "Transfer succeeded"
    assert h.named("AgentComplete")[0]["Reason"] == "transfer"
    await h.clock.advance(2.1)
    customer = "Local/0688990011@pstn-customer-00000000;1"
    entered = [e["Channel"] for e in h.named("BridgeEnter")][-2:]
    assert entered == ["Local/220@phones-00000002;1", customer]


async def test_attended_transfer_complete_by_hanging_up(h: Harness) -> None:
    h.login("accueil", "101")
    h.act(
        "Originate",
        Channel="Local/0610203040@pstn-customer/n",
        Context="inbound",
        Exten="accueil",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(1)
    leg = h.named("AgentCalled")[0]["DestChannel"]
    h.answer(leg)
    assert h.act("Atxfer", Channel=leg, Context="internal", Exten="260").get("Message") == (
        "Atxfer successfully queued"
    )
    await h.clock.advance(3)
    assert h.named("Hold", Channel=leg)
    h.act("Hangup", Channel=leg[:-1] + "2")
    [transfer] = h.named("AttendedTransfer")
    assert transfer["TransferTargetChannel"] == "Local/260@internal-00000002;1"
    assert h.named("AgentComplete")[0]["Reason"] == "transfer"
    linked = {e["Linkedid"] for e in h.named("BridgeEnter")}
    assert linked == {h.named("Newchannel")[0]["Uniqueid"]}


async def test_park_and_retrieve(h: Harness) -> None:
    h.login("accueil", "101")
    h.act(
        "Originate",
        Channel="Local/0666778899@pstn-customer/n",
        Context="inbound",
        Exten="accueil",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(1)
    leg = h.named("AgentCalled")[0]["DestChannel"]
    h.answer(leg)
    customer = "Local/0666778899@pstn-customer-00000000;1"
    assert h.act("Park", Channel=customer, TimeoutChannel=leg).get("Message") == "Park successful"
    [parked] = h.named("ParkedCall")
    assert parked["ParkingSpace"] == "701" and parked["ParkerDialString"] == "Local/101@agents"
    assert h.named("Hangup", Channel=leg)
    h.act(
        "Originate",
        Channel="Local/101@agent-phone/nm",
        Context="parkedcalls",
        Exten="701",
        Priority="1",
        Async="true",
    )
    await h.clock.advance(0)
    [unparked] = h.named("UnParkedCall")
    assert unparked["RetrieverChannel"] == "Local/101@agent-phone-00000002;1"


def test_place_customer_call_checks_its_input(clock: VirtualClock) -> None:
    server = PbxServer(default_config(), clock)
    with pytest.raises(ValueError, match="File d'attente inconnue : « support »"):
        server.place_customer_call("0612345678", "support")
    with pytest.raises(ValueError, match="chiffres uniquement"):
        server.place_customer_call("06 12", "accueil")
    assert server.pbx.channels == {}
    with pytest.raises(ValueError, match="Stratégie de file « linear » non prise en charge"):
        QueueConfig("accueil", "linear")


# ------------------------------------------------------------------ over AMI
class Client:
    """A bare AMI client for these tests (the project's client is tested elsewhere)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.decoder = Decoder(expect_banner=True)
        self.messages: list[Message] = []
        self.closed = False
        self._pings = 0

    @classmethod
    async def connect(cls, address: tuple[str, int]) -> Client:
        return cls(*await asyncio.open_connection(*address))

    def send(self, **headers: str) -> None:
        self.writer.write(encode_message(list(headers.items())))

    async def _read_until(self, done: object) -> None:
        async def loop() -> None:
            while not done():  # type: ignore[operator]
                data = await self.reader.read(65536)
                if not data:
                    self.closed = True
                    return
                self.messages += [m for m in self.decoder.feed(data) if not isinstance(m, Banner)]

        await asyncio.wait_for(loop(), 5)  # a guard against a hang, not a timing

    async def sync(self) -> None:
        """Everything sent before now has been answered (a Ping as a barrier)."""
        self._pings += 1
        marker = f"sync-{self._pings}"
        self.send(Action="Ping", ActionID=marker)
        await self._read_until(lambda: any(m.action_id == marker for m in self.messages))

    async def until_closed(self) -> None:
        await self._read_until(lambda: self.closed)

    def events(self, name: str) -> list[Message]:
        return [m for m in self.messages if m.event == name]


async def test_trainer_call_over_ami_and_user_events(clock: VirtualClock) -> None:
    config = default_config(secret="s3cret")
    server = PbxServer(config, clock)
    address = await server.start("127.0.0.1", 0)
    try:
        agent, other = await Client.connect(address), await Client.connect(address)
        agent.send(Action="Login", Username="cti", Secret="s3cret")
        other.send(Action="Login", Username="cti", Secret="s3cret", Events="agent")
        await agent.sync()
        await other.sync()
        agent.send(Action="QueueAdd", Queue="accueil", Interface="Local/101@agents/nm")
        await agent.sync()
        call_id = server.place_customer_call("0612345678", "accueil", "Client Dupont", 60)
        await clock.advance(1)
        await agent.sync()
        [called] = agent.events("AgentCalled")
        assert called["Linkedid"] == call_id and called["CallerIDName"] == "Client Dupont"
        agent.send(Action="UserEvent", UserEvent="Conversation", Line="Bonjour, j'ai un souci")
        await agent.sync()
        await other.sync()
        assert agent.events("UserEvent")[0]["Line"] == "Bonjour, j'ai un souci"
        assert other.events("UserEvent") == []  # its mask is `agent` only
        assert other.events("AgentCalled")
    finally:
        await server.stop()


async def test_stop_then_a_new_server_on_the_same_port_is_a_restart(clock: VirtualClock) -> None:
    server = PbxServer(default_config(secret="x"), clock)
    address = await server.start("127.0.0.1", 0)
    client = await Client.connect(address)
    client.send(Action="Login", Username="cti", Secret="x")
    client.send(Action="QueueAdd", Queue="accueil", Interface="Local/101@agents/nm")
    await client.sync()
    server.place_customer_call("0612345678", "accueil")
    await clock.advance(1)
    await client.sync()
    assert client.events("AgentCalled")
    await server.stop()
    await client.until_closed()
    shutdown = client.events("Shutdown")[0]
    assert (shutdown["Shutdown"], shutdown["Restart"]) == ("Cleanly", "True")
    assert {m["Cause"] for m in client.events("SoftHangupRequest")} >= {"4"}
    again = PbxServer(default_config(secret="x"), clock)
    assert await again.start(*address) == address
    try:
        fresh = await Client.connect(address)
        fresh.send(Action="Login", Username="cti", Secret="x")
        fresh.send(Action="QueueStatus", Queue="accueil", ActionID="q")
        fresh.send(Action="CoreShowChannels", ActionID="c")
        await fresh.sync()
        assert fresh.events("QueueStatusComplete") and fresh.events("CoreShowChannelsComplete")
        assert fresh.events("QueueMember") == []
        assert fresh.events("CoreShowChannel") == []
    finally:
        await again.stop()


async def test_wrong_secret_is_refused_after_a_second(clock: VirtualClock) -> None:
    server = PbxServer(default_config(secret="right"), clock)
    address = await server.start("127.0.0.1", 0)
    try:
        client = await Client.connect(address)
        client.send(Action="Login", Username="cti", Secret="wrong")
        await clock.advance(1)
        await client.until_closed()
        assert [m["Message"] for m in client.messages] == ["Authentication failed"]
    finally:
        await server.stop()


async def test_a_connection_that_never_logs_in_is_closed(clock: VirtualClock) -> None:
    server = PbxServer(default_config(secret="x"), clock)
    address = await server.start("127.0.0.1", 0)
    try:
        idle = await Client.connect(address)
        idle.send(Action="Ping", ActionID="p")
        await clock.advance(29)
        await idle._read_until(lambda: bool(idle.messages))
        assert idle.messages[0]["Message"] == "Permission denied" and not idle.closed
        await clock.advance(1.5)
        await idle.until_closed()
    finally:
        await server.stop()


async def test_a_client_that_stops_reading_is_dropped(clock: VirtualClock) -> None:
    server = PbxServer(default_config(secret="x"), clock)
    server.max_pending_bytes = 64 * 1024
    address = await server.start("127.0.0.1", 0)
    try:
        # Small socket buffers on both ends, so the backlog shows in the server's transport.
        raw = socket.create_connection(address)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        lazy = Client(*await asyncio.open_connection(sock=raw))
        lazy.send(Action="Login", Username="cti", Secret="x")
        await lazy.sync()
        [session] = server.sessions
        session.writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_SNDBUF, 4096
        )
        talker = await Client.connect(address)
        talker.send(Action="Login", Username="cti", Secret="x", Events="off")
        await talker.sync()
        for n in range(3000):
            talker.send(Action="UserEvent", UserEvent="Flood", N=str(n), Text="x" * 1000)
        await talker.sync()
        await lazy.until_closed()
        assert len(lazy.events("UserEvent")) < 3000
        assert not talker.closed
    finally:
        await server.stop()
