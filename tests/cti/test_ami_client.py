"""The asyncio AMI client against a scripted server on 127.0.0.1 (virtual clock, no sleeping)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import pytest
import transcript_loader as tl
from ami_fake import FakeAmi, FakeConnection

from cti.ami.client import (
    AmiClient,
    ConnectionState,
    ReconnectPolicy,
    parse_ami_url,
)
from cti.ami.codec import Decoder, Message
from cti.ami.errors import (
    ActionFailed,
    ActionTimeout,
    AlreadyInQueue,
    AuthenticationFailed,
    ConnectFailed,
    ConnectionLost,
    InvalidAmiUrl,
    NoSuchChannel,
    NotConnected,
    PermissionDenied,
    UnknownAction,
)
from cti.ami.events import AgentEvent, Hangup, QueueMemberEvent
from workstation.clock import VirtualClock


@pytest.fixture
async def fake() -> FakeAmi:
    server = await FakeAmi().start()
    yield server
    await server.stop()


def make_client(fake: FakeAmi, clock: VirtualClock, **kwargs: object) -> AmiClient:
    url = parse_ami_url(kwargs.pop("url", None) or fake.url())  # type: ignore[arg-type]
    return AmiClient(url, clock, rand=lambda: 0.5, **kwargs)  # type: ignore[arg-type]


# --- URL ------------------------------------------------------------------------------------


def test_url_is_parsed_and_the_secret_stays_out_of_its_text() -> None:
    url = parse_ami_url("ami://cti:s%40cret@pbx.lycee.fr:5039")
    assert (url.host, url.port, url.username, url.secret) == ("pbx.lycee.fr", 5039, "cti", "s@cret")
    assert "s@cret" not in repr(url) and "s@cret" not in str(url)
    assert parse_ami_url("ami://cti:x@127.0.0.1").port == 5038


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://cti:x@host:5038", "ami://"),
        ("ami://host:5038", "utilisateur"),
        ("ami://cti:x@:5038", "adresse du PBX"),
        ("ami://cti:x@host:port", "port"),
    ],
)
def test_bad_urls_get_a_french_message(url: str, fragment: str) -> None:
    with pytest.raises(InvalidAmiUrl) as error:
        parse_ami_url(url)
    assert fragment in str(error.value)


# --- login ----------------------------------------------------------------------------------


async def test_plain_login_waits_for_fully_booted(fake: FakeAmi, clock: VirtualClock) -> None:
    client = make_client(fake, clock)
    states: list[ConnectionState] = []
    client.on_state(states.append)
    await client.connect()
    assert client.state is ConnectionState.CONNECTED
    assert states == [
        ConnectionState.CONNECTING,
        ConnectionState.AUTHENTICATING,
        ConnectionState.CONNECTED,
    ]
    assert client.banner is not None and client.banner.version == "11.0.0"
    login = fake.actions[0]
    assert (login.action, login.get("Username"), login.get("Secret")) == (
        "Login",
        "cti",
        "cti-training",
    )
    pong = await client.action("Ping")
    assert pong.get("Ping") == "Pong"
    await client.close()
    assert client.state is ConnectionState.CLOSED
    assert fake.actions[-1].action == "Logoff"


async def test_md5_login_sends_the_digest_not_the_secret(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    client = make_client(fake, clock, md5=True)
    await client.connect()
    challenge, login = fake.actions[0], fake.actions[1]
    assert challenge.action == "Challenge" and challenge.get("AuthType") == "MD5"
    assert login.get("Key") == "bf0ae6c4b1e7d4ba4d1dc5cd6a3d6d14" or len(login.get("Key")) == 32
    assert "Secret" not in login
    await client.close()


async def test_wrong_secret_gives_the_french_message(fake: FakeAmi, clock: VirtualClock) -> None:
    client = make_client(fake, clock, url=fake.url(secret="wrong"))
    with pytest.raises(AuthenticationFailed) as error:
        await client.connect()
    assert str(error.value) == "Identifiant ou mot de passe AMI refusé par le PBX."
    assert client.state is ConnectionState.DISCONNECTED


async def test_nothing_listening_is_a_clear_error(clock: VirtualClock) -> None:
    server = await FakeAmi().start()
    url = server.url()
    await server.stop()
    client = AmiClient(parse_ami_url(url), clock)
    with pytest.raises(ConnectFailed) as error:
        await client.connect()
    assert "Impossible de joindre le PBX" in str(error.value)


async def test_closed_before_banner_is_a_connect_failure(clock: VirtualClock) -> None:
    server = await FakeAmi(close_before_banner=True).start()
    client = AmiClient(parse_ami_url(server.url()), clock)
    with pytest.raises(ConnectFailed):
        await client.connect()
    await server.stop()


async def test_login_without_fully_booted_is_bounded(clock: VirtualClock) -> None:
    server = await FakeAmi(fully_booted=False).start()
    client = AmiClient(parse_ami_url(server.url()), clock, booted_timeout=3.0)
    task = asyncio.ensure_future(client.connect())
    await clock.advance(3.0)
    await task
    assert client.state is ConnectionState.CONNECTED
    await client.close()
    await server.stop()


async def test_secrets_never_reach_the_log(
    fake: FakeAmi, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cti")
    for md5 in (False, True):
        client = make_client(fake, clock, md5=md5)
        await client.connect()
        await client.close()
    bad = make_client(fake, clock, url=fake.url(secret="wrong-secret"))
    with pytest.raises(AuthenticationFailed):
        await bad.connect()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Login" in text  # the debug log does show the actions
    assert "cti-training" not in text and "wrong-secret" not in text


# --- actions --------------------------------------------------------------------------------


def error_reply(text: str) -> Callable[[FakeConnection, Message], list[list[tuple[str, str]]]]:
    def handler(conn: FakeConnection, message: Message) -> list[list[tuple[str, str]]]:
        return [[("Response", "Error"), ("ActionID", message["ActionID"]), ("Message", text)]]

    return handler


@pytest.mark.parametrize(
    ("action", "text", "error_type", "fragment"),
    [
        ("Hangup", "No such channel", NoSuchChannel, "n'existe plus"),
        ("Redirect", "Channel does not exist: Local/9@x-00000000;1", NoSuchChannel, "Redirect"),
        ("QueueAdd", "Unable to add interface: Already there", AlreadyInQueue, "déjà"),
        ("QueueAdd", "Permission denied", PermissionDenied, "Droits AMI"),
        ("Foo", "Invalid/unknown command: Foo. Use Action: ListCommands", UnknownAction, "Foo"),
    ],
)
async def test_error_responses_become_typed_errors(
    fake: FakeAmi,
    clock: VirtualClock,
    action: str,
    text: str,
    error_type: type[Exception],
    fragment: str,
) -> None:
    fake.handlers[action.lower()] = error_reply(text)
    client = make_client(fake, clock)
    await client.connect()
    with pytest.raises(error_type) as error:
        await client.action(action, {"Channel": "x"})
    assert fragment in str(error.value)
    assert error.value.reason == text  # type: ignore[attr-defined]
    await client.close()


async def test_unanswered_action_times_out_on_the_clock(fake: FakeAmi, clock: VirtualClock) -> None:
    client = make_client(fake, clock, action_timeout=4.0)
    await client.connect()
    fake.mute = True
    task = asyncio.ensure_future(client.action("Ping"))
    await clock.advance(3.9)
    assert not task.done()
    await clock.advance(0.2)
    with pytest.raises(ActionTimeout) as error:
        await task
    assert "Ping" in str(error.value) and "4 s" in str(error.value)
    fake.mute = False
    await client.close()


async def test_actions_need_a_session(fake: FakeAmi, clock: VirtualClock) -> None:
    client = make_client(fake, clock)
    with pytest.raises(NotConnected):
        await client.action("Ping")


async def test_responses_are_matched_by_action_id_not_order(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    held: list[Message] = []

    def hold(conn: FakeConnection, message: Message) -> None:
        held.append(message)
        if len(held) == 2:  # answer the second one first
            for m in reversed(held):
                conn.send([("Response", "Success"), ("ActionID", m["ActionID"]), ("N", m["N"])])

    fake.handlers["getvar"] = hold
    client = make_client(fake, clock)
    await client.connect()
    first = asyncio.ensure_future(client.action("Getvar", {"N": "1"}))
    second = asyncio.ensure_future(client.action("Getvar", {"N": "2"}))
    assert (await first).get("N") == "1" and (await second).get("N") == "2"
    await client.close()


async def test_list_items_are_told_apart_from_live_events_by_action_id(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    def queue_status(conn: FakeConnection, message: Message) -> list[list[tuple[str, str]]]:
        aid = message["ActionID"]
        member = [("Queue", "support"), ("Name", "Agent 101"), ("Location", "Local/101@agents/nm")]
        return [
            [
                ("Response", "Success"),
                ("ActionID", aid),
                ("EventList", "start"),
                ("Message", "Queue status will follow"),
            ],
            [("Event", "QueueMember"), *member, ("ActionID", aid)],
            # A live event of another call, in the middle of the list.
            [("Event", "QueueMemberStatus"), ("Privilege", "agent,all"), ("Queue", "ventes")],
            [("Event", "QueueMember"), *member[:1], ("Name", "Agent 102"), ("ActionID", aid)],
            [
                ("Event", "QueueStatusComplete"),
                ("ActionID", aid),
                ("EventList", "Complete"),
                ("ListItems", "2"),
            ],
        ]

    fake.handlers["queuestatus"] = queue_status
    client = make_client(fake, clock)
    live: list[object] = []
    client.subscribe(live.append, "QueueMember", "QueueMemberStatus")
    await client.connect()
    result = await client.list_action("QueueStatus")
    assert [m.get("Name") for m in result.items] == ["Agent 101", "Agent 102"]
    assert result.complete is not None and result.complete.get("ListItems") == "2"
    assert len(live) == 1 and isinstance(live[0], QueueMemberEvent)
    assert live[0].queue == "ventes"
    await client.close()


def recorded_actions(name: str) -> list[tuple[Message, Message]]:
    """Each action the recorder sent on `cti` after Login, with Asterisk's Response to it."""
    decoded = []
    for frame in tl.frames(name):
        if frame.conn != "cti" or frame.data.startswith(b"Asterisk Call Manager"):
            continue
        message = Decoder().feed(frame.data)[0]
        assert isinstance(message, Message)
        decoded.append((frame.direction, message))
    out = []
    for i, (direction, sent) in enumerate(decoded):
        if direction != "C->S" or sent.action in ("Login", "Logoff"):
            continue
        response = next(
            m
            for d, m in decoded[i + 1 :]
            if d == "S->C" and m.response and m.action_id == sent.action_id
        )
        out.append((sent, response))
    return out


@pytest.mark.parametrize(
    "name",
    ["02-queue-member-login-pause", "09-hold-park", "14-transfer-attended-variants", "19-listings"],
)
async def test_recorded_sessions_replayed_through_the_client(
    name: str, clock: VirtualClock
) -> None:
    fake = FakeAmi()
    fake.load_replay(name, "cti")
    await fake.start()
    client = AmiClient(parse_ami_url(fake.url()), clock)
    await client.connect()
    for sent, recorded in recorded_actions(name):
        headers = [(k, v) for k, v in sent if k.lower() not in ("action", "actionid")]
        is_list = (recorded.get("EventList") or "").lower() == "start"
        call = client.list_action if is_list else client.action
        if recorded.response == "Error":
            with pytest.raises(ActionFailed) as error:
                await call(sent.action or "", headers)
            assert error.value.reason == recorded.get("Message")
        elif is_list:
            result = await call(sent.action or "", headers)
            assert result.complete is not None
            assert result.complete.get("ListItems") == str(len(result.items))
            assert all(item.action_id == result.response.action_id for item in result.items)
        else:
            response = await call(sent.action or "", headers)
            assert [v for k, v in response if k != "ActionID"] == [
                v for k, v in recorded if k != "ActionID"
            ]
    await client.close()
    await fake.stop()


async def test_queue_events_from_the_replay_are_typed(clock: VirtualClock) -> None:
    fake = FakeAmi()
    fake.load_replay("02-queue-member-login-pause", "cti")
    await fake.start()
    client = AmiClient(parse_ami_url(fake.url()), clock)
    members: list[QueueMemberEvent] = []
    client.subscribe(members.append, "QueueMemberAdded", "QueueMemberPause")
    await client.connect()
    for sent, _recorded in recorded_actions("02-queue-member-login-pause"):
        headers = [(k, v) for k, v in sent if k.lower() not in ("action", "actionid")]
        with contextlib.suppress(ActionFailed):
            if sent.action in ("QueueStatus", "QueueSummary"):
                await client.list_action(sent.action, headers)
            else:
                await client.action(sent.action or "", headers)
    await client.close()
    await fake.stop()
    added = [m for m in members if m.name == "QueueMemberAdded"]
    assert [m.queue for m in added][:2] == ["support", "ventes"]
    assert added[0].interface == "Local/101@agents/nm"
    assert "Pause déjeuner" in {m.paused_reason for m in members}


# --- events ---------------------------------------------------------------------------------


async def test_a_failing_listener_does_not_kill_the_reader(
    fake: FakeAmi, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(fake, clock)
    seen: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("listener bug")

    client.subscribe(broken, "Hangup")
    client.subscribe(seen.append, "Hangup")
    unknown: list[object] = []
    client.subscribe(unknown.append)
    await client.connect()
    fake.broadcast(
        [
            ("Event", "Hangup"),
            ("Privilege", "call,all"),
            ("Channel", "A"),
            ("Uniqueid", "1.1"),
            ("Cause", "16"),
            ("Cause-txt", "Normal Clearing"),
        ]
    )
    fake.broadcast([("Event", "NoSuchEventName"), ("Privilege", "call,all"), ("X", "1")])
    assert (await client.action("Ping")).get("Ping") == "Pong"
    assert len(seen) == 1 and isinstance(seen[0], Hangup)
    assert seen[0].cause_code == 16 and seen[0].cause_txt == "Normal Clearing"
    assert isinstance(unknown[-1], Message) and unknown[-1].event == "NoSuchEventName"
    assert "listener bug" in caplog.text
    await client.close()


async def test_expect_matches_an_event_registered_before_acting(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    def originate(conn: FakeConnection, message: Message) -> list[list[tuple[str, str]]]:
        aid = message["ActionID"]
        return [
            [
                ("Response", "Success"),
                ("ActionID", aid),
                ("Message", "Originate successfully queued"),
            ],
            [
                ("Event", "OriginateResponse"),
                ("Privilege", "call,all"),
                ("ActionID", aid),
                ("Response", "Failure"),
                ("Reason", "5"),
            ],
        ]

    fake.handlers["originate"] = originate
    client = make_client(fake, clock)
    await client.connect()
    aid = client.next_action_id()
    outcome = client.expect(lambda m: m.event == "OriginateResponse" and m.action_id == aid, 5)
    await client.action("Originate", {"Channel": "Local/0140000002@pstn/n"}, action_id=aid)
    assert (await outcome).get("Reason") == "5"
    await client.close()


def test_agent_events_are_typed_from_the_transcript() -> None:
    from cti.ami.events import parse_event

    decoder = Decoder(expect_banner=True)
    messages = [
        m
        for c in tl.streams("03-inbound-answer-redirect")[("cti", "S->C")]
        for m in decoder.feed(c)
    ]
    called = next(parse_event(m) for m in messages if getattr(m, "event", None) == "AgentCalled")
    assert isinstance(called, AgentEvent)
    assert called.interface == "Local/101@agents/nm"
    assert called.dest_channel.endswith(";1") and called.dest_channel.startswith(
        "Local/101@agents-"
    )
    assert called.linkedid == called.dest_linkedid == called.uniqueid


# --- dead line, restart, reconnect ----------------------------------------------------------


async def test_ping_watchdog_detects_a_dead_line_and_reconnects(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    client = make_client(fake, clock, ping_interval=5.0, ping_timeout=2.0)
    resyncs: list[int] = []

    async def resync() -> None:
        resyncs.append(1)

    client.add_resync_hook(resync)
    await client.connect()
    fake.mute = True  # the line is silent: no Pong
    await clock.advance(5.0)
    assert client.state is ConnectionState.CONNECTED
    fake.mute = False
    await clock.advance(2.0)  # the Ping expires: the watchdog aborts the line
    await clock.advance(0.2)
    assert client.state is ConnectionState.CONNECTED
    assert resyncs == [1]
    assert len([a for a in fake.actions if a.action == "Login"]) == 2
    await client.close()


async def test_restart_reconnects_within_two_seconds_and_never_replays_an_originate(
    fake: FakeAmi, clock: VirtualClock
) -> None:
    fake.handlers["originate"] = lambda conn, message: None  # in flight, never answered
    client = make_client(fake, clock, reconnect=ReconnectPolicy())
    states: list[ConnectionState] = []
    client.on_state(states.append)
    resynced: list[ConnectionState] = []

    async def resync() -> None:
        resynced.append(client.state)

    client.add_resync_hook(resync)
    await client.connect()
    originate = asyncio.ensure_future(client.action("Originate", {"Channel": "Local/1@x/n"}))
    await clock.settle()
    await fake.stop()  # Asterisk goes away with the Originate in flight
    with pytest.raises(ConnectionLost) as error:
        await originate
    assert "Originate" in str(error.value) and "pas été renvoyée" in str(error.value)
    assert client.state is ConnectionState.RECONNECTING
    await clock.advance(10.0)  # down for 10 s: attempts keep failing, backoff capped at 1.5 s
    assert client.state is ConnectionState.RECONNECTING
    await fake.start()  # back on the same port
    await clock.advance(2.0)
    assert client.state is ConnectionState.CONNECTED
    assert resynced == [ConnectionState.CONNECTED]
    assert [a.action for a in fake.actions].count("Originate") == 1
    assert ConnectionState.RECONNECTING in states
    await client.close()


def test_backoff_grows_with_jitter_and_stays_capped() -> None:
    policy = ReconnectPolicy(initial=0.1, factor=2.0, maximum=1.5, jitter=0.2)
    assert policy.delay(0, lambda: 0.5) == pytest.approx(0.1)
    assert policy.delay(3, lambda: 0.5) == pytest.approx(0.8)
    assert policy.delay(10, lambda: 0.5) == pytest.approx(1.5)
    assert policy.delay(10, lambda: 0.0) == pytest.approx(1.2)
    assert policy.delay(10, lambda: 1.0) == pytest.approx(1.8)


async def test_closed_right_after_login_is_a_connect_failure_not_a_dead_session(
    clock: VirtualClock,
) -> None:
    def close_after_login(conn: FakeConnection, message: Message) -> None:
        conn.reply(message, ("Response", "Success"), ("Message", "Authentication accepted"))
        assert conn.transport is not None
        conn.transport.close()

    server = await FakeAmi(fully_booted=False).start()
    server.handlers["login"] = close_after_login
    client = AmiClient(parse_ami_url(server.url()), clock, booted_timeout=3.0)
    task = asyncio.ensure_future(client.connect())
    await clock.advance(3.0)
    with pytest.raises(ConnectFailed):
        await task
    assert client.state is ConnectionState.DISCONNECTED
    await server.stop()
