"""Replay a transcript's client actions against the built-in PBX and compare what comes back.

The comparison is per entity, not a global order (events of different channels may swap
between runs, README of ami-reference): for each channel, the sequence of its own events;
for each dialled leg, its Dial* events; for each queue member and each queue caller, their
queue events; for each bridge, its lifecycle; for each action, its Response and list items.
Volatile values (timestamps, epochs, bridge UUIDs, Uniqueid numbers) are replaced by what they
designate: a Uniqueid by the name of its channel, a bridge by its creation rank.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from transcript_loader import frames

from cti.ami.codec import Banner, Decoder, Message
from cti.pbx import PbxServer, reference_config
from workstation.clock import VirtualClock

#: Event types not compared, and why.
NOT_COMPARED = {
    # Device states follow app_queue/devicestate internals (Local device aggregation, the
    # Queue:<q>_avail hints) that clients do not use for call control.
    "DeviceStateChange": "device-state aggregation of Asterisk internals",
    # Caller-id propagation across Local pairs: informative only, emitted but not compared.
    "NewCallerid": "caller-id propagation details",
    "NewConnectedLine": "connected-line propagation details",
    "LocalBridge": "emitted, but its snapshot timing is an Asterisk internal",
}

CHANNEL_EVENTS = {
    "Newchannel": (),
    "Newstate": ("ChannelStateDesc",),
    "Hangup": ("Cause",),
    "HangupRequest": (),
    "SoftHangupRequest": ("Cause",),
    "MusicOnHoldStart": ("Class",),
    "MusicOnHoldStop": (),
    "Hold": (),
    "Unhold": (),
}
DIAL_EVENTS = {"DialBegin", "DialState", "DialEnd"}
BRIDGE_EVENTS = {"BridgeCreate", "BridgeEnter", "BridgeLeave", "BridgeDestroy"}
AGENT_EVENTS = {"AgentCalled", "AgentConnect", "AgentComplete", "AgentRingNoAnswer"}
MEMBER_EVENTS = {
    "QueueMemberAdded",
    "QueueMemberRemoved",
    "QueueMemberPause",
    "QueueMemberPenalty",
    "QueueMemberStatus",
}
CALLER_EVENTS = {"QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon"}


@dataclass
class Conversation:
    """What one connection received, as decoded messages (and whether it was closed)."""

    messages: list[Message] = field(default_factory=list)
    closed: bool = False
    banner: str = ""


def transcript_conversations(
    name: str,
) -> tuple[dict[str, Conversation], list[tuple[float, str, bytes]]]:
    """The server side of each connection in a transcript, and the client frames with times."""
    received: dict[str, Conversation] = {}
    decoders: dict[str, Decoder] = {}
    sent: list[tuple[float, str, bytes]] = []
    for frame in frames(name):
        if frame.direction == "C->S":
            sent.append((frame.t, frame.conn, frame.data))
            continue
        conv = received.setdefault(frame.conn, Conversation())
        decoder = decoders.setdefault(frame.conn, Decoder(expect_banner=True))
        for item in decoder.feed(frame.data):
            if isinstance(item, Banner):
                conv.banner = item.text
            else:
                conv.messages.append(item)
    return received, sent


#: Transcripts where the operator restarts the server: at that time, `stop()` then a new
#: server on the same port (20: `core restart now`).
RESTARTS = {"20-core-restart": 2.806}


async def replay(name: str, *, tail: float = 2.0) -> dict[str, Conversation]:
    """Run the client side of transcript `name` against a fresh built-in PBX."""
    recorded, sent = transcript_conversations(name)
    expected_bridges = [
        m.get("BridgeUniqueid") or ""
        for conv in recorded.values()
        for m in conv.messages
        if m.event == "BridgeCreate"
    ]
    clock = VirtualClock()
    server = PbxServer(reference_config(), clock)
    host, port = await server.start("127.0.0.1", 0)
    out: dict[str, Conversation] = {}
    writers: dict[str, asyncio.StreamWriter] = {}
    tasks: list[asyncio.Task[None]] = []

    async def read(conn: str, reader: asyncio.StreamReader) -> None:
        decoder = Decoder(expect_banner=True)
        conv = out[conn]
        while True:
            data = await reader.read(65536)
            if not data:
                conv.closed = True
                return
            for item in decoder.feed(data):
                if isinstance(item, Banner):
                    conv.banner = item.text
                else:
                    conv.messages.append(item)

    async def settle() -> None:
        for _ in range(200):
            await asyncio.sleep(0)

    restart_at = RESTARTS.get(name)
    try:
        for t, conn, data in sent:
            if restart_at is not None and t > restart_at:
                await clock.advance(restart_at - clock.monotonic())
                await server.stop()
                await settle()
                server = PbxServer(reference_config(), clock)
                await server.start(host, port)
                restart_at = None
            if t > clock.monotonic():
                await clock.advance(t - clock.monotonic())
            if conn not in writers:
                reader, writer = await asyncio.open_connection(host, port)
                out[conn] = Conversation()
                writers[conn] = writer
                tasks.append(asyncio.create_task(read(conn, reader)))
                await settle()
            if out[conn].closed:
                continue
            if b"AuthType: MD5" in data and b"Key: " in data:
                data = _rekey(data, out[conn].messages, server)
            data = _same_bridges(data, expected_bridges, out[conn].messages)
            writers[conn].write(data)
            await writers[conn].drain()
            await settle()
        await clock.advance(tail)
        await settle()
    finally:
        for writer in writers.values():
            writer.close()
        await server.stop(restart=False)
        await settle()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return out


def _rekey(data: bytes, received: list[Message], server: PbxServer) -> bytes:
    """Recompute an MD5 login key for the challenge this PBX sent (it differs from Asterisk's)."""
    challenge = next(m.get("Challenge") for m in reversed(received) if m.get("Challenge"))
    user = re.search(rb"Username: (\S+)", data)
    account = server.config.account(user.group(1).decode()) if user else None
    assert challenge and account is not None
    key = hashlib.md5((challenge + account.secret).encode()).hexdigest().encode()
    return re.sub(rb"Key: [0-9a-f]+", b"Key: " + key, data)


def _same_bridges(data: bytes, recorded: list[str], received: list[Message]) -> bytes:
    """Actions naming a recorded bridge UUID name ours instead (same creation rank)."""
    if b"BridgeUniqueid: " not in data:
        return data
    ours = [m.get("BridgeUniqueid") or "" for m in received if m.event == "BridgeCreate"]
    for theirs, mine in zip(recorded, ours, strict=False):
        data = data.replace(theirs.encode(), mine.encode())
    return data


class Canon:
    """Replaces volatile ids by what they designate, within one conversation."""

    def __init__(self, messages: list[Message]) -> None:
        self.uid_owner: dict[str, str] = {}
        self.bridges: dict[str, str] = {}
        for m in messages:
            for prefix in (
                "",
                "Dest",
                "Parkee",
                "Retriever",
                "Transferer",
                "Transferee",
                "LocalOne",
                "LocalTwo",
            ):
                uid, chan = m.get(prefix + "Uniqueid"), m.get(prefix + "Channel")
                if uid and chan and uid not in self.uid_owner:
                    self.uid_owner[uid] = chan
            if m.event == "BridgeCreate":
                uid = m.get("BridgeUniqueid") or ""
                self.bridges.setdefault(uid, f"bridge{len(self.bridges)}")

    def uid(self, value: str | None) -> str:
        if value is None:
            return "-"
        return self.uid_owner.get(value, value if not re.match(r"^\d+\.\d+$", value) else "?")

    def bridge(self, value: str | None) -> str:
        return self.bridges.get(value or "", "?")


def entity_sequences(messages: list[Message]) -> dict[str, list[tuple[str, ...]]]:
    """Group a connection's events into the per-entity sequences described above."""
    canon = Canon(messages)
    seqs: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for m in messages:
        event = m.event
        if m.response is not None:
            keep = [
                m.response,
                m.get("Message") or "",
                m.get("EventList") or "",
                m.get("Events") or "",
            ]
            seqs[f"action {m.action_id}"].append(("Response", *keep))
            continue
        if event is None or event in NOT_COMPARED:
            continue
        if m.action_id is not None and m.get("Privilege") is None:
            # a list item or completion event, belongs to its action
            seqs[f"action {m.action_id}"].append(
                (event, m.get("Channel") or "", m.get("Queue") or "", m.get("ListItems") or "")
            )
            continue
        if event in CHANNEL_EVENTS:
            chan = m.get("Channel") or ""
            values = tuple(m.get(k) or "" for k in CHANNEL_EVENTS[event])
            seqs[f"channel {chan}"].append((event, *values, canon.uid(m.get("Linkedid"))))
        elif event in DIAL_EVENTS:
            seqs[f"dial {m.get('DestChannel')}"].append(
                (event, m.get("Channel") or "", m.get("DialStatus") or "")
            )
        elif event in BRIDGE_EVENTS:
            bridge = canon.bridge(m.get("BridgeUniqueid"))
            seqs[f"bridge {bridge}"].append(
                (
                    event,
                    m.get("Channel") or "",
                    m.get("BridgeType") or "",
                    m.get("BridgeNumChannels") or "",
                )
            )
        elif event in AGENT_EVENTS:
            key = f"agent {m.get('Queue')} {m.get('Interface')}"
            seqs[key].append(
                (event, m.get("Channel") or "", m.get("DestChannel") or "", m.get("Reason") or "")
            )
        elif event in MEMBER_EVENTS:
            key = f"member {m.get('Queue')} {m.get('Interface')}"
            seqs[key].append(
                (event, m.get("Status") or "", m.get("Paused") or "", m.get("PausedReason") or "")
            )
        elif event in CALLER_EVENTS:
            key = f"caller {m.get('Queue')} {m.get('Channel')}"
            seqs[key].append((event, m.get("Position") or "", m.get("Count") or ""))
        elif event == "OriginateResponse":
            seqs[f"originate {m.action_id}"].append(
                (
                    m.get("Response") or "",
                    m.get("Reason") or "",
                    m.get("Channel") or "",
                    canon.uid(m.get("Uniqueid")),
                )
            )
        else:
            subject = m.get("Channel") or m.get("ParkeeChannel") or m.get("TransfererChannel") or ""
            seqs[f"other {event} {subject}"].append(
                (
                    event,
                    m.get("Result") or "",
                    m.get("ParkingSpace") or "",
                    m.get("UserEvent") or "",
                )
            )
    for key, seq in seqs.items():
        if key.startswith("action ") and len(seq) > 2 and seq[0][0] == "Response":
            # Asterisk lists channels and bridges from hash containers: the order of the
            # items is not defined, only the set (15, 19).
            seqs[key] = [seq[0], *sorted(seq[1:-1]), seq[-1]]
    return dict(seqs)


def differences(expected: list[Message], got: list[Message]) -> list[str]:
    """Human-readable differences between two conversations' entity sequences."""
    want, have = entity_sequences(expected), entity_sequences(got)
    out = []
    for key in sorted(set(want) | set(have)):
        if want.get(key) != have.get(key):
            out.append(f"{key}\n  expected {want.get(key)}\n  got      {have.get(key)}")
    return out
