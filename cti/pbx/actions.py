"""AMI actions of the built-in PBX: validation, the exact Asterisk replies, the call model.

Each handler gets the session and the action and returns the frames to write: the Response
first, then list items and the `…Complete` event for list actions. Events the action causes
are held while it runs and released after its Response (Asterisk's order).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cti.ami.codec import Message
from cti.pbx.channels import SOFT_EXPLICIT, Channel, parse_local
from cti.pbx.core import ORIGINATE_REASON

if TYPE_CHECKING:
    from cti.pbx.core import DialAttempt, Pairs, Pbx

TRUE = ("true", "yes", "1", "on", "y")


@dataclass
class Reply:
    """What an action writes back; `close` ends the session after writing."""

    frames: list[Pairs] = field(default_factory=list)
    close: bool = False
    #: Asterisk ends this Response's Message with a bare LF (Park).
    raw_lf: bool = False
    #: A synchronous Originate: the Response waits for the outcome (True: answered).
    wait: asyncio.Future[bool] | None = None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE


def _head(response: str, action_id: str | None) -> Pairs:
    pairs: Pairs = [("Response", response)]
    if action_id is not None:
        pairs.append(("ActionID", action_id))
    return pairs


def ok(action_id: str | None, message: str | None = None, *extra: tuple[str, str]) -> Reply:
    pairs = _head("Success", action_id)
    if message is not None:
        pairs.append(("Message", message))
    pairs.extend(extra)
    return Reply([pairs])


def error(action_id: str | None, message: str, *extra: tuple[str, str]) -> Reply:
    return Reply([[*_head("Error", action_id), ("Message", message), *extra]])


def listing(
    action_id: str | None,
    message: str,
    complete: str,
    items: list[tuple[str, Pairs]],
    *,
    id_first: bool,
    tail: Pairs | None = None,
) -> Reply:
    """A list action: `EventList: start`, the items, then `<complete>` with `ListItems`."""
    head = [*_head("Success", action_id), ("EventList", "start"), ("Message", message)]
    frames: list[Pairs] = [head]
    aid = [("ActionID", action_id)] if action_id is not None else []
    for event, pairs in items:
        if id_first:
            frames.append([("Event", event), *aid, *pairs])
        else:
            frames.append([("Event", event), *pairs, *aid])
    frames.append(
        [
            ("Event", complete),
            *aid,
            ("EventList", "Complete"),
            ("ListItems", str(len(items))),
            *(tail or []),
        ]
    )
    return Reply(frames)


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Actions:
    """The action table of one PBX."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.table: dict[str, Callable[[Message], Reply]] = {
            name[len("do_") :].lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("do_")
        }

    def known(self, action: str) -> bool:
        return action.lower() in self.table

    @staticmethod
    def originate_result(action_id: str | None, answered: bool) -> Reply:
        """The Response of a synchronous Originate once its outcome is known (18)."""
        if answered:
            return ok(action_id, "Originate successfully queued")
        return error(action_id, "Originate failed")

    # ------------------------------------------------------------- helpers
    def _channel(self, value: str | None) -> Channel | None:
        return self.pbx.find(value) if value else None

    # ---------------------------------------------------------------- misc
    def do_Ping(self, m: Message) -> Reply:
        stamp = f"{self.pbx.clock.now().timestamp():.6f}"
        return ok(m.action_id, None, ("Ping", "Pong"), ("Timestamp", stamp))

    def do_UserEvent(self, m: Message) -> Reply:
        name = m.get("UserEvent")
        if not name:
            return error(m.action_id, "UserEvent needs a UserEvent header")
        pairs: Pairs = [("UserEvent", name)]
        for key, value in m:
            if key.lower() not in ("action", "userevent"):
                pairs.append((key, value))
        self.pbx.emit("UserEvent", "user", pairs)
        return ok(m.action_id, "Event Sent")

    def do_DBPut(self, m: Message) -> Reply:
        family, key = m.get("Family"), m.get("Key")
        if not family or not key:
            return error(m.action_id, "No family specified" if not family else "No key specified")
        self.pbx.astdb[(family, key)] = m.get("Val", "") or ""
        return ok(m.action_id, "Updated database successfully")

    def do_DBGet(self, m: Message) -> Reply:
        family, key = m.get("Family") or "", m.get("Key") or ""
        value = self.pbx.astdb.get((family, key))
        if value is None:
            return error(m.action_id, "Database entry not found")
        return listing(
            m.action_id,
            "Result will follow",
            "DBGetComplete",
            [("DBGetResponse", [("Family", family), ("Key", key), ("Val", value)])],
            id_first=False,
        )

    def do_DBDel(self, m: Message) -> Reply:
        key = (m.get("Family") or "", m.get("Key") or "")
        if self.pbx.astdb.pop(key, None) is None:
            return error(m.action_id, "Database entry not found")
        return ok(m.action_id, "Key deleted successfully")

    def do_CoreStatus(self, m: Message) -> Reply:
        now = self.pbx.clock.now()
        return ok(
            m.action_id,
            None,
            ("CoreStartupDate", now.strftime("%Y-%m-%d")),
            ("CoreStartupTime", now.strftime("%H:%M:%S")),
            ("CoreReloadDate", now.strftime("%Y-%m-%d")),
            ("CoreReloadTime", now.strftime("%H:%M:%S")),
            ("CoreCurrentCalls", str(len(self.pbx.channels))),
            ("CoreProcessedCalls", str(self.pbx._chan_seq)),
        )

    def do_CoreSettings(self, m: Message) -> Reply:
        cfg = self.pbx.config
        return ok(
            m.action_id,
            None,
            ("AMIversion", cfg.ami_version),
            ("AsteriskVersion", cfg.asterisk_version),
            ("SystemName", cfg.system_name),
            ("CoreMaxCalls", "0"),
            ("CoreMaxLoadAvg", "0.000000"),
            ("CoreRunUser", ""),
            ("CoreRunGroup", ""),
            ("CoreMaxFilehandles", "0"),
            ("CoreRealTimeEnabled", "No"),
            ("CoreCDRenabled", "No"),
            ("CoreHTTPenabled", "No"),
            ("SoundsSearchCustomDir", "No"),
        )

    def do_Command(self, m: Message) -> Reply:
        command = (m.get("Command") or "").strip()
        words = command.split()
        if words[:2] == ["queue", "show"]:
            return ok(m.action_id, "Command output follows", *self._queue_show(words[2:]))
        if command == "core show version":
            return ok(
                m.action_id,
                "Command output follows",
                ("Output", f"Asterisk {self.pbx.config.asterisk_version} (ACVD training PBX)"),
            )
        return error(
            m.action_id,
            "Command output follows",
            (
                "Output",
                f"No such command '{command}' "
                f"(type 'core show help {command}' for other possible commands)",
            ),
        )

    def _queue_show(self, names: list[str]) -> list[tuple[str, str]]:
        """`queue show [name]`, as app_queue prints it (one Output header per line)."""
        queues = self.pbx.queues
        now = self.pbx.clock.monotonic()
        epoch = self.pbx.epoch()
        lines: list[str] = []
        for state in queues.queues.values():
            cfg = state.config
            if names and cfg.name != names[0]:
                continue
            lines.append(
                f"{cfg.name} has {len(state.callers)} calls (max unlimited) in "
                f"'{cfg.strategy}' strategy ({state.holdtime}s holdtime, "
                f"{state.talktime}s talktime), W:{cfg.weight}, C:{state.completed}, "
                f"A:{state.abandoned}, SL:0.0%, SL2:0.0% within {cfg.servicelevel}s"
            )
            lines.append("   Members: " if state.members else "   No Members")
            for mem in state.members.values():
                flags = ["(ringinuse disabled)", "(dynamic)"]
                if mem.paused:
                    ago = epoch - mem.last_pause
                    flags.append(f"(paused:{mem.reason} was {ago} secs ago)")
                if mem.in_call:
                    flags.append("(in call)")
                flags.append("(In use)" if mem.status == 2 else "(Not in use)")
                taken = (
                    f"has taken {mem.calls_taken} calls"
                    if mem.calls_taken
                    else "has taken no calls yet"
                )
                login = f"(login was {epoch - mem.login_time} secs ago)"
                lines.append(
                    f"      {mem.name} ({mem.interface}) {' '.join(flags)} {taken} {login}"
                )
            lines.append("   Callers: " if state.callers else "   No Callers")
            for position, caller in enumerate(state.callers, 1):
                wait = int(now - caller.joined)
                lines.append(
                    f"      {position}. {caller.ch.name} "
                    f"(wait: {wait // 60}:{wait % 60:02d}, prio: 0)"
                )
            lines.append("")
        if not lines:
            lines.append(f"No such queue: {names[0]}.")
        lines.append("")
        return [("Output", line) for line in lines]

    # ----------------------------------------------------------- queues
    def do_QueueAdd(self, m: Message) -> Reply:
        queue, iface = m.get("Queue"), m.get("Interface")
        if not queue:
            return error(m.action_id, "'Queue' not specified.")
        if not iface:
            return error(m.action_id, "'Interface' not specified.")
        try:
            penalty = int(m.get("Penalty") or 0)
        except ValueError:
            penalty = 0
        problem = self.pbx.queues.add(
            queue,
            iface,
            m.get("MemberName") or iface,
            penalty,
            _truthy(m.get("Paused")),
            m.get("Reason") or "",
            m.get("StateInterface") or "",
        )
        if problem:
            return error(m.action_id, problem)
        return ok(m.action_id, "Added interface to queue")

    def do_QueueRemove(self, m: Message) -> Reply:
        queue, iface = m.get("Queue"), m.get("Interface")
        if not queue or not iface:
            return error(m.action_id, "Need 'Queue' and 'Interface' parameters.")
        problem = self.pbx.queues.remove(queue, iface)
        if problem:
            return error(m.action_id, problem)
        return ok(m.action_id, "Removed interface from queue")

    def do_QueuePause(self, m: Message) -> Reply:
        iface, paused = m.get("Interface"), m.get("Paused")
        if not iface or paused is None:
            return error(m.action_id, "Need 'Interface' and 'Paused' parameters.")
        flag = _truthy(paused)
        problem = self.pbx.queues.pause(iface, flag, m.get("Queue"), m.get("Reason") or "")
        if problem:
            return error(m.action_id, problem)
        return ok(m.action_id, f"Interface {'paused' if flag else 'unpaused'} successfully")

    def do_QueuePenalty(self, m: Message) -> Reply:
        iface, penalty = m.get("Interface"), m.get("Penalty")
        if not iface or penalty is None:
            return error(m.action_id, "Need 'Interface' and 'Penalty' parameters.")
        try:
            value = int(penalty)
        except ValueError:
            return error(m.action_id, "Invalid penalty")
        problem = self.pbx.queues.penalty(iface, value, m.get("Queue"))
        if problem:
            return error(m.action_id, problem)
        return ok(m.action_id, "Interface penalty set successfully")

    def do_QueueStatus(self, m: Message) -> Reply:
        queues = self.pbx.queues
        only, member = m.get("Queue"), m.get("Member")
        items: list[tuple[str, Pairs]] = []
        for state in queues.queues.values():
            if only and state.config.name != only:
                continue
            if member and member not in state.members:
                continue
            items.append(("QueueParams", queues.params(state)))
            wrap = state.config.wrapuptime
            for mem in state.members.values():
                if not member or mem.interface == member:
                    items.append(("QueueMember", mem.pairs(wrap, listing=True)))
            for position, caller in enumerate(state.callers, 1):
                items.append(("QueueEntry", queues.entry(state, caller, position)))
        return listing(
            m.action_id, "Queue status will follow", "QueueStatusComplete", items, id_first=False
        )

    def do_QueueSummary(self, m: Message) -> Reply:
        queues = self.pbx.queues
        only = m.get("Queue")
        items = [
            ("QueueSummary", queues.summary(state))
            for state in queues.queues.values()
            if not only or state.config.name == only
        ]
        return listing(
            m.action_id, "Queue summary will follow", "QueueSummaryComplete", items, id_first=False
        )

    # ----------------------------------------------------------- channels
    def do_Hangup(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "No channel specified")
        try:
            cause = int(m.get("Cause") or 0)
        except ValueError:
            cause = 0
        if cause not in (0, 16, 17, 19, 21, 26, 34):
            cause = 16
        if len(target) > 2 and target.startswith("/") and target.endswith("/"):
            return self._hangup_regex(m, target[1:-1], cause)
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, "No such channel")
        if not m.get("Cause") and ch.bridge is not None:
            cause = 16  # the bridge teardown gives a bridged channel Normal Clearing (05)
        self.hangup_channel(ch, cause)
        return ok(m.action_id, "Channel Hungup")

    def hangup_channel(self, ch: Channel, cause: int) -> None:
        """AMI Hangup of one channel, as Asterisk's `ast_softhangup` plus the cause."""
        pbx = self.pbx
        if ch.half == 2 and pbx.transfers.consulting(ch):
            # The agent hangs up during a consultation: the transfer completes (13).
            pbx.hangup(ch, cause, keep_peer=True)
            pbx.transfers.transferer_hangup(ch)
            return
        # A dialled ;1 runs no dialplan: it is torn down without a soft-hangup request (16B).
        runs = ch.in_pbx or ch.half == 2
        pbx.hangup(ch, cause, soft=SOFT_EXPLICIT if runs else None)

    def _hangup_regex(self, m: Message, pattern: str, cause: int) -> Reply:
        try:
            regex = re.compile(pattern)
        except re.error:
            return error(m.action_id, "Invalid regex")
        matched = [ch for ch in self.pbx.channels_listing() if regex.search(ch.name)]
        # Asterisk flags every match at once: a member freed by one of them is not offered
        # to a caller that is about to go too.
        queues = self.pbx.queues
        queues.frozen = True
        try:
            for ch in matched:
                if not ch.gone:
                    self.hangup_channel(ch, cause)
        finally:
            queues.frozen = False
        return listing(
            m.action_id,
            "Channels hung up will follow",
            "ChannelsHungupListComplete",
            [("ChannelHungup", [("Channel", ch.name)]) for ch in matched],
            id_first=False,
        )

    def do_Redirect(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "Channel not specified")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, f"Channel does not exist: {target}")
        context, exten = m.get("Context") or ch.context, m.get("Exten") or ""
        priority = m.get("Priority") or "1"
        extra_name = m.get("ExtraChannel")
        extra = self._channel(extra_name) if extra_name else None
        if extra_name and extra is None:
            return error(m.action_id, f"ExtraChannel does not exist: {extra_name}")
        if extra is not None:
            extra_context = m.get("ExtraContext") or context
            extra_exten = m.get("ExtraExten") or exten
            extra_priority = m.get("ExtraPriority") or priority
            # Both leave their bridge before either runs dialplan (10).
            for leg in (ch, extra):
                leg.after_bridge = None
                if leg.bridge is not None:
                    bridge = leg.bridge
                    self.pbx.bridge_leave(leg)
                    if not bridge.channels:
                        self.pbx.destroy_bridge(bridge)
            self.pbx.redirect(ch, context, exten, priority)
            self.pbx.redirect(extra, extra_context, extra_exten, extra_priority)
            return ok(m.action_id, "Dual Redirect successful")
        self.pbx.redirect(ch, context, exten, priority)
        return ok(m.action_id, "Redirect successful")

    def do_PlayDTMF(self, m: Message) -> Reply:
        target, digit = m.get("Channel"), m.get("Digit")
        if not target:
            return error(m.action_id, "No channel specified")
        if not digit:
            return error(m.action_id, "No digit specified")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, f"Channel not found: {target}")
        if ch.on_dtmf is not None:
            ch.on_dtmf(digit)
        return ok(m.action_id, "DTMF successfully queued")

    def do_Bridge(self, m: Message) -> Reply:
        first, second = self._channel(m.get("Channel1")), self._channel(m.get("Channel2"))
        if first is None:
            return error(m.action_id, f"Channel1 does not exist: {m.get('Channel1')}")
        if second is None:
            return error(m.action_id, f"Channel2 does not exist: {m.get('Channel2')}")
        pbx = self.pbx
        for ch in (first, second):
            if ch.on_hangup is not None and ch.app in ("Queue", "AppQueue"):
                pbx.queues.detached(ch)  # out of the queue's bridge (15)
            if ch.timer is not None:
                ch.timer.cancel()
                ch.timer = None
            if ch.app in ("Wait", "MusicOnHold", ""):
                ch.after_bridge = lambda c: pbx.hangup(c, 16, soft=SOFT_EXPLICIT)
        bridge = pbx.new_bridge()
        pbx.bridge_enter(bridge, first)
        pbx.stop_moh(second)
        pbx.stop_moh(first)
        pbx.bridge_enter(bridge, second)
        return ok(m.action_id, "Channels have been bridged")

    def do_BlindTransfer(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "No channel specified")
        exten = m.get("Exten")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, "No such channel")
        context = m.get("Context") or ch.context
        if not exten:
            return error(m.action_id, "No extension specified")
        if not self.pbx.transfers.blind(ch, context, exten):
            return error(m.action_id, "Transfer invalid")
        return ok(m.action_id, "Transfer succeeded")

    def do_Atxfer(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "No channel specified")
        exten = m.get("Exten")
        if not exten:
            return error(m.action_id, "No extension specified")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, "No such channel")
        self.pbx.transfers.atxfer(ch, m.get("Context") or ch.context, exten)
        return ok(m.action_id, "Atxfer successfully queued")

    def do_CancelAtxfer(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "No channel specified")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, "No such channel")
        self.pbx.transfers.cancel(ch)
        return ok(m.action_id, "CancelAtxfer successfully queued")

    def do_Park(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "Channel not specified")
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, f"Channel does not exist: {target}")
        parker = self._channel(m.get("TimeoutChannel"))
        timeout: float | None = None
        if m.get("Timeout"):
            try:
                timeout = int(m.get("Timeout") or 0) / 1000
            except ValueError:
                timeout = None
        if self.pbx.parking.park(ch, parker, timeout) is None:
            return error(m.action_id, "Park failed")
        reply = ok(m.action_id, "Park successful")
        reply.raw_lf = True
        return reply

    def do_ParkedCalls(self, m: Message) -> Reply:
        items = [("ParkedCall", pairs) for pairs in self.pbx.parking.listing()]
        return listing(
            m.action_id,
            "Parked calls will follow",
            "ParkedCallsComplete",
            items,
            id_first=False,
            tail=[("Total", str(len(items)))],
        )

    def do_Parkinglots(self, m: Message) -> Reply:
        cfg = self.pbx.config.parking
        item: Pairs = [
            ("Name", "default"),
            ("StartSpace", str(cfg.first_space)),
            ("StopSpace", str(cfg.last_space)),
            ("Timeout", str(int(cfg.parkingtime))),
        ]
        return listing(
            m.action_id,
            "Parking lots will follow",
            "ParkinglotsComplete",
            [("Parkinglot", item)],
            id_first=True,
        )

    # ------------------------------------------------------------ listings
    def do_CoreShowChannels(self, m: Message) -> Reply:
        now = self.pbx.clock.monotonic()
        items = []
        for ch in self.pbx.channels_listing():
            items.append(
                (
                    "CoreShowChannel",
                    [
                        *ch.snapshot(),
                        ("Application", ch.app),
                        ("ApplicationData", ch.app_data),
                        ("Duration", _duration(now - ch.created)),
                        ("BridgeId", ch.bridge.uniqueid if ch.bridge else ""),
                    ],
                )
            )
        return listing(
            m.action_id, "Channels will follow", "CoreShowChannelsComplete", items, id_first=True
        )

    def do_Status(self, m: Message) -> Reply:
        target = m.get("Channel")
        if target:
            ch = self._channel(target)
            if ch is None:
                return error(m.action_id, "No such channel")
            chosen = [ch]
        else:
            chosen = self.pbx.channels_in_order()
        wanted = [v.strip() for v in (m.get("Variables") or "").split(",") if v.strip()]
        now = self.pbx.clock.monotonic()
        items = []
        for ch in chosen:
            pairs = [("Privilege", "Call"), *ch.snapshot()]
            pairs += [
                ("Type", "Local"),
                ("DNID", ""),
                ("EffectiveConnectedLineNum", ch.conn_num),
                ("EffectiveConnectedLineName", ch.conn_name),
                ("TimeToHangup", "0"),
                ("BridgeID", ch.bridge.uniqueid if ch.bridge else ""),
                ("Application", ch.app),
                ("Data", ch.app_data),
                ("Nativeformats", "(slin)"),
                ("Readformat", "slin"),
                ("Readtrans", ""),
                ("Writeformat", "slin"),
                ("Writetrans", ""),
                ("Callgroup", "0"),
                ("Pickupgroup", "0"),
                ("Seconds", str(int(now - ch.created))),
            ]
            for name in wanted:
                pairs.append(("Variable", f"{name}={self._getvar(ch, name)}"))
            items.append(("Status", pairs))
        return listing(
            m.action_id,
            "Channel status will follow",
            "StatusComplete",
            items,
            id_first=False,
            tail=[("Items", str(len(items)))],
        )

    def _getvar(self, ch: Channel, name: str) -> str:
        functions = {
            "CHANNEL(linkedid)": ch.linkedid,
            "CHANNEL(uniqueid)": ch.uniqueid,
            "CHANNEL(name)": ch.name,
            "CALLERID(num)": ch.cid_num,
            "CALLERID(name)": ch.cid_name,
            "UNIQUEID": ch.uniqueid,
        }
        if name in functions:
            return functions[name]
        return ch.variables.get(name, "")

    def do_Getvar(self, m: Message) -> Reply:
        name = m.get("Variable")
        if not name:
            return error(m.action_id, "No variable specified")
        target = m.get("Channel")
        if not target:
            return ok(m.action_id, None, ("Variable", name), ("Value", ""))
        ch = self._channel(target)
        if ch is None:
            return error(m.action_id, "No such channel")
        return ok(m.action_id, None, ("Variable", name), ("Value", self._getvar(ch, name)))

    def do_Setvar(self, m: Message) -> Reply:
        name = m.get("Variable")
        if not name:
            return error(m.action_id, "No variable specified")
        ch = self._channel(m.get("Channel"))
        if m.get("Channel") and ch is None:
            return error(m.action_id, "No such channel")
        if ch is not None:
            ch.variables[name] = m.get("Value") or ""
        return ok(m.action_id, "Variable Set")

    def do_BridgeList(self, m: Message) -> Reply:
        wanted = m.get("BridgeType")
        items = [
            ("BridgeListItem", b.snapshot())
            for b in self.pbx.bridges.values()
            # Asterisk compares the filter with the technology (19).
            if not wanted or b.technology == wanted
        ]
        return listing(
            m.action_id, "Bridge listing will follow", "BridgeListComplete", items, id_first=True
        )

    def do_BridgeInfo(self, m: Message) -> Reply:
        uid = m.get("BridgeUniqueid")
        if not uid:
            return error(m.action_id, "BridgeUniqueid must be provided")
        bridge = self.pbx.bridges.get(uid)
        if bridge is None:
            return error(m.action_id, "Specified BridgeUniqueid not found")
        items = [("BridgeInfoChannel", ch.snapshot()) for ch in bridge.channels]
        return listing(
            m.action_id,
            "Bridge channel listing will follow",
            "BridgeInfoComplete",
            items,
            id_first=True,
            tail=bridge.snapshot(),
        )

    def do_DeviceStateList(self, m: Message) -> Reply:
        devices = self.pbx.devices
        items = [("DeviceStateChange", [("Device", d), ("State", s)]) for d, s in devices.items()]
        return listing(
            m.action_id,
            "Device State Changes will follow",
            "DeviceStateListComplete",
            items,
            id_first=True,
        )

    # ------------------------------------------------------------ originate
    def do_Originate(self, m: Message) -> Reply:
        target = m.get("Channel")
        if not target:
            return error(m.action_id, "Channel not specified")
        pbx = self.pbx
        is_async = _truthy(m.get("Async"))
        context = m.get("Context") or "default"
        exten = m.get("Exten") or "s"
        priority = m.get("Priority") or "1"
        try:
            timeout = int(m.get("Timeout") or 30000) / 1000
        except ValueError:
            timeout = 30.0
        num, name = _parse_callerid(m.get("CallerID") or "")
        variables: dict[str, str] = {}
        for item in m.get_all("Variable"):
            for part in item.split(","):
                key, sep, value = part.partition("=")
                if sep:
                    variables[key.strip()] = value
        outcome: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def report(response: str, reason: str, channel: str, uid: str) -> None:
            if is_async:
                pbx.emit(
                    "OriginateResponse",
                    "call",
                    [
                        *([("ActionID", m.action_id)] if m.action_id is not None else []),
                        ("Response", response),
                        ("Channel", channel),
                        ("Context", context),
                        ("Exten", exten),
                        ("Reason", reason),
                        ("Uniqueid", uid),
                        ("CallerIDNum", num or "<unknown>"),
                        ("CallerIDName", name or "<unknown>"),
                    ],
                )
            if not outcome.done():
                outcome.set_result(response == "Success")

        def answered(attempt: DialAttempt) -> None:
            one = attempt.dest
            report("Success", "4", one.name, one.uniqueid)
            pbx.dialplan.run(one, context, exten, priority)

        def failed(attempt: DialAttempt, status: str) -> None:
            if status == "NOANSWER":
                # The originate timer hangs the attempt up with cause 19 (18).
                attempt.done = True
                attempt.dest.dial = None
                report("Failure", "3", target, "<unknown>")
                pbx.hangup(attempt.dest, 19, soft=None)
                return
            if status in ("BUSY", "CONGESTION"):
                pbx.fail_dial(attempt, status)
            report("Failure", ORIGINATE_REASON.get(status, "0"), target, "<unknown>")

        if parse_local(target) is None:
            if is_async:
                report("Failure", "0", target, "<unknown>")
                return ok(m.action_id, "Originate successfully queued")
            return error(m.action_id, "Originate failed")
        attempt = pbx.dial(
            None,
            target,
            on_answer=answered,
            on_fail=failed,
            timeout=timeout,
            uid1=m.get("ChannelId"),
            uid2=m.get("OtherChannelId"),
            callerid=(num, name) if num or name else None,
            variables=variables,
            dialstring=target.removeprefix("Local/"),
        )
        if attempt is None and not outcome.done():
            report("Failure", "0", target, "<unknown>")
        if is_async:
            return ok(m.action_id, "Originate successfully queued")
        return Reply(wait=outcome)


def _parse_callerid(text: str) -> tuple[str, str]:
    """`"Name" <number>` -> (number, name)."""
    match = re.match(r'\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$', text)
    if match:
        return match.group(2).strip(), match.group(1).strip()
    return text.strip(), ""
