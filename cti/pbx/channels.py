"""Channels as Asterisk reports them: names, states, caller ids, snapshots.

Every device of the training PBX is a Local channel pair, as on the reference peer:
`Local/<exten>@<context>-0000000N;1` (the half Dial, Queue, Originate and bridges see) and `;2`
(the half that runs `<exten>@<context>` in the dialplan). Each half has its own Uniqueid
(`<epoch>.<seq>`); Linkedid is the Uniqueid of the oldest channel of the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cti.pbx.bridges import Bridge

DOWN, RING, RINGING, UP, BUSY = 0, 4, 5, 6, 7
STATE_DESC = {DOWN: "Down", RING: "Ring", RINGING: "Ringing", UP: "Up", BUSY: "Busy"}

#: Q.850 causes the PBX produces, with Asterisk's `Cause-txt`.
CAUSE_TEXT = {
    0: "Unknown",
    16: "Normal Clearing",
    17: "User busy",
    19: "User alerting, no answer",
    21: "Call Rejected",
    26: "Answered elsewhere",
    34: "Circuit/channel congestion",
}
#: `SoftHangupRequest: Cause` is a bitmask: 16 explicit (AMI / dialplan end), 4 shutdown.
SOFT_EXPLICIT = 16
SOFT_SHUTDOWN = 4

UNKNOWN = "<unknown>"


@dataclass(eq=False)
class Channel:
    """One channel (one half of a Local pair)."""

    name: str
    uniqueid: str
    linkedid: str
    context: str
    exten: str
    priority: int = 1
    state: int = DOWN
    cid_num: str = UNKNOWN
    cid_name: str = UNKNOWN
    conn_num: str = UNKNOWN
    conn_name: str = UNKNOWN
    #: The other half of the Local pair.
    peer: Channel | None = None
    half: int = 1
    #: `Local/<exten>@<context>` (device name, ParkerDialString).
    device: str = ""
    bridge: Bridge | None = None
    #: Dialplan application running on the channel, as CoreShowChannels reports it.
    app: str = ""
    app_data: str = ""
    #: Pending dialplan step (a clock timer).
    timer: Any = None
    #: The dial attempt that created this `;1`, until it is answered or fails.
    dial: Any = None
    #: Handler of the application the channel is in (queue caller, Dial), told of hangups.
    on_hangup: Callable[[Channel], None] | None = None
    #: Called when the channel is removed from its bridge by others (continue the dialplan).
    after_bridge: Callable[[Channel], None] | None = None
    #: True while the channel runs dialplan (gets SoftHangupRequest when its peer hangs up).
    in_pbx: bool = False
    #: Cause this channel hangs up with once asked to (Busy()/Congestion() set it).
    own_cause: int | None = None
    #: The DTMF handler of the dialplan step in progress (WaitExten).
    on_dtmf: Callable[[str], None] | None = None
    moh: bool = False
    created: float = 0.0
    answered_at: float | None = None
    variables: dict[str, str] = field(default_factory=dict)
    gone: bool = False
    #: Creation rank of this channel, and of the channel its Linkedid names (oldest wins).
    seq: int = 0
    linked_seq: int = 0

    @property
    def state_desc(self) -> str:
        return STATE_DESC.get(self.state, "Unknown")

    def snapshot(self, prefix: str = "") -> list[tuple[str, str]]:
        """The channel-snapshot headers (`Channel` … `Linkedid`), optionally prefixed."""
        return [
            (prefix + "Channel", self.name),
            (prefix + "ChannelState", str(self.state)),
            (prefix + "ChannelStateDesc", self.state_desc),
            (prefix + "CallerIDNum", self.cid_num),
            (prefix + "CallerIDName", self.cid_name),
            (prefix + "ConnectedLineNum", self.conn_num),
            (prefix + "ConnectedLineName", self.conn_name),
            (prefix + "Language", "en"),
            (prefix + "AccountCode", ""),
            (prefix + "Context", self.context),
            (prefix + "Exten", self.exten),
            (prefix + "Priority", str(self.priority)),
            (prefix + "Uniqueid", self.uniqueid),
            (prefix + "Linkedid", self.linkedid),
        ]


def local_name(exten: str, context: str, seq: int, half: int) -> str:
    """`Local/<exten>@<context>-<seq as 8 hex digits>;<half>`."""
    return f"Local/{exten}@{context}-{seq:08x};{half}"


def parse_local(dial: str) -> tuple[str, str, str] | None:
    """`Local/<exten>@<context>[/options]` -> (exten, context, options), else None."""
    if not dial.startswith("Local/"):
        return None
    rest = dial[len("Local/") :]
    rest, _slash, options = rest.partition("/")
    exten, at, context = rest.partition("@")
    if not at or not exten or not context:
        return None
    return exten, context, options
