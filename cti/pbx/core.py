"""The call model: channels, Local pairs, dialling, answering, hanging up, bridges, hold.

`Pbx` holds the live state and emits AMI events (name, class, headers) to its listeners in the
order Asterisk 22 raises them for the same operation (tests/cti/transcripts). The dialplan
(`dialplan.py`), queues (`queues.py`) and parking (`parking.py`) drive it. Everything timed
runs on the injected clock; nothing here does I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from cti.pbx.bridges import Bridge
from cti.pbx.channels import (
    BUSY,
    CAUSE_TEXT,
    DOWN,
    RING,
    RINGING,
    SOFT_EXPLICIT,
    UNKNOWN,
    UP,
    Channel,
    local_name,
    parse_local,
)
from cti.pbx.config import PbxConfig

Pairs = list[tuple[str, str]]
Listener = Callable[[str, str, Pairs], None]


class Clock(Protocol):
    """What the PBX needs from a clock: cti.clock.Clock plus `now()` (epochs in Uniqueids).

    workstation.clock's SystemClock and VirtualClock fit it.
    """

    def now(self) -> Any: ...

    def monotonic(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Any: ...

    async def sleep(self, delay: float) -> None: ...


#: Dial outcome -> OriginateResponse Reason (17/18: 4 answered, 5 busy, 8 congestion,
#: 3 no answer, 0 no such channel or extension).
ORIGINATE_REASON = {"ANSWER": "4", "BUSY": "5", "CONGESTION": "8", "NOANSWER": "3"}


@dataclass(eq=False)
class DialAttempt:
    """One outgoing leg being dialled: by a channel (Dial, Queue) or by Originate (no caller)."""

    caller: Channel | None
    dest: Channel
    dialstring: str
    on_answer: Callable[[DialAttempt], None]
    on_fail: Callable[[DialAttempt, str], None]
    on_ringing: Callable[[DialAttempt], None] | None = None
    started: float = 0.0
    done: bool = False
    timer: Any = None


class Pbx:
    """The live state of the training PBX and the primitive operations on it."""

    def __init__(self, config: PbxConfig, clock: Clock) -> None:
        from cti.pbx.dialplan import Dialplan
        from cti.pbx.parking import ParkingLot
        from cti.pbx.queues import Queues

        self.config = config
        self.clock = clock
        self.listeners: list[Listener] = []
        self.channels: dict[str, Channel] = {}
        self.bridges: dict[str, Bridge] = {}
        self.astdb: dict[tuple[str, str], str] = {}
        #: Custom device states (Queue:…, park:…) as DeviceStateList reports them.
        self.devices: dict[str, str] = {}
        self.started_at = clock.monotonic()
        self._local_seq = 0
        self._chan_seq = 0
        self._deferred: list[tuple[str, str, Pairs]] | None = None
        self.shutting_down = False
        from cti.pbx.transfers import Transfers

        self.dialplan = Dialplan(self)
        self.queues = Queues(self)
        self.parking = ParkingLot(self)
        self.transfers = Transfers(self)

    # ----------------------------------------------------------------- events
    def emit(self, name: str, cls: str, pairs: Pairs) -> None:
        """Raise a live event of class `cls` to every listener (or hold it, see `deferred`)."""
        if self._deferred is not None:
            self._deferred.append((name, cls, pairs))
            return
        for listener in list(self.listeners):
            listener(name, cls, pairs)

    @contextmanager
    def deferred(self) -> Iterator[list[tuple[str, str, Pairs]]]:
        """Hold the events raised inside the block; the caller releases them with `release`.

        Asterisk writes an action's Response before the events the action causes.
        """
        outer = self._deferred
        held: list[tuple[str, str, Pairs]] = []
        self._deferred = held
        try:
            yield held
        finally:
            self._deferred = outer

    def release(self, held: list[tuple[str, str, Pairs]]) -> None:
        """Emit events held by `deferred`."""
        for name, cls, pairs in held:
            self.emit(name, cls, pairs)

    def chan_event(self, name: str, ch: Channel, extra: Pairs | None = None) -> None:
        """A `call` event carrying one channel snapshot."""
        pairs = ch.snapshot()
        if extra:
            pairs += extra
        self.emit(name, "call", pairs)

    def device_state(self, device: str, state: str) -> None:
        """DeviceStateChange; states of non-channel devices are kept for DeviceStateList."""
        if not device.startswith("Local/"):
            self.devices[device] = state
        self.emit("DeviceStateChange", "call", [("Device", device), ("State", state)])

    # ------------------------------------------------------------- identities
    def epoch(self) -> int:
        return int(self.clock.now().timestamp())

    def new_uniqueid(self, wanted: str | None = None) -> tuple[str, int]:
        """(`<epoch>.<seq>`, seq); a client-chosen id (Originate ChannelId) uses a seq too."""
        seq = self._chan_seq
        self._chan_seq += 1
        return wanted or f"{self.epoch()}.{seq}", seq

    def find(self, name_or_uid: str) -> Channel | None:
        """A live channel by name or Uniqueid (actions accept both)."""
        found = self.channels.get(name_or_uid)
        if found is not None:
            return found
        for ch in self.channels.values():
            if ch.uniqueid == name_or_uid:
                return ch
        return None

    # ---------------------------------------------------------- Local channels
    def new_local_pair(
        self,
        exten: str,
        context: str,
        *,
        link: tuple[str, int] | None = None,
        uid1: str | None = None,
        uid2: str | None = None,
    ) -> tuple[Channel, Channel]:
        """Create `Local/<exten>@<context>-N;1/;2` and raise their Newchannel events.

        `link`: the (Linkedid, its creation rank) of the call the pair joins, if any.
        """
        seq = self._local_seq
        self._local_seq += 1
        u1, seq1 = self.new_uniqueid(uid1)
        u2, seq2 = self.new_uniqueid(uid2)
        linked, linked_seq = link or (u1, seq1)
        now = self.clock.monotonic()
        device = f"Local/{exten}@{context}"
        one = Channel(local_name(exten, context, seq, 1), u1, linked, context, exten, half=1)
        two = Channel(local_name(exten, context, seq, 2), u2, linked, context, exten, half=2)
        two.state = RING
        two.in_pbx = True
        one.seq, two.seq = seq1, seq2
        for ch in (one, two):
            ch.linked_seq = linked_seq
            ch.device = device
            ch.created = now
            self.channels[ch.name] = ch
        one.peer, two.peer = two, one
        self.chan_event("Newchannel", one)
        self.chan_event("Newchannel", two)
        return one, two

    def set_callerid(self, one: Channel, num: str, name: str, *, originate: bool) -> None:
        """Caller id events of a new pair (Originate CallerID, or the dialling caller's)."""
        two = one.peer
        assert two is not None
        one.cid_num, one.cid_name = num, name
        cid = [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")]
        self.chan_event("NewCallerid", one, cid)
        if originate:
            one.conn_num, one.conn_name = num, name
            self.chan_event("NewConnectedLine", one)
        two.cid_num, two.cid_name, two.conn_num, two.conn_name = num, name, num, name
        self.chan_event("NewCallerid", two, cid)
        self.chan_event("NewConnectedLine", two)

    def set_dialled_callerid(self, one: Channel, caller: Channel) -> None:
        """Caller id events of a pair dialled by the `Dial()` application (17, 18).

        Dial gives the dialled `;1` the caller's name with the caller's *extension* as number
        (`CallerIDNum: 101` on `Local/101@agents-N;1` for a call to 101) and the caller's id
        as connected line; the `;2` half sees them the other way round.
        """
        two = one.peer
        assert two is not None
        cid = [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")]
        one.cid_num, one.cid_name = caller.exten, caller.cid_name
        one.conn_num, one.conn_name = caller.cid_num, caller.cid_name
        self.chan_event("NewCallerid", one, cid)
        self.chan_event("NewConnectedLine", one)
        two.cid_num, two.cid_name = one.conn_num, one.conn_name
        two.conn_num, two.conn_name = one.cid_num, one.cid_name
        self.chan_event("NewCallerid", two, cid)
        self.chan_event("NewConnectedLine", two)

    def local_bridge(self, one: Channel) -> None:
        two = one.peer
        assert two is not None
        self.emit(
            "LocalBridge",
            "call",
            [
                *one.snapshot("LocalOne"),
                *two.snapshot("LocalTwo"),
                ("Context", two.context),
                ("Exten", two.exten),
                ("LocalOptimization", "No"),
            ],
        )

    # ------------------------------------------------------------------ dialling
    def dial(
        self,
        caller: Channel | None,
        target: str,
        *,
        on_answer: Callable[[DialAttempt], None],
        on_fail: Callable[[DialAttempt, str], None],
        on_ringing: Callable[[DialAttempt], None] | None = None,
        timeout: float | None = None,
        before_begin: Callable[[Channel], None] | None = None,
        uid1: str | None = None,
        uid2: str | None = None,
        callerid: tuple[str, str] | None = None,
        variables: dict[str, str] | None = None,
        dialstring: str | None = None,
        linkedid: tuple[str, int] | None = None,
        begin: bool = True,
        dial_app: bool = False,
    ) -> DialAttempt | None:
        """Dial `Local/<exten>@<context>[/opts]` from `caller` (or for Originate, caller None).

        Returns the attempt, or None when the channel could not be created (on_fail is then
        called with CHANUNAVAIL, after the Hangup events of the short-lived pair if any).
        `dial_app`: dialled by the `Dial()` application, whose caller ids differ from Queue's.
        """
        parsed = parse_local(target)
        if parsed is None:
            return None
        exten, context, _options = parsed
        link = (caller.linkedid, caller.linked_seq) if caller is not None else linkedid
        one, two = self.new_local_pair(exten, context, link=link, uid1=uid1, uid2=uid2)
        if variables:
            one.variables.update(variables)
            two.variables.update(variables)
        if caller is not None and dial_app:
            self.set_dialled_callerid(one, caller)
        elif caller is not None:
            self.set_callerid(one, caller.cid_num, caller.cid_name, originate=False)
        elif callerid is not None:
            self.set_callerid(one, callerid[0], callerid[1], originate=True)
        self.local_bridge(one)
        attempt = DialAttempt(
            caller,
            one,
            dialstring or target,
            on_answer,
            on_fail,
            on_ringing,
            started=self.clock.monotonic(),
        )
        if not self.dialplan.exists(context, exten):
            # No such extension: both halves go at once, cause 0 (18).
            one.own_cause = 0
            self.hangup(two, 0, soft=None, peer_request=False)
            attempt.done = True
            on_fail(attempt, "CHANUNAVAIL")
            return None
        if before_begin is not None:
            before_begin(one)
        if begin:
            begin_pairs = self._dial_pairs(attempt, [("DialString", attempt.dialstring)])
            self.emit("DialBegin", "call", begin_pairs)
        one.dial = attempt
        if timeout is not None:
            attempt.timer = self.clock.call_later(timeout, lambda: self.dial_timeout(attempt))
        self.dialplan.run(two, context, exten, 1)
        return attempt

    def _dial_pairs(self, attempt: DialAttempt, extra: Pairs) -> Pairs:
        pairs: Pairs = attempt.caller.snapshot() if attempt.caller is not None else []
        return pairs + attempt.dest.snapshot("Dest") + extra

    def dial_end(self, attempt: DialAttempt, status: str) -> None:
        """DialEnd with `status`; the attempt is over."""
        if attempt.timer is not None:
            attempt.timer.cancel()
            attempt.timer = None
        attempt.done = True
        if attempt.dest.dial is attempt:
            attempt.dest.dial = None
        self.emit("DialEnd", "call", self._dial_pairs(attempt, [("DialStatus", status)]))

    def dial_timeout(self, attempt: DialAttempt) -> None:
        if attempt.done:
            return
        attempt.timer = None
        attempt.on_fail(attempt, "NOANSWER")

    def cancel_dial(self, attempt: DialAttempt, cause: int, *, twice: bool = True) -> None:
        """Stop ringing a leg (another answered, the caller left): DialEnd CANCEL, hang up.

        app_queue reports the cancelled leg twice (06, 07); Dial() once (14).
        """
        if attempt.done:
            return
        self.dial_end(attempt, "CANCEL")
        if twice:
            self.emit("DialEnd", "call", self._dial_pairs(attempt, [("DialStatus", "CANCEL")]))
        self.hangup(attempt.dest, cause, soft=None, peer_first=True)

    def fail_dial(self, attempt: DialAttempt, status: str, cause: int = 0) -> None:
        """DialEnd `status` then hang up the dialled leg (Dial's cleanup)."""
        if not attempt.done:
            self.dial_end(attempt, status)
        self.hangup(attempt.dest, cause, soft=None, peer_first=True)

    # ------------------------------------------------ what a ;2 half does to its ;1
    def ringing(self, two: Channel) -> None:
        """`Ringing()` on a `;2`: its `;1` rings, the dialler sees DialState RINGING."""
        one = two.peer
        if one is None or one.gone or one.state == RINGING:
            return
        one.state = RINGING
        self.chan_event("Newstate", one)
        if one.conn_num == UNKNOWN and one.cid_num != UNKNOWN:
            one.conn_num, one.conn_name = one.cid_num, one.cid_name
        self.chan_event("NewConnectedLine", one)
        attempt: DialAttempt | None = one.dial
        if attempt is not None and not attempt.done:
            self.emit("DialState", "call", self._dial_pairs(attempt, [("DialStatus", "RINGING")]))
            if attempt.on_ringing is not None:
                attempt.on_ringing(attempt)

    def answer(self, ch: Channel) -> None:
        """`Answer()`: the channel goes Up; for a `;2`, its `;1` is answered too."""
        if ch.gone:
            return
        if ch.state != UP:
            ch.state = UP
            ch.answered_at = self.clock.monotonic()
            self.chan_event("Newstate", ch)
        one = ch.peer if ch.half == 2 else None
        if one is None or one.gone:
            return
        if one.state != UP:
            one.state = UP
            one.answered_at = self.clock.monotonic()
            self.chan_event("Newstate", one)
        attempt: DialAttempt | None = one.dial
        if attempt is not None and not attempt.done:
            self.dial_end(attempt, "ANSWER")
            attempt.on_answer(attempt)

    def busy(self, two: Channel, congestion: bool = False) -> None:
        """`Busy()` / `Congestion()` on a `;2`: the dialler gets BUSY / CONGESTION."""
        two.own_cause = 34 if congestion else 17
        one = two.peer
        originated = one is not None and one.dial is not None and one.dial.caller is None
        if not (congestion and originated):
            # Seen: an originated Congestion() reports its state only as it hangs up (18).
            two.state = BUSY
            self.chan_event("Newstate", two)
        status = "CONGESTION" if congestion else "BUSY"
        attempt: DialAttempt | None = one.dial if one is not None else None
        if attempt is not None and not attempt.done:
            attempt.on_fail(attempt, status)
        elif one is not None:
            self.hangup(one, 0, soft=None)

    # ------------------------------------------------------------------ hangup
    def hangup(
        self,
        ch: Channel,
        cause: int,
        *,
        soft: int | None = SOFT_EXPLICIT,
        peer_first: bool = False,
        request: bool = False,
        peer_request: bool = True,
        keep_peer: bool = False,
    ) -> None:
        """Hang a channel up with Q.850 `cause`, and whatever goes with it.

        `soft`: the SoftHangupRequest bitmask to raise (None: the channel is torn down by its
        owner, no request). `peer_first`: the other Local half goes first (a leg cancelled by
        Dial/Queue). `request`: raise HangupRequest on the channel itself (AMI Hangup of a
        ringing leg).
        """
        if ch.gone:
            return
        ch.gone = True
        if ch.timer is not None:
            ch.timer.cancel()
            ch.timer = None
        ch.on_dtmf = None
        bridge = ch.bridge
        if bridge is not None:
            self.bridge_leave(ch)
        if request:
            self.chan_event("HangupRequest", ch, [("Cause", str(cause))])
        # The application the channel is in cleans up first (AgentComplete, abandon…).
        handler = ch.on_hangup
        ch.on_hangup = None
        if handler is not None:
            handler(ch)
        ch.moh = False
        if ch.own_cause == 34 and ch.state != BUSY:
            ch.state = BUSY
            self.chan_event("Newstate", ch)
        if soft is not None:
            self.chan_event("SoftHangupRequest", ch, [("Cause", str(soft))])
        peer = ch.peer if ch.peer is not None and not ch.peer.gone else None
        if peer is not None:
            if peer_request:
                self.chan_event("HangupRequest", peer, [("Cause", str(cause))])
            if peer_first:
                self.hangup(peer, peer.own_cause if peer.own_cause is not None else cause)
                peer = None
        if keep_peer:
            peer = None  # the caller tears the other half down itself (Atxfer completion)
        attempt: DialAttempt | None = ch.dial
        self.chan_event("Hangup", ch, [("Cause", str(cause)), ("Cause-txt", CAUSE_TEXT[cause])])
        self.channels.pop(ch.name, None)
        if attempt is not None and not attempt.done:
            status = {17: "BUSY", 34: "CONGESTION"}.get(cause, "NOANSWER")
            attempt.done = True
            self.emit("DialEnd", "call", self._dial_pairs(attempt, [("DialStatus", status)]))
            attempt.on_fail(attempt, status)
        if peer is not None:
            own = peer.own_cause if peer.own_cause is not None else (cause or 16)
            # A ;2 runs dialplan; a ;1 ends its dialplan (Hangup()) only in Queue() or Dial().
            runs = peer_request and (peer.half == 2 or peer.app in ("Queue", "Dial"))
            if self.shutting_down:
                own, runs = (0 if peer.half == 2 else own), False
            self.hangup(peer, own, soft=SOFT_EXPLICIT if runs else None)
        if bridge is not None:
            self.bridge_settle(bridge)

    # ------------------------------------------------------------------ bridges
    def new_bridge(
        self, btype: str = "basic", technology: str = "simple_bridge", **names: str
    ) -> Bridge:
        bridge = Bridge(str(uuid.uuid4()), btype, technology, **names)
        self.bridges[bridge.uniqueid] = bridge
        self.emit("BridgeCreate", "call", bridge.snapshot())
        return bridge

    def bridge_enter(self, bridge: Bridge, ch: Channel) -> None:
        """Move `ch` into `bridge` (leaving its current one); Linkedid follows the oldest."""
        if ch.bridge is bridge:
            return
        if ch.bridge is not None:
            old = ch.bridge
            self.bridge_leave(ch)
            self.bridge_settle(old)
        bridge.channels.append(ch)
        ch.bridge = bridge
        if bridge.type == "basic" and len(bridge.channels) > 1:
            oldest = min(bridge.channels, key=lambda c: c.linked_seq)
            for member in bridge.channels:
                member.linkedid, member.linked_seq = oldest.linkedid, oldest.linked_seq
        self.emit("BridgeEnter", "call", bridge.snapshot() + ch.snapshot())

    def bridge_leave(self, ch: Channel) -> None:
        bridge = ch.bridge
        if bridge is None:
            return
        bridge.channels.remove(ch)
        ch.bridge = None
        self.emit("BridgeLeave", "call", bridge.snapshot() + ch.snapshot())

    def bridge_settle(self, bridge: Bridge) -> None:
        """A basic bridge left with one channel dissolves; that channel goes on or hangs up."""
        if bridge.type != "basic" or bridge.uniqueid not in self.bridges:
            return
        if len(bridge.channels) > 1:
            return
        if self.shutting_down and bridge.channels:
            return  # each channel leaves as it hangs up (20)
        survivor = bridge.channels[0] if bridge.channels else None
        if survivor is not None:
            self.bridge_leave(survivor)
        self.destroy_bridge(bridge)
        if survivor is not None and not survivor.gone:
            self.stop_moh(survivor)
            after = survivor.after_bridge
            survivor.after_bridge = None
            if after is not None:
                after(survivor)
            else:
                self.hangup(survivor, 16, soft=SOFT_EXPLICIT if survivor.in_pbx else None)

    def destroy_bridge(self, bridge: Bridge) -> None:
        if self.bridges.pop(bridge.uniqueid, None) is not None:
            self.emit("BridgeDestroy", "call", bridge.snapshot())

    def bridge_two(self, first: Channel, second: Channel) -> Bridge:
        """A new basic bridge with `first` then `second` (Dial/Queue put the callee first)."""
        bridge = self.new_bridge()
        self.bridge_enter(bridge, first)
        self.stop_moh(second)
        self.bridge_enter(bridge, second)
        return bridge

    # --------------------------------------------------------------- hold, moh
    def start_moh(self, ch: Channel, cls: str = "default") -> None:
        if ch.moh or ch.gone:
            return
        ch.moh = True
        self.chan_event("MusicOnHoldStart", ch, [("Class", cls)])

    def stop_moh(self, ch: Channel) -> None:
        if not ch.moh:
            return
        ch.moh = False
        self.chan_event("MusicOnHoldStop", ch)

    def indicate_hold(self, two: Channel, hold: bool) -> None:
        """A handset (`;2`) sends HOLD/UNHOLD through its pair into the bridge (`/m`)."""
        one = two.peer
        if one is None or one.bridge is None:
            return
        for other in one.bridge.others(one):
            if hold:
                self.start_moh(other)
            else:
                self.stop_moh(other)

    # ------------------------------------------------------------- redirect
    def redirect(self, ch: Channel, context: str, exten: str, priority: str) -> None:
        """Send a channel to another place in the dialplan, out of its bridge if any."""
        if ch.timer is not None:
            ch.timer.cancel()
            ch.timer = None
        leaving = ch.on_dtmf is not None and ch.context == "agent-hold"
        ch.on_dtmf = None
        if leaving:
            self.indicate_hold(ch, False)
        if ch.on_hangup is not None and ch.app in ("Queue", "AppQueue"):
            self.queues.detached(ch)  # before the bridge goes: the agent leg may hang up
        if ch.bridge is not None:
            bridge = ch.bridge
            ch.after_bridge = None
            self.bridge_leave(ch)
            self.bridge_settle(bridge)
        ch.in_pbx = True
        self.dialplan.run(ch, context, exten, priority)

    # ---------------------------------------------------------------- helpers
    def channels_in_order(self) -> list[Channel]:
        """Live channels, oldest first (by creation sequence)."""
        return sorted(self.channels.values(), key=lambda c: c.seq)

    def channels_listing(self) -> list[Channel]:
        """Live channels as CoreShowChannels lists them: pairs oldest first, `;2` before `;1`."""
        return sorted(
            self.channels.values(),
            key=lambda c: (c.seq - (c.half - 1), 0 if c.half == 2 else 1),
        )

    def uptime(self) -> float:
        return self.clock.monotonic() - self.started_at

    def shutdown(self) -> None:
        """Hang every channel up as `core restart now` does (20).

        Every channel is flagged at once (SoftHangupRequest Cause 4), those running dialplan
        end it (Cause 16), then each goes in turn, oldest first; bridges are not dissolved
        around the survivors, each channel leaves as it hangs up.
        """
        self.shutting_down = True
        self.queues.frozen = True
        live = self.channels_in_order()
        for ch in live:
            self.chan_event("SoftHangupRequest", ch, [("Cause", "4")])
        for ch in live:
            if ch.in_pbx or ch.half == 2:
                self.chan_event("SoftHangupRequest", ch, [("Cause", str(SOFT_EXPLICIT))])
        for ch in live:
            if not ch.gone and (ch.in_pbx or ch.half == 2):
                self.hangup(ch, 16 if ch.bridge is not None else 0, soft=None)
        for ch in self.channels_in_order():
            if not ch.gone:
                self.hangup(ch, 16, soft=None)
        for bridge in list(self.bridges.values()):
            self.destroy_bridge(bridge)
        self.queues.clear()


__all__ = ["DOWN", "ORIGINATE_REASON", "DialAttempt", "Pbx"]
