"""Typed AMI events built from a registry; unknown events stay raw codec Messages.

Each class lists only the headers the call model reads. A header maps to a field by name:
`DestUniqueid` -> `dest_uniqueid`, `Cause-txt` -> `cause_txt` (case, `_` and `-` ignored).
Missing headers are '' (Asterisk leaves out the `Channel*` snapshot of an Originate's DialBegin,
and AgentComplete may have no snapshot at all). The raw Message stays in `message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from cti.ami.codec import Message

E = TypeVar("E", bound="AmiEvent")


_UNSEEN = "\0"
_RAW_CACHE_LIMIT = 512


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@dataclass(frozen=True, slots=True)
class AmiEvent:
    """An event: its name, its raw headers, and (in subclasses) the headers parsed."""

    name: str
    message: Message = field(repr=False, compare=False)
    privilege: str = ""
    action_id: str = ""

    _fieldmap_cache: ClassVar[dict[str, str] | None] = None
    _rawmap_cache: ClassVar[dict[str, str | None] | None] = None

    @classmethod
    def from_message(cls: type[E], name: str, message: Message) -> E:
        """Build the event from a decoded message (first value of each known header)."""
        raw = cls.__dict__.get("_rawmap_cache")
        if raw is None:  # computed once per class, on first use
            skip = ("name", "message")
            cls._fieldmap_cache = {_norm(f.name): f.name for f in fields(cls) if f.name not in skip}
            raw = cls._rawmap_cache = {}
        mapping = cls._fieldmap_cache
        assert mapping is not None
        values: dict[str, Any] = {}
        for key, _sep, value in message._triples:  # the codec's storage, read directly
            attr = raw.get(key, _UNSEEN)
            if attr is _UNSEEN:
                attr = mapping.get(_norm(key))
                if len(raw) < _RAW_CACHE_LIMIT:  # custom UserEvent headers must not grow it
                    raw[key] = attr
            if attr is not None and attr not in values:
                values[attr] = value
        return cls(name=name, message=message, **values)


@dataclass(frozen=True, slots=True)
class ChannelEvent(AmiEvent):
    """An event carrying the channel snapshot (`Channel`, `Uniqueid`, `Linkedid`, …)."""

    channel: str = ""
    channel_state: str = ""
    channel_state_desc: str = ""
    caller_id_num: str = ""
    caller_id_name: str = ""
    connected_line_num: str = ""
    connected_line_name: str = ""
    context: str = ""
    exten: str = ""
    uniqueid: str = ""
    linkedid: str = ""


@dataclass(frozen=True, slots=True)
class Hangup(ChannelEvent):
    """`Hangup`, `HangupRequest`, `SoftHangupRequest` (its Cause is a bitmask, not Q.850)."""

    cause: str = ""
    cause_txt: str = ""

    @property
    def cause_code(self) -> int:
        """The cause as an integer (0 when absent)."""
        return int(self.cause) if self.cause.isdigit() else 0


@dataclass(frozen=True, slots=True)
class MusicOnHold(ChannelEvent):
    """`MusicOnHoldStart` / `MusicOnHoldStop` (Class only on Start)."""

    class_: str = ""


@dataclass(frozen=True, slots=True)
class DialEvent(ChannelEvent):
    """`DialBegin`, `DialState`, `DialEnd` (the `Channel*` snapshot is absent for Originate)."""

    dest_channel: str = ""
    dest_channel_state_desc: str = ""
    dest_caller_id_num: str = ""
    dest_context: str = ""
    dest_exten: str = ""
    dest_uniqueid: str = ""
    dest_linkedid: str = ""
    dial_string: str = ""
    dial_status: str = ""


@dataclass(frozen=True, slots=True)
class BridgeEvent(ChannelEvent):
    """`BridgeCreate`, `BridgeDestroy`, `BridgeEnter`, `BridgeLeave`."""

    bridge_uniqueid: str = ""
    bridge_type: str = ""
    bridge_technology: str = ""
    bridge_num_channels: str = ""


@dataclass(frozen=True, slots=True)
class QueueCallerEvent(ChannelEvent):
    """`QueueCallerJoin`, `QueueCallerLeave`, `QueueCallerAbandon`."""

    queue: str = ""
    position: str = ""
    count: str = ""
    hold_time: str = ""


@dataclass(frozen=True, slots=True)
class AgentEvent(DialEvent):
    """`AgentCalled`, `AgentConnect`, `AgentComplete`, `AgentRingNoAnswer`.

    `Channel*` is the caller, `DestChannel*` the agent's leg (`Local/101@agents-N;1`).
    """

    queue: str = ""
    interface: str = ""
    member_name: str = ""
    hold_time: str = ""
    talk_time: str = ""
    ring_time: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class QueueMemberEvent(AmiEvent):
    """`QueueMemberAdded`/`Removed`/`Pause`/`Status`/`Penalty` (and `QueueMember` items)."""

    queue: str = ""
    member_name: str = ""
    interface: str = ""
    state_interface: str = ""
    membership: str = ""
    penalty: str = ""
    in_call: str = ""
    status: str = ""
    paused: str = ""
    paused_reason: str = ""

    @property
    def is_paused(self) -> bool:
        """True when the member is paused."""
        return self.paused in ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class ParkEvent(AmiEvent):
    """`ParkedCall`, `UnParkedCall`, `ParkedCallTimeOut`, `ParkedCallGiveUp`."""

    parkee_channel: str = ""
    parkee_uniqueid: str = ""
    parkee_linkedid: str = ""
    parking_space: str = ""
    parkinglot: str = ""
    parker_dial_string: str = ""


@dataclass(frozen=True, slots=True)
class BlindTransfer(AmiEvent):
    """`BlindTransfer`: `Result`, the transferer (agent leg) and the transferee (customer)."""

    result: str = ""
    transferer_channel: str = ""
    transferer_uniqueid: str = ""
    transferee_channel: str = ""
    transferee_uniqueid: str = ""
    transferee_linkedid: str = ""
    context: str = ""
    extension: str = ""


@dataclass(frozen=True, slots=True)
class AttendedTransfer(AmiEvent):
    """`AttendedTransfer`: `Result`, who transferred, who was transferred to whom."""

    result: str = ""
    orig_transferer_channel: str = ""
    orig_transferer_uniqueid: str = ""
    orig_transferer_linkedid: str = ""
    second_transferer_channel: str = ""
    transferee_channel: str = ""
    transferee_linkedid: str = ""
    transfer_target_channel: str = ""
    dest_type: str = ""


@dataclass(frozen=True, slots=True)
class OriginateResponse(AmiEvent):
    """`OriginateResponse` of an async Originate, matched by ActionID.

    Reason: 4 answered, 5 busy, 8 congestion, 3 no answer, 0 failed/invalid (18).
    """

    response: str = ""
    channel: str = ""
    context: str = ""
    exten: str = ""
    reason: str = ""
    uniqueid: str = ""
    caller_id_num: str = ""

    @property
    def reason_code(self) -> int:
        """Reason as an integer (-1 when absent)."""
        return int(self.reason) if self.reason.isdigit() else -1


@dataclass(frozen=True, slots=True)
class UserEvent(AmiEvent):
    """`UserEvent`: `UserEvent` is the sub-name; every other header stays in `message`."""

    user_event: str = ""


@dataclass(frozen=True, slots=True)
class FullyBooted(AmiEvent):
    """Sent after Login when the PBX is ready (and the account reads `system`)."""

    status: str = ""


@dataclass(frozen=True, slots=True)
class Shutdown(AmiEvent):
    """`Shutdown: Cleanly`, `Restart: True`: the socket closes about 10 ms later (20)."""

    shutdown: str = ""
    restart: str = ""


_GROUPS: dict[type[AmiEvent], tuple[str, ...]] = {
    ChannelEvent: ("Newchannel", "Newstate", "Hold", "Unhold", "NewCallerid"),
    Hangup: ("Hangup", "HangupRequest", "SoftHangupRequest"),
    MusicOnHold: ("MusicOnHoldStart", "MusicOnHoldStop"),
    DialEvent: ("DialBegin", "DialState", "DialEnd"),
    BridgeEvent: ("BridgeCreate", "BridgeDestroy", "BridgeEnter", "BridgeLeave"),
    QueueCallerEvent: ("QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon"),
    AgentEvent: ("AgentCalled", "AgentConnect", "AgentComplete", "AgentRingNoAnswer"),
    QueueMemberEvent: (
        "QueueMemberAdded",
        "QueueMemberRemoved",
        "QueueMemberPause",
        "QueueMemberStatus",
        "QueueMemberPenalty",
    ),
    ParkEvent: ("ParkedCall", "UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp"),
    BlindTransfer: ("BlindTransfer",),
    AttendedTransfer: ("AttendedTransfer",),
    OriginateResponse: ("OriginateResponse",),
    UserEvent: ("UserEvent",),
    FullyBooted: ("FullyBooted",),
    Shutdown: ("Shutdown",),
}

#: Event name -> class. Names not in here are delivered as the raw Message only.
REGISTRY: dict[str, type[AmiEvent]] = {
    name: cls for cls, names in _GROUPS.items() for name in names
}


def parse_event(message: Message, name: str | None = None) -> AmiEvent | None:
    """The typed event for `message`, or None when its name is not registered."""
    name = name or message.event or ""
    cls = REGISTRY.get(name)
    return cls.from_message(name, message) if cls is not None else None


__all__ = [
    "REGISTRY",
    "AgentEvent",
    "AmiEvent",
    "AttendedTransfer",
    "BlindTransfer",
    "BridgeEvent",
    "ChannelEvent",
    "DialEvent",
    "FullyBooted",
    "Hangup",
    "MusicOnHold",
    "OriginateResponse",
    "ParkEvent",
    "QueueCallerEvent",
    "QueueMemberEvent",
    "Shutdown",
    "UserEvent",
    "parse_event",
]
