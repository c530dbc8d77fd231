"""Queues as app_queue runs them: dynamic members, callers, ringing strategies, statistics.

Members log in with QueueAdd (interface `Local/<agent>@agents/nm`), pause with a reason,
and are rung through a Local pair per attempt. Strategies: `ringall` rings every available
member at once; `rrmemory`/`roundrobin` ring one member at a time, starting after the last one
that was rung. A member rings `timeout` seconds (AgentRingNoAnswer, then `retry` seconds before
the next try), rests `wrapuptime` seconds after a call (no event, as Asterisk), and is rung by
one caller at a time (`ringinuse = no`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cti.pbx.channels import SOFT_EXPLICIT, Channel, parse_local
from cti.pbx.config import QueueConfig

if TYPE_CHECKING:
    from cti.pbx.core import DialAttempt, Pairs, Pbx


@dataclass(eq=False)
class Member:
    """A dynamic queue member (one interface in one queue)."""

    queue: str
    interface: str
    name: str
    state_interface: str
    penalty: int = 0
    paused: bool = False
    reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0
    in_call: bool = False
    status: int = 1  # device state: 1 NOT_INUSE, 2 INUSE
    wrapup_until: float = 0.0

    def pairs(self, wrapuptime: float, *, listing: bool = False) -> Pairs:
        """Headers of the QueueMember* events (or of a QueueStatus `QueueMember` item)."""
        head: Pairs = [("Queue", self.queue)]
        if listing:
            head += [("Name", self.name), ("Location", self.interface)]
        else:
            head += [("MemberName", self.name), ("Interface", self.interface)]
        head += [
            ("StateInterface", self.state_interface),
            ("Membership", "dynamic"),
            ("Penalty", str(self.penalty)),
            ("CallsTaken", str(self.calls_taken)),
            ("LastCall", str(self.last_call)),
            ("LastPause", str(self.last_pause)),
            ("LoginTime", str(self.login_time)),
            ("InCall", "1" if self.in_call else "0"),
            ("Status", str(self.status)),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason),
        ]
        if not listing:
            head.append(("Ringinuse", "0"))
        head.append(("Wrapuptime", str(int(wrapuptime))))
        return head


@dataclass(eq=False)
class Caller:
    """A channel inside Queue(): waiting, ringing members, or connected to one."""

    ch: Channel
    queue: QueueState
    joined: float
    original_position: int
    attempts: dict[str, DialAttempt] = field(default_factory=dict)
    member: Member | None = None
    agent_leg: Channel | None = None
    connected_at: float = 0.0
    retry: Any = None
    completed: bool = False
    #: Redirected or parked out of the queue's bridge: AgentComplete waits for its hangup.
    detached: bool = False
    parked: bool = False
    #: The agent leg was redirected too: no AgentComplete at all (10).
    silent: bool = False
    #: The member was already set free (its leg hung up while the customer was elsewhere).
    released: bool = False


@dataclass(eq=False)
class QueueState:
    """One queue's live state and statistics."""

    config: QueueConfig
    members: dict[str, Member] = field(default_factory=dict)
    callers: list[Caller] = field(default_factory=list)
    completed: int = 0
    abandoned: int = 0
    holdtime: int = 0
    talktime: int = 0
    last_rung: str = ""


class Queues:
    """All queues of the PBX; the AMI queue actions land here."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.queues = {q.name: QueueState(q) for q in pbx.config.queues}
        #: Caller by channel (waiting or connected), and by agent leg once connected.
        self._by_channel: dict[int, Caller] = {}
        #: Interfaces being rung or in a call (ringinuse = no, across queues).
        self._busy: set[str] = set()
        #: While set, freed members are not offered to waiting callers (batch hangups).
        self.frozen = False
        for name in self.queues:
            pbx.devices[f"Queue:{name}_avail"] = "INUSE"

    # ------------------------------------------------------------- members
    def add(
        self,
        queue: str,
        interface: str,
        name: str,
        penalty: int,
        paused: bool,
        reason: str,
        state_interface: str,
    ) -> str | None:
        """QueueAdd; returns the Asterisk error message, or None on success."""
        state = self.queues.get(queue)
        if state is None:
            return "Unable to add interface to queue: No such queue"
        if interface in state.members:
            return "Unable to add interface: Already there"
        epoch = self.pbx.epoch()
        member = Member(
            queue,
            interface,
            name or interface,
            state_interface or interface,
            penalty=penalty,
            paused=paused,
            reason=reason if paused else "",
            login_time=epoch,
            last_pause=epoch if paused else 0,
            status=2 if interface in self._busy else 1,
        )
        state.members[interface] = member
        pause_state = "INUSE" if paused else "NOT_INUSE"
        self.pbx.device_state(f"Queue:{queue}_pause_{interface}", pause_state)
        self._member_event("QueueMemberAdded", member)
        self._avail(state)
        self._ring_all_waiting()
        return None

    def remove(self, queue: str, interface: str) -> str | None:
        state = self.queues.get(queue)
        if state is None or interface not in state.members:
            return "Unable to remove interface: Not there"
        member = state.members.pop(interface)
        self._member_event("QueueMemberRemoved", member)
        self._avail(state)
        return None

    def pause(self, interface: str, paused: bool, queue: str | None, reason: str) -> str | None:
        """QueuePause on one queue or (no Queue) on every queue of the interface."""
        targets = [
            s.members[interface]
            for s in self.queues.values()
            if interface in s.members and (not queue or s.config.name == queue)
        ]
        if not targets:
            return "Interface not found"
        epoch = self.pbx.epoch()
        for member in targets:
            member.paused = paused
            member.reason = reason if paused else ""
            if paused:
                member.last_pause = epoch
            self._member_event("QueueMemberPause", member)
            self.pbx.device_state(
                f"Queue:{member.queue}_pause_{interface}", "INUSE" if paused else "NOT_INUSE"
            )
            self._avail(self.queues[member.queue])
        if not paused:
            self._ring_all_waiting()
        return None

    def penalty(self, interface: str, penalty: int, queue: str | None) -> str | None:
        targets = [
            s.members[interface]
            for s in self.queues.values()
            if interface in s.members and (not queue or s.config.name == queue)
        ]
        if not targets:
            return "Invalid interface, queuename or penalty"
        for member in targets:
            member.penalty = penalty
            self._member_event("QueueMemberPenalty", member)
        return None

    def clear(self) -> None:
        """Forget every member and caller (a restart loses dynamic members)."""
        for state in self.queues.values():
            state.members.clear()
            state.callers.clear()
        self._by_channel.clear()
        self._busy.clear()

    def _member_event(self, name: str, member: Member) -> None:
        wrap = self.queues[member.queue].config.wrapuptime
        self.pbx.emit(name, "agent", member.pairs(wrap))

    def _avail(self, state: QueueState) -> None:
        free = any(not m.paused and m.status == 1 for m in state.members.values())
        self.pbx.device_state(f"Queue:{state.config.name}_avail", "NOT_INUSE" if free else "INUSE")

    def _set_status(self, interface: str, status: int) -> None:
        for state in self.queues.values():
            member = state.members.get(interface)
            if member is not None and member.status != status:
                member.status = status
                self._member_event("QueueMemberStatus", member)
                self._avail(state)
        device = interface.removesuffix("/nm").removesuffix("/n")
        self.pbx.device_state(device, "INUSE" if status == 2 else "NOT_INUSE")

    # ------------------------------------------------------------- callers
    def join(self, ch: Channel, queue: str) -> None:
        """`Queue(<queue>,t)`: the caller waits with music and members are rung."""
        state = self.queues[queue]
        caller = Caller(ch, state, self.pbx.clock.monotonic(), len(state.callers) + 1)
        state.callers.append(caller)
        self._by_channel[id(ch)] = caller
        self.pbx.device_state(f"Queue:{queue}", "RINGING")
        self.pbx.chan_event(
            "QueueCallerJoin",
            ch,
            [
                ("Queue", queue),
                ("Position", str(len(state.callers))),
                ("Count", str(len(state.callers))),
            ],
        )
        self.pbx.start_moh(ch, state.config.musicclass)
        ch.on_hangup = self._caller_gone
        self._ring(caller)

    def caller_of(self, ch: Channel) -> Caller | None:
        return self._by_channel.get(id(ch))

    def _available(self, state: QueueState) -> list[Member]:
        now = self.pbx.clock.monotonic()
        return [
            m
            for m in state.members.values()
            if not m.paused and m.interface not in self._busy and m.wrapup_until <= now
        ]

    def _ring_all_waiting(self) -> None:
        if self.frozen:
            return
        for state in self.queues.values():
            for caller in list(state.callers):
                if caller.member is None and not caller.attempts and caller.retry is None:
                    self._ring(caller)

    def _ring(self, caller: Caller) -> None:
        caller.retry = None
        if caller.ch.gone or caller.member is not None:
            return
        state = caller.queue
        free = self._available(state)
        if not free:
            return
        if state.config.strategy == "ringall":
            chosen = free
        else:
            order = list(state.members)
            start = order.index(state.last_rung) + 1 if state.last_rung in order else 0
            rotated = order[start:] + order[:start]
            chosen = [next(state.members[i] for i in rotated if state.members[i] in free)]
            state.last_rung = chosen[0].interface
        for member in chosen:
            self._ring_member(caller, member)

    def _ring_member(self, caller: Caller, member: Member) -> None:
        pbx = self.pbx
        queue = caller.queue.config
        self._busy.add(member.interface)

        def called(one: Channel) -> None:
            one.exten = queue.name
            pbx.emit(
                "AgentCalled",
                "agent",
                caller.ch.snapshot()
                + one.snapshot("Dest")
                + [
                    ("Queue", queue.name),
                    ("Interface", member.interface),
                    ("MemberName", member.name),
                ],
            )

        attempt = pbx.dial(
            caller.ch,
            member.interface,
            on_answer=lambda a: self._answered(caller, member, a),
            on_fail=lambda a, status: self._no_answer(caller, member, a, status),
            timeout=queue.timeout,
            before_begin=called,
        )
        if attempt is None:
            self._busy.discard(member.interface)
            return
        caller.attempts[member.interface] = attempt
        self._set_status(member.interface, 2)

    def _no_answer(self, caller: Caller, member: Member, attempt: DialAttempt, status: str) -> None:
        pbx = self.pbx
        caller.attempts.pop(member.interface, None)
        ring_ms = int((pbx.clock.monotonic() - attempt.started) * 1000)
        if not caller.ch.gone:
            pbx.emit(
                "AgentRingNoAnswer",
                "agent",
                caller.ch.snapshot()
                + attempt.dest.snapshot("Dest")
                + [
                    ("Queue", caller.queue.config.name),
                    ("Interface", member.interface),
                    ("MemberName", member.name),
                    ("RingTime", str(ring_ms)),
                ],
            )
        if not attempt.done:
            pbx.dial_end(attempt, "NOANSWER")
            pbx.emit("DialEnd", "call", pbx._dial_pairs(attempt, [("DialStatus", "CANCEL")]))
            pbx.hangup(attempt.dest, 0, soft=None, peer_first=True)
        self._release(member.interface)
        if not caller.ch.gone and caller.member is None and not caller.attempts:
            retry = caller.queue.config.retry
            caller.retry = pbx.clock.call_later(retry, lambda: self._ring(caller))

    def _release(self, interface: str) -> None:
        self._busy.discard(interface)
        self._set_status(interface, 1)

    def _answered(self, caller: Caller, member: Member, attempt: DialAttempt) -> None:
        pbx = self.pbx
        state = caller.queue
        caller.attempts.pop(member.interface, None)
        for other_iface, other in list(caller.attempts.items()):
            caller.attempts.pop(other_iface, None)
            pbx.cancel_dial(other, 26)
            self._release(other_iface)
        now = pbx.clock.monotonic()
        caller.member = member
        caller.agent_leg = attempt.dest
        caller.connected_at = now
        member.in_call = True
        pbx.stop_moh(caller.ch)
        position = state.callers.index(caller) + 1
        state.callers.remove(caller)
        pbx.device_state(f"Queue:{state.config.name}", "NOT_INUSE")
        pbx.chan_event(
            "QueueCallerLeave",
            caller.ch,
            [
                ("Queue", state.config.name),
                ("Position", str(position)),
                ("Count", str(len(state.callers))),
            ],
        )
        hold = int(now - caller.joined)
        state.holdtime = hold if not state.completed else (state.holdtime + hold) // 2
        pbx.emit(
            "AgentConnect",
            "agent",
            caller.ch.snapshot()
            + attempt.dest.snapshot("Dest")
            + [
                ("Queue", state.config.name),
                ("Interface", member.interface),
                ("MemberName", member.name),
                ("HoldTime", str(hold)),
                ("RingTime", str(int(now - attempt.started))),
            ],
        )
        leg = attempt.dest
        leg.variables["CAN_TRANSFER"] = "1"  # Queue(…,t): the agent may transfer
        leg.app = "AppQueue"
        self._by_channel[id(leg)] = caller
        leg.on_hangup = self._agent_leg_gone
        caller.ch.on_hangup = self._caller_gone
        caller.ch.after_bridge = lambda c: pbx.hangup(c, 16, soft=SOFT_EXPLICIT)
        pbx.bridge_two(leg, caller.ch)

    # -------------------------------------------------------- call endings
    def complete(self, caller: Caller, reason: str, *, caller_snap: bool, dest_snap: bool) -> None:
        """AgentComplete (once per call) and the member back to idle."""
        if caller.completed or caller.member is None:
            return
        caller.completed = True
        pbx = self.pbx
        member = caller.member
        state = caller.queue
        talk = int(pbx.clock.monotonic() - caller.connected_at)
        pairs: Pairs = []
        if caller_snap:
            pairs += caller.ch.snapshot()
        if dest_snap and caller.agent_leg is not None:
            pairs += caller.agent_leg.snapshot("Dest")
        pairs += [
            ("Queue", state.config.name),
            ("Interface", member.interface),
            ("MemberName", member.name),
            ("HoldTime", str(int(caller.connected_at - caller.joined))),
            ("TalkTime", str(talk)),
            ("Reason", reason),
        ]
        if not caller.silent:
            pbx.emit("AgentComplete", "agent", pairs)
        state.completed += 1
        state.talktime = talk if state.completed == 1 else (state.talktime + talk) // 2
        if not caller.released:
            caller.released = True
            self._member_done(member)

    def _member_done(self, member: Member) -> None:
        pbx = self.pbx
        epoch = pbx.epoch()
        wrap = self.queues[member.queue].config.wrapuptime
        for state in self.queues.values():
            m = state.members.get(member.interface)
            if m is not None:
                m.in_call = False
                if m is member:
                    m.calls_taken += 1
                    m.last_call = epoch
                m.wrapup_until = pbx.clock.monotonic() + wrap
        self._release(member.interface)
        if wrap > 0:
            pbx.clock.call_later(wrap, self._ring_all_waiting)
        else:
            self._ring_all_waiting()

    def _agent_leg_gone(self, leg: Channel) -> None:
        caller = self._by_channel.pop(id(leg), None)
        if caller is None or caller.completed:
            return
        if caller.detached:
            # AgentComplete comes when the customer hangs up (09, 12); the member is free.
            if caller.member is not None and not caller.released:
                caller.released = True
                self._member_done(caller.member)
            return
        by_handset = leg.peer is not None and leg.peer.gone
        if by_handset:
            self.complete(caller, "agent", caller_snap=True, dest_snap=True)
        else:
            # Hanging up the bridged ;1 itself reads as the caller's hangup (16B).
            self.complete(caller, "caller", caller_snap=False, dest_snap=False)

    def _caller_gone(self, ch: Channel) -> None:
        caller = self._by_channel.pop(id(ch), None)
        if caller is None:
            return
        pbx = self.pbx
        if caller.retry is not None:
            caller.retry.cancel()
            caller.retry = None
        if caller.member is not None:
            if caller.detached:
                self.complete(caller, "caller", caller_snap=not caller.parked, dest_snap=False)
            else:
                # Hung up by AMI on the customer leg itself: no caller snapshot (05).
                by_handset = ch.peer is not None and ch.peer.gone
                self.complete(caller, "caller", caller_snap=by_handset, dest_snap=True)
            return
        state = caller.queue
        pbx.stop_moh(ch)
        for iface, attempt in list(caller.attempts.items()):
            caller.attempts.pop(iface, None)
            pbx.cancel_dial(attempt, 0)
            self._release(iface)
        position = state.callers.index(caller) + 1 if caller in state.callers else 1
        if caller in state.callers:
            state.callers.remove(caller)
        state.abandoned += 1
        name = state.config.name
        pbx.chan_event(
            "QueueCallerAbandon",
            ch,
            [
                ("Queue", name),
                ("Position", str(position)),
                ("OriginalPosition", str(caller.original_position)),
                ("HoldTime", str(int(pbx.clock.monotonic() - caller.joined))),
            ],
        )
        pbx.device_state(f"Queue:{name}", "NOT_INUSE")
        pbx.chan_event(
            "QueueCallerLeave",
            ch,
            [("Queue", name), ("Position", str(position)), ("Count", str(len(state.callers)))],
        )

    def detached(self, ch: Channel, *, parked: bool = False) -> None:
        """`ch` left the queue's bridge by Redirect or Park (no AgentComplete for now)."""
        caller = self._by_channel.get(id(ch))
        if caller is None or caller.member is None:
            return
        if caller.ch is ch:
            caller.detached = True
            caller.parked = caller.parked or parked
        else:  # the agent leg was redirected too: no AgentComplete at all (10)
            caller.silent = True
            self._by_channel.pop(id(ch), None)
            ch.on_hangup = None
            if caller.member is not None and not caller.released:
                caller.completed = caller.released = True
                self._member_done(caller.member)

    def transferred(self, ch: Channel, *, dest_snap: bool) -> None:
        """The caller was transferred away from the agent: AgentComplete Reason=transfer."""
        caller = self._by_channel.get(id(ch))
        if caller is None:
            return
        self.complete(caller, "transfer", caller_snap=True, dest_snap=dest_snap)
        if caller.agent_leg is not None:
            self._by_channel.pop(id(caller.agent_leg), None)
            caller.agent_leg.on_hangup = None
        self._by_channel.pop(id(ch), None)
        ch.on_hangup = None

    # ------------------------------------------------------------- listings
    def params(self, state: QueueState) -> Pairs:
        cfg = state.config
        return [
            ("Queue", cfg.name),
            ("Max", "0"),
            ("Strategy", cfg.strategy),
            ("Calls", str(len(state.callers))),
            ("Holdtime", str(state.holdtime)),
            ("TalkTime", str(state.talktime)),
            ("Completed", str(state.completed)),
            ("Abandoned", str(state.abandoned)),
            ("ServiceLevel", str(cfg.servicelevel)),
            ("ServicelevelPerf", "0.0"),
            ("ServicelevelPerf2", "0.0"),
            ("Weight", str(cfg.weight)),
        ]

    def entry(self, state: QueueState, caller: Caller, position: int) -> Pairs:
        ch = caller.ch
        return [
            ("Queue", state.config.name),
            ("Position", str(position)),
            ("Channel", ch.name),
            ("Uniqueid", ch.uniqueid),
            ("CallerIDNum", ch.cid_num),
            ("CallerIDName", ch.cid_name),
            ("ConnectedLineNum", ch.conn_num),
            ("ConnectedLineName", ch.conn_name),
            ("Wait", str(int(self.pbx.clock.monotonic() - caller.joined))),
            ("Priority", "0"),
        ]

    def summary(self, state: QueueState) -> Pairs:
        members = state.members.values()
        now = self.pbx.clock.monotonic()
        longest = max((int(now - c.joined) for c in state.callers), default=0)
        return [
            ("Queue", state.config.name),
            ("LoggedIn", str(len(state.members))),
            ("Available", str(sum(1 for m in members if not m.paused and m.status == 1))),
            ("Callers", str(len(state.callers))),
            ("HoldTime", str(state.holdtime)),
            ("TalkTime", str(state.talktime)),
            ("LongestHoldTime", str(longest)),
        ]


def member_device(interface: str) -> str:
    """`Local/101@agents/nm` -> `Local/101@agents` (the device a member's state follows)."""
    parsed = parse_local(interface)
    if parsed is None:
        return interface
    return f"Local/{parsed[0]}@{parsed[1]}"
