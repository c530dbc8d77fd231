"""The agent's call model: the telephony façade the workstation drives (C2.1, C2.2).

Operations are the recipes of the AMI reference (tests/cti/transcripts, README of the
reference), valid on a real Asterisk 22 and on the built-in PBX alike. The state is fed only by
events, never by action responses (a Response says the action was accepted, not that the call
changed): `Linkedid` is the call id, `Uniqueid` the channel id. The agent is recognised by the
queue member `Interface` (`Local/<ext>@agents/nm`) and by its channel name prefix, never by
CallerID: the agent's leg carries the customer's number.

A call placed straight to the agent's extension (`internal` `_1XX`: `Dial(Local/<ext>@agents/nm)`,
the dialer-style call of 18) has no queue and no Agent* event: it rings on the `DialBegin` whose
`DestChannel` is the agent's `Local/<ext>@agents-N;1` and whose caller is an outside leg
(`PSTN_LEG`), is answered on `DialEnd ANSWER` for that leg, and is then handled like a queue call.

Domain events (frozen, stamped with the clock's monotonic time) go to subscribers; the
workstation journals them. Conversation lines travel as `UserEvent: AcvdLine` tied to the call
by its Linkedid, so a customer can be played by a program or by a person in another terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from gettext import gettext as _

from cti.ami.client import AmiClient, ConnectionState
from cti.ami.codec import Message
from cti.ami.errors import AlreadyInQueue, AmiError, NotInQueue
from cti.ami.events import (
    AgentEvent,
    AttendedTransfer,
    BlindTransfer,
    BridgeEvent,
    ChannelEvent,
    DialEvent,
    Hangup,
    MusicOnHold,
    OriginateResponse,
    QueueCallerEvent,
    QueueMemberEvent,
    UserEvent,
    parse_event,
)
from cti.clock import Clock

log = logging.getLogger("cti.agent")

#: Pause reason of after-call work (the README's wrap-up recipe: pause, then unpause).
WRAP_UP_REASON = "Après-appel"
#: UserEvent sub-name of a conversation line.
LINE_EVENT = "AcvdLine"
#: Channel events the call model follows, for the agent's own call only (by Linkedid).
CALL_EVENTS = (
    "Newchannel",
    "DialBegin",
    "DialEnd",
    "BridgeEnter",
    "MusicOnHoldStart",
    "MusicOnHoldStop",
    "Hold",
    "Unhold",
    "Hangup",
    "SoftHangupRequest",
)
#: Numbers the `[outbound]` context dials (French national format).
OUTBOUND_NUMBER = re.compile(r"^0\d{9}$")
#: A caller from outside (cti.customer.CUSTOMER_LEG): the trainer's customer
#: (`pstn-customer`) or an external number (`pstn`, 18), always the half `;1` that dials.
#: A call from another agent comes from `Local/<ext>@internal-N;2` (Atxfer, 13) or
#: `Local/<ext>@agent-phone-N;1` (manual consultation, 15) and does not match.
PSTN_LEG = re.compile(r"^Local/\d+@(pstn|pstn-customer)-[0-9a-f]+;1$")


class AgentError(AmiError):
    """An operation that makes no sense in the agent's current state."""


class AgentState(enum.Enum):
    """What the agent is doing, as the workstation shows it."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    PAUSED = "paused"
    RINGING = "ringing"
    TALKING = "talking"
    ON_HOLD = "on_hold"
    CONSULTING = "consulting"
    WRAP_UP = "wrap_up"

    @property
    def label(self) -> str:
        """The French label."""
        return {
            AgentState.LOGGED_OUT: _("Déconnecté"),
            AgentState.READY: _("Disponible"),
            AgentState.PAUSED: _("En pause"),
            AgentState.RINGING: _("Sonnerie"),
            AgentState.TALKING: _("En communication"),
            AgentState.ON_HOLD: _("Appel en attente"),
            AgentState.CONSULTING: _("Consultation"),
            AgentState.WRAP_UP: _("Après-appel"),
        }[self]


class DialOutcome(enum.Enum):
    """How a click-to-dial call ended up (DialEnd `DialStatus` or OriginateResponse `Reason`)."""

    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        """The French label."""
        return {
            DialOutcome.ANSWERED: _("Décroché"),
            DialOutcome.BUSY: _("Occupé"),
            DialOutcome.NO_ANSWER: _("Pas de réponse"),
            DialOutcome.CONGESTION: _("Réseau encombré"),
            DialOutcome.INVALID: _("Numéro invalide"),
        }[self]


#: DialEnd DialStatus -> outcome (17). Other statuses (CHANUNAVAIL…) count as invalid.
DIAL_STATUS = {
    "ANSWER": DialOutcome.ANSWERED,
    "BUSY": DialOutcome.BUSY,
    "NOANSWER": DialOutcome.NO_ANSWER,
    "CANCEL": DialOutcome.NO_ANSWER,
    "CONGESTION": DialOutcome.CONGESTION,
}
#: OriginateResponse Reason -> outcome (18): 4 answered, 5 busy, 8 congestion, 3 no answer.
ORIGINATE_REASON = {
    4: DialOutcome.ANSWERED,
    5: DialOutcome.BUSY,
    8: DialOutcome.CONGESTION,
    3: DialOutcome.NO_ANSWER,
    1: DialOutcome.NO_ANSWER,
}


def outcome_from_reason(reason: int) -> DialOutcome:
    """The outcome of an OriginateResponse `Reason` code (0 and unknown codes: invalid)."""
    return ORIGINATE_REASON.get(reason, DialOutcome.INVALID)


# --- domain events --------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to the agent; `at` is the clock's monotonic time."""

    at: float


@dataclass(frozen=True)
class StateChanged(DomainEvent):
    """The agent's state changed (the workstation's status line)."""

    state: AgentState
    previous: AgentState
    call_id: str = ""


@dataclass(frozen=True)
class QueueMembership(DomainEvent):
    """The agent joined (`logged_in`) or left a queue (C2.1)."""

    queue: str
    logged_in: bool


@dataclass(frozen=True)
class PauseChanged(DomainEvent):
    """The agent was paused with a reason, or became available."""

    paused: bool
    reason: str


@dataclass(frozen=True)
class CallRinging(DomainEvent):
    """A call for the agent rings (inbound) or is being placed (outbound)."""

    call_id: str
    direction: str  # "inbound" | "outbound"
    queue: str
    number: str
    name: str


@dataclass(frozen=True)
class CallConnected(DomainEvent):
    """The agent and the other party are talking."""

    call_id: str


@dataclass(frozen=True)
class CallBridged(DomainEvent):
    """The agent's leg entered the bridge of the call."""

    call_id: str
    bridge: str  # BridgeUniqueid


@dataclass(frozen=True)
class CallHeld(DomainEvent):
    """The other party was put on hold (`held`) or taken back."""

    call_id: str
    held: bool


@dataclass(frozen=True)
class ConsultationChanged(DomainEvent):
    """A consultation with `target` started (`active`) or ended."""

    call_id: str
    target: str
    active: bool


@dataclass(frozen=True)
class CallTransferred(DomainEvent):
    """The call went to `target`, blind or after a consultation."""

    call_id: str
    kind: str  # "blind" | "attended"
    target: str


@dataclass(frozen=True)
class CallMissed(DomainEvent):
    """A ringing call did not reach the agent (no answer, rejected, caller gave up)."""

    call_id: str
    reason: str  # "no_answer" | "rejected" | "abandoned"


@dataclass(frozen=True)
class CallEnded(DomainEvent):
    """A connected call ended; `by` says who ended it ('lost' when the PBX dropped it)."""

    call_id: str
    by: str  # "agent" | "customer" | "transfer" | "lost"
    cause: int
    cause_txt: str
    duration: float


@dataclass(frozen=True)
class DialResult(DomainEvent):
    """The outcome of a click-to-dial call."""

    call_id: str
    number: str
    outcome: DialOutcome


@dataclass(frozen=True)
class ConversationLine(DomainEvent):
    """One line of the conversation (UserEvent `AcvdLine`) on the agent's call."""

    call_id: str
    speaker: str  # "agent" | "customer" | another role
    text: str


@dataclass(frozen=True)
class LinkChanged(DomainEvent):
    """The AMI connection's state changed."""

    state: ConnectionState


DomainListener = Callable[[DomainEvent], None]


# --- identity and calls ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgentIdentity:
    """An agent's handset extension (`101`) and the names it goes by on the PBX."""

    extension: str
    name: str = ""

    @property
    def member_name(self) -> str:
        """The queue MemberName (`Agent 101` unless a name is given)."""
        return self.name or f"Agent {self.extension}"

    @property
    def interface(self) -> str:
        """The queue member interface (`Local/101@agents/nm`)."""
        return f"Local/{self.extension}@agents/nm"

    @property
    def prefixes(self) -> tuple[str, str]:
        """Channel name prefixes of the agent's queue legs and click-to-dial legs."""
        return (f"Local/{self.extension}@agents-", f"Local/{self.extension}@agent-phone-")

    def owns(self, channel: str) -> bool:
        """True when `channel` is one of this agent's Local legs."""
        return channel.startswith(self.prefixes)


def handset_of(leg: str) -> str:
    """The `;2` handset half of a Local `;1` leg (same name, final `1` changed to `2`)."""
    return leg[:-1] + "2" if leg.endswith(";1") else leg


@dataclass
class Call:
    """One call of the agent. `call_id` is the Linkedid."""

    call_id: str
    direction: str
    started: float
    queue: str = ""
    number: str = ""
    name: str = ""
    customer: str = ""  # customer leg (queue caller, or the external leg of a click-to-dial)
    leg: str = ""  # agent leg in the bridge (`;1`)
    leg_uniqueid: str = ""
    connected: bool = False
    bridged: bool = False  # the agent leg has entered a bridge (transfers need it)
    held: bool = False
    consult_target: str = ""
    consulting: bool = False
    ending_by: str = ""
    customer_gone: bool = False
    dial_number: str = ""
    action_id: str = ""
    outcome: asyncio.Future[DialOutcome] | None = field(default=None, repr=False)

    @property
    def handset(self) -> str:
        """The agent's handset (`;2`): answer, hold and hang-up go there."""
        return handset_of(self.leg)


class Agent:
    """One agent's telephony: operations (recipes) and the event-fed state machine."""

    #: Seconds for the agent leg to enter the customer's bridge after the answer.
    BRIDGE_TIMEOUT = 2.0
    #: Seconds for Atxfer's `Hold` to show up (it came about 260 ms after the Response in 13).
    CONSULT_START_TIMEOUT = 5.0

    def __init__(
        self,
        client: AmiClient,
        clock: Clock,
        identity: AgentIdentity,
        *,
        transfer_context: str = "internal",
        wrap_up: bool = True,
        dial_timeout: float = 45.0,
    ) -> None:
        self.client = client
        self.clock = clock
        self.identity = identity
        self.transfer_context = transfer_context
        self.wrap_up_enabled = wrap_up
        self.dial_timeout = dial_timeout
        self.state = AgentState.LOGGED_OUT
        self.queues: set[str] = set()
        self.paused = False
        self.pause_reason = ""
        self.call: Call | None = None
        #: The last call that ended (its CallEnded), for whoever needs to know how.
        self.last_ended: CallEnded | None = None
        self._listeners: list[DomainListener] = []
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._task: asyncio.Future[None] | None = None
        self._unsubscribe = [
            client.subscribe(
                self._on_event,
                "QueueMemberAdded",
                "QueueMemberRemoved",
                "QueueMemberPause",
                "AgentCalled",
                "AgentConnect",
                "AgentRingNoAnswer",
                "QueueCallerAbandon",
                "BlindTransfer",
                "AttendedTransfer",
                "OriginateResponse",
                "UserEvent",
            ),
            # The bulk of a PBX's traffic: taken raw, parsed only when it is the agent's call.
            client.subscribe(self._on_call_event, *CALL_EVENTS, raw=True),
            client.on_state(self._on_link),
        ]
        client.add_resync_hook(self.resync)

    # --- subscribers and waiting ------------------------------------------------------------

    def subscribe(self, listener: DomainListener) -> Callable[[], None]:
        """Call `listener(event)` for each domain event. Returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: DomainEvent) -> None:
        if isinstance(event, CallEnded):
            self.last_ended = event
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("agent listener failed")
        for predicate, future in list(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)

    def _now(self) -> float:
        return self.clock.monotonic()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait until `predicate()` holds (checked after each domain event), or AgentError."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)

        def expire() -> None:
            if not future.done():
                future.set_exception(
                    AgentError(
                        _("Le PBX n'a pas confirmé « {what} » en {seconds:g} s.").format(
                            what=what, seconds=timeout
                        )
                    )
                )

        timer = self.clock.call_later(timeout, expire)
        try:
            await future
        finally:
            timer.cancel()
            self._waiters.remove(entry)

    async def wait_for_state(self, state: AgentState, timeout: float = 10.0) -> None:
        """Wait until the agent is in `state`."""
        await self.wait_until(lambda: self.state is state, timeout, state.label)

    def _set_state(self, state: AgentState) -> None:
        if state is self.state:
            return
        previous, self.state = self.state, state
        call_id = self.call.call_id if self.call else ""
        self._emit(StateChanged(self._now(), state, previous, call_id))

    def _idle_state(self) -> AgentState:
        if not self.queues:
            return AgentState.LOGGED_OUT
        return AgentState.PAUSED if self.paused else AgentState.READY

    def _require_call(self, *states: AgentState) -> Call:
        call = self.call
        if call is None or (states and self.state not in states):
            raise AgentError(
                _(
                    "Action impossible : aucun appel dans l'état voulu (état actuel : {state})."
                ).format(state=self.state.label)
            )
        return call

    # --- queue membership and pauses (C2.1) ------------------------------------------------

    async def login(self, queues: list[str], *, paused: bool = False, reason: str = "") -> None:
        """Join `queues` (one QueueAdd each); an agent already in a queue stays in it."""
        if not queues:
            raise AgentError(_("Choisissez au moins une file d'attente."))
        for queue in queues:
            headers = [
                ("Queue", queue),
                ("Interface", self.identity.interface),
                ("MemberName", self.identity.member_name),
                ("Penalty", "0"),
                ("Paused", "true" if paused else "false"),
            ]
            if paused and reason:
                headers.append(("Reason", reason))
            with contextlib.suppress(AlreadyInQueue):
                await self.client.action("QueueAdd", headers)

    async def logout(self) -> None:
        """Leave every queue the agent is in (one QueueRemove each)."""
        for queue in sorted(self.queues):
            with contextlib.suppress(NotInQueue):
                await self.client.action(
                    "QueueRemove", [("Queue", queue), ("Interface", self.identity.interface)]
                )

    async def pause(self, reason: str) -> None:
        """Pause in every queue with a reason (QueuePause without Queue)."""
        await self.client.action(
            "QueuePause",
            [("Interface", self.identity.interface), ("Paused", "true"), ("Reason", reason)],
        )

    async def ready(self) -> None:
        """Become available again (end of a pause or of after-call work)."""
        if self._task is not None and not self._task.done():
            # The after-call pause has not been written yet (a task writes before its first
            # await): drop it, or it would land after this unpause and pause the agent again.
            self._task.cancel()
        await self.client.action(
            "QueuePause", [("Interface", self.identity.interface), ("Paused", "false")]
        )
        if self.state is AgentState.WRAP_UP and self.call is None:
            self.paused = False
            self._set_state(self._idle_state())

    # --- call control (C2.2) ----------------------------------------------------------------

    async def answer(self) -> None:
        """Pick up the ringing call: Redirect the handset `;2` to `agent-answer` (03)."""
        call = self._require_call(AgentState.RINGING)
        if call.direction != "inbound":
            raise AgentError(_("Cet appel sortant n'a pas à être décroché."))
        await self.client.action(
            "Redirect",
            [
                ("Channel", call.handset),
                ("Context", "agent-answer"),
                ("Exten", self.identity.extension),
                ("Priority", "1"),
            ],
        )

    async def reject(self) -> None:
        """Refuse the ringing call: Hangup of the handset with cause 21 (16A)."""
        call = self._require_call(AgentState.RINGING)
        await self.client.action("Hangup", [("Channel", call.handset), ("Cause", "21")])

    async def hold(self) -> None:
        """Put the customer on hold like a phone's HOLD key (08).

        Device hold (Redirect of the handset to `agent-hold`) keeps the bridge and the queue
        call intact, works on a real Asterisk and on the built-in PBX, and answers in under
        1 ms; Park hangs the agent up (09) and Redirect+Bridge loses AgentComplete (10).
        """
        call = self._require_call(AgentState.TALKING)
        await self._redirect_handset(call, "agent-hold", "1")

    async def retrieve(self) -> None:
        """Take the customer back: Redirect the handset to `agent-answer`, label `talk` (08)."""
        call = self._require_call(AgentState.ON_HOLD)
        await self._redirect_handset(call, "agent-answer", "talk")

    async def _redirect_handset(self, call: Call, context: str, priority: str) -> None:
        await self.client.action(
            "Redirect",
            [
                ("Channel", call.handset),
                ("Context", context),
                ("Exten", self.identity.extension),
                ("Priority", priority),
            ],
        )

    async def blind_transfer(self, extension: str) -> None:
        """Transfer the customer to `extension` without talking first: BlindTransfer (11)."""
        call = self._require_call(AgentState.TALKING, AgentState.ON_HOLD)
        self._check_extension(extension)
        await self._bridged(call)
        await self.client.action(
            "BlindTransfer",
            [("Channel", call.leg), ("Context", self.transfer_context), ("Exten", extension)],
        )

    async def consult(self, extension: str) -> None:
        """Start a consultative transfer to `extension`: Atxfer from the agent leg (13).

        Atxfer is the README's recommendation: the shipped features.conf has `atxfer = *2`
        and no announce prompt, and the queue gives the transfer right (`t`). Its Response only
        means the DTMF was queued; the state turns CONSULTING on the `Hold` event that follows.
        """
        call = self._require_call(AgentState.TALKING)
        self._check_extension(extension)
        await self._bridged(call)
        call.consult_target = extension
        await self.client.action(
            "Atxfer",
            [("Channel", call.leg), ("Context", self.transfer_context), ("Exten", extension)],
        )

        def give_up() -> None:
            # Without the transfer right Asterisk accepts Atxfer and does nothing (14): forget
            # the target so that the hold events of this call are read as hold again.
            if self.call is call and not call.consulting:
                call.consult_target = ""

        self.clock.call_later(self.CONSULT_START_TIMEOUT, give_up)

    async def complete_transfer(self) -> None:
        """Complete the consultative transfer by hanging up the agent handset (13)."""
        call = self._require_call(AgentState.CONSULTING)
        call.ending_by = "transfer"
        await self.client.action("Hangup", [("Channel", call.handset), ("Cause", "16")])

    async def cancel_consultation(self) -> None:
        """Abort the consultation and go back to the customer: CancelAtxfer (14)."""
        call = self._require_call(AgentState.CONSULTING)
        await self.client.action("CancelAtxfer", [("Channel", call.leg)])

    async def hangup(self) -> None:
        """Hang up: Hangup of the handset `;2` with cause 16 (AgentComplete Reason=agent)."""
        call = self._require_call(
            AgentState.TALKING, AgentState.ON_HOLD, AgentState.CONSULTING, AgentState.RINGING
        )
        if not call.ending_by:
            call.ending_by = "agent"
        await self.client.action("Hangup", [("Channel", call.handset), ("Cause", "16")])

    async def dial(self, number: str) -> DialOutcome:
        """Click-to-dial, agent first (17): the agent's phone, then `number`. Returns the outcome.

        The agent leg's Uniqueid is set with ChannelId, so the call id is known before any
        event. The outcome comes from DialEnd on that leg, or from OriginateResponse when the
        agent's own leg fails (Reason codes of 18).
        """
        number = number.replace(" ", "").replace(".", "")
        if self.call is not None:
            raise AgentError(_("Terminez l'appel en cours avant d'en lancer un autre."))
        if not OUTBOUND_NUMBER.match(number):
            self._emit(DialResult(self._now(), "", number, DialOutcome.INVALID))
            return DialOutcome.INVALID
        # Unique across sessions too: a Uniqueid still in use on the PBX would refuse the call.
        channel_id = f"acvd-{self.identity.extension}-{secrets.token_hex(4)}"
        call = self.track_outbound(channel_id, self.client.next_action_id(), number)
        assert call.outcome is not None
        ext = self.identity.extension
        try:
            await self.client.action(
                "Originate",
                [
                    ("Channel", f"Local/{ext}@agent-phone/nm"),
                    ("Context", "outbound"),
                    ("Exten", number),
                    ("Priority", "1"),
                    ("CallerID", f'"{self.identity.member_name}" <{ext}>'),
                    ("Timeout", "30000"),
                    ("Async", "true"),
                    ("ChannelId", channel_id),
                    ("OtherChannelId", f"{channel_id}-h"),
                ],
                action_id=call.action_id,
            )
        except AmiError:
            self.call = None
            self._set_state(self._idle_state())
            raise
        expiry = self.clock.call_later(
            self.dial_timeout, lambda: self._settle_outcome(call, DialOutcome.NO_ANSWER)
        )
        try:
            return await call.outcome
        finally:
            expiry.cancel()

    def track_outbound(self, channel_id: str, action_id: str, number: str) -> Call:
        """Follow a click-to-dial call originated with `ChannelId=channel_id` (the Uniqueid of
        the agent's leg, hence the call id) by the Originate whose ActionID is `action_id`."""
        call = Call(channel_id, "outbound", self._now(), number=number, dial_number=number)
        call.leg_uniqueid = channel_id
        call.action_id = action_id
        call.outcome = asyncio.get_running_loop().create_future()
        self.call = call
        self._set_state(AgentState.RINGING)
        self._emit(CallRinging(self._now(), channel_id, "outbound", "", number, ""))
        return call

    async def _bridged(self, call: Call) -> None:
        # AgentConnect comes just before the bridge is built (03): a transfer sent in between
        # would be refused (`Transfer invalid`), so wait for the agent leg's BridgeEnter.
        await self.wait_until(lambda: call.bridged, self.BRIDGE_TIMEOUT, _("mise en relation"))

    def _check_extension(self, extension: str) -> None:
        if not extension.isdigit():
            raise AgentError(
                _("Poste de destination invalide : « {ext} » (chiffres attendus).").format(
                    ext=extension
                )
            )

    # --- conversation lines -----------------------------------------------------------------

    async def say(self, text: str) -> None:
        """Send one line of the agent's words, tied to the current call."""
        call = self._require_call()
        await send_line(self.client, call.call_id, "agent", text)

    # --- events -> state --------------------------------------------------------------------

    def _on_link(self, state: ConnectionState) -> None:
        self._emit(LinkChanged(self._now(), state))

    def _on_call_event(self, message: Message) -> None:
        # Every channel of a call, consultation and transfer legs included, carries its
        # Linkedid (the call id): other calls are dropped before any parsing.
        call = self.call
        if call is not None and message.get("Linkedid") == call.call_id:
            event = parse_event(message)
            if event is not None:
                self._on_event(event)
        elif (
            call is None
            and message.event == "DialBegin"
            and (message.get("DestChannel") or "").startswith(self.identity.prefixes[0])
        ):
            event = parse_event(message)
            if isinstance(event, DialEvent):
                self._direct_call(event)

    def _direct_call(self, event: DialEvent) -> None:
        """A call dialled straight to the agent's handset, outside any queue (18): it rings.

        Only an outside caller rings the workstation (the trainer's customer, an external
        number, a customer blind-transferred here by a colleague). A colleague's consultation
        (Atxfer or a manual one) is left alone as before: the handset rings unanswered and the
        colleague's own consultation ends on its no-answer timeout (14).
        """
        if not PSTN_LEG.match(event.channel) or not event.dest_channel.endswith(";1"):
            return
        # The caller's own snapshot carries its number and name: the agent leg of a Dial()
        # carries the dialled extension instead (`DestCallerIDNum: 101`, 18).
        self._ring(event, queue="")

    def _ring(self, event: DialEvent | AgentEvent, queue: str) -> None:
        """An inbound call rings the handset: from a queue (AgentCalled) or dialled (18)."""
        self.call = Call(
            event.linkedid,
            "inbound",
            self._now(),
            queue=queue,
            number=event.caller_id_num,
            name=event.caller_id_name,
            customer=event.channel,
            leg=event.dest_channel,
            leg_uniqueid=event.dest_uniqueid,
        )
        self._set_state(AgentState.RINGING)
        self._emit(
            CallRinging(
                self._now(), event.linkedid, "inbound", queue, event.caller_id_num,
                event.caller_id_name,
            )
        )  # fmt: skip

    def _on_event(self, event: object) -> None:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is not None:
            handler(event)

    def _on_QueueMemberEvent(self, event: QueueMemberEvent) -> None:
        if event.interface != self.identity.interface:
            return
        if event.name == "QueueMemberAdded":
            if event.queue not in self.queues:
                self.queues.add(event.queue)
                self._emit(QueueMembership(self._now(), event.queue, True))
            self._apply_pause(event.is_paused, event.paused_reason)
        elif event.name == "QueueMemberRemoved":
            if event.queue in self.queues:
                self.queues.discard(event.queue)
                self._emit(QueueMembership(self._now(), event.queue, False))
        else:
            self._apply_pause(event.is_paused, event.paused_reason)
        if self.call is not None:
            return
        if self.state is not AgentState.WRAP_UP:
            self._set_state(self._idle_state())
        elif not self.queues:
            self._set_state(AgentState.LOGGED_OUT)
        elif event.name == "QueueMemberPause" and not (
            self.paused and self.pause_reason == WRAP_UP_REASON
        ):
            # After-call work ends with another pause (lunch…) or an unpause from anywhere.
            self._set_state(self._idle_state())

    def _apply_pause(self, paused: bool, reason: str) -> None:
        if (paused, reason) != (self.paused, self.pause_reason):
            self.paused, self.pause_reason = paused, reason
            self._emit(PauseChanged(self._now(), paused, reason))

    def _on_AgentEvent(self, event: AgentEvent) -> None:
        if event.interface != self.identity.interface:
            return
        call = self.call
        if event.name == "AgentCalled":
            if call is not None and call.call_id != event.linkedid:
                return  # already busy with another call (ringinuse=no prevents this)
            self._ring(event, event.queue)
        elif call is None or call.leg != event.dest_channel:
            return
        elif event.name == "AgentConnect":
            self._connected(call)
        elif event.name == "AgentRingNoAnswer" and not call.connected:
            self._missed(call, "no_answer")

    def _connected(self, call: Call) -> None:
        if call.connected:
            return
        call.connected = True
        self._set_state(AgentState.TALKING)
        self._emit(CallConnected(self._now(), call.call_id))

    def _missed(self, call: Call, reason: str) -> None:
        self.call = None
        self._emit(CallMissed(self._now(), call.call_id, reason))
        # A direct call can ring during after-call work (paused with its reason): back to it.
        in_wrap_up = bool(self.queues) and self.paused and self.pause_reason == WRAP_UP_REASON
        self._set_state(AgentState.WRAP_UP if in_wrap_up else self._idle_state())

    def _on_QueueCallerEvent(self, event: QueueCallerEvent) -> None:
        call = self.call
        if (
            event.name == "QueueCallerAbandon"
            and call is not None
            and not call.connected
            and call.call_id == event.linkedid
        ):
            self._missed(call, "abandoned")

    def _on_ChannelEvent(self, event: ChannelEvent) -> None:
        call = self.call
        if call is None:
            return
        if event.name == "Newchannel":
            if call.direction == "outbound" and event.uniqueid == call.leg_uniqueid:
                call.leg = event.channel
            return
        if event.channel != call.leg:
            return
        # Hold/Unhold on the agent leg: raised by Atxfer (13, 14) and by SIP phones.
        if event.name == "Hold":
            if call.consult_target and not call.consulting:
                call.consulting = True
                self._set_state(AgentState.CONSULTING)
                self._emit(
                    ConsultationChanged(self._now(), call.call_id, call.consult_target, True)
                )
            elif not call.consulting:
                self._held(call, True)
        elif event.name == "Unhold":
            if call.consulting:
                call.consulting = False
                target, call.consult_target = call.consult_target, ""
                self._emit(ConsultationChanged(self._now(), call.call_id, target, False))
                self._set_state(AgentState.ON_HOLD if call.held else AgentState.TALKING)
            else:
                self._held(call, False)

    def _held(self, call: Call, held: bool) -> None:
        if call.held == held or not call.connected:
            return
        call.held = held
        self._emit(CallHeld(self._now(), call.call_id, held))
        if not call.consulting:
            self._set_state(AgentState.ON_HOLD if held else AgentState.TALKING)

    def _on_MusicOnHold(self, event: MusicOnHold) -> None:
        call = self.call
        # Device hold shows only as music on the customer's channel (08).
        if call is None or event.channel != call.customer or call.consulting or call.consult_target:
            return
        self._held(call, event.name == "MusicOnHoldStart")

    def _on_DialEvent(self, event: DialEvent) -> None:
        call = self.call
        if call is None:
            return
        if call.direction == "inbound":
            # A direct call (no queue, no AgentConnect): the Dial() of our leg tells (18).
            if call.queue or event.name != "DialEnd" or event.dest_channel != call.leg:
                return
            if event.dial_status == "ANSWER":
                self._connected(call)
            elif not call.connected:
                # CANCEL: the caller hung up while ringing; NOANSWER: Dial's timeout.
                self._missed(call, "abandoned" if event.dial_status == "CANCEL" else "no_answer")
            return
        if call.direction != "outbound":
            return
        if event.uniqueid != call.leg_uniqueid and (not call.leg or event.channel != call.leg):
            return
        if event.name == "DialBegin":
            call.leg = call.leg or event.channel
            call.customer = event.dest_channel
            return
        outcome = DIAL_STATUS.get(event.dial_status, DialOutcome.INVALID)
        self._settle_outcome(call, outcome)
        if outcome is DialOutcome.ANSWERED:
            self._connected(call)

    def _on_OriginateResponse(self, event: OriginateResponse) -> None:
        call = self.call
        if call is None or call.direction != "outbound" or call.outcome is None:
            return
        if event.action_id != call.action_id:
            return
        if event.response != "Success":
            self._settle_outcome(call, outcome_from_reason(event.reason_code))
            self.call = None
            self._set_state(self._idle_state())

    def _settle_outcome(self, call: Call, outcome: DialOutcome) -> None:
        if call.outcome is not None and not call.outcome.done():
            call.outcome.set_result(outcome)
            self._emit(DialResult(self._now(), call.call_id, call.dial_number, outcome))

    def _on_BridgeEvent(self, event: BridgeEvent) -> None:
        call = self.call
        if call is None or event.name != "BridgeEnter" or event.channel != call.leg:
            return
        if not call.bridged:
            call.bridged = True
            self._emit(CallBridged(self._now(), call.call_id, event.bridge_uniqueid))
        # Two channels in the agent's bridge: connected (inbound; outbound has DialEnd).
        if event.bridge_num_channels == "2" and call.direction == "inbound":
            self._connected(call)

    def _on_BlindTransfer(self, event: BlindTransfer) -> None:
        call = self.call
        if call is not None and event.result == "Success" and event.transferer_channel == call.leg:
            call.ending_by = "transfer"
            self._emit(CallTransferred(self._now(), call.call_id, "blind", event.extension))

    def _on_AttendedTransfer(self, event: AttendedTransfer) -> None:
        call = self.call
        if (
            call is not None
            and event.result == "Success"
            and call.leg in (event.orig_transferer_channel, event.second_transferer_channel)
        ):
            call.ending_by = "transfer"
            call.consulting = False
            self._emit(CallTransferred(self._now(), call.call_id, "attended", call.consult_target))

    def _on_Hangup(self, event: Hangup) -> None:
        call = self.call
        if call is None:
            return
        if event.name == "SoftHangupRequest":
            # Cause is a bitmask here; 4 = the PBX is shutting down (20): the call is lost.
            if event.cause_code & 4 and event.linkedid == call.call_id:
                call.ending_by = "lost"
            return
        if event.name != "Hangup":
            return
        if event.channel in (call.customer, handset_of(call.customer)):
            call.customer_gone = True
            return
        if event.channel not in (call.leg, call.handset) or not call.leg:
            return
        # A connected call ends with its bridged leg `;1`: the handset `;2` we hang up goes
        # first, and an attended transfer completes only after it (13).
        if call.connected and event.channel != call.leg:
            return
        if not call.connected:
            if call.direction == "outbound":
                self._settle_outcome(call, DialOutcome.INVALID)
                self.call = None
                self._set_state(self._idle_state())
            else:
                self._missed(call, "rejected" if event.cause_code == 21 else "no_answer")
            return
        self.call = None
        # Without a known cause (agent, transfer, shutdown) the other side ended the call.
        by = call.ending_by or "customer"
        self._emit(
            CallEnded(
                self._now(),
                call.call_id,
                by,
                event.cause_code,
                event.cause_txt,
                self._now() - call.started,
            )
        )
        self._after_call(by)

    def _after_call(self, by: str) -> None:
        if self.queues and self.wrap_up_enabled and by != "lost":
            self._set_state(AgentState.WRAP_UP)
            self._spawn_pause_for_wrap_up()
        else:
            self._set_state(self._idle_state())

    def _spawn_pause_for_wrap_up(self) -> None:
        async def pause() -> None:
            try:
                await self.pause(WRAP_UP_REASON)
            except AmiError as error:
                log.warning("after-call pause failed: %s", error)

        self._task = asyncio.ensure_future(pause())  # keep a reference until it is done

    def _on_UserEvent(self, event: UserEvent) -> None:
        if event.user_event != LINE_EVENT:
            return
        call_id = event.message.get("Linkedid") or ""
        if self.call is None or call_id != self.call.call_id:
            return
        self._emit(
            ConversationLine(
                self._now(),
                call_id,
                event.message.get("Speaker") or "",
                event.message.get("Text") or "",
            )
        )

    # --- resync after a reconnection ----------------------------------------------------------

    async def resync(self) -> None:
        """After a reconnection: re-add queue membership, rebuild the call, report a lost one.

        An Asterisk restart forgets dynamic members (`persistentmembers = no`) and every call.
        """
        queues, paused, reason = set(self.queues), self.paused, self.pause_reason
        self.queues.clear()
        if queues:
            await self.login(sorted(queues), paused=paused, reason=reason)
        try:
            listing = await self.client.list_action("CoreShowChannels")
        except AmiError as error:
            log.warning("resync: CoreShowChannels failed: %s", error)
            return
        channels = {item.get("Channel") for item in listing.items}
        call = self.call
        if call is not None and call.leg not in channels:
            self.call = None
            self._emit(
                CallEnded(self._now(), call.call_id, "lost", 0, "", self._now() - call.started)
            )
            if call.outcome is not None and not call.outcome.done():
                self._settle_outcome(call, DialOutcome.INVALID)
        if self.call is None:
            self._set_state(AgentState.LOGGED_OUT if not queues else self._idle_state())
        if queues:
            await self._refresh_pause()

    async def _refresh_pause(self) -> None:
        try:
            status = await self.client.list_action(
                "QueueStatus", [("Member", self.identity.interface)]
            )
        except AmiError as error:
            log.warning("resync: QueueStatus failed: %s", error)
            return
        for item in status.items:
            if item.event == "QueueMember" and item.get("Location") == self.identity.interface:
                self.queues.add(item.get("Queue") or "")
                self._apply_pause(item.get("Paused") == "1", item.get("PausedReason") or "")
        if self.call is None and self.state is not AgentState.WRAP_UP:
            self._set_state(self._idle_state())

    def close(self) -> None:
        """Stop listening to the client."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()


async def send_line(client: AmiClient, call_id: str, speaker: str, text: str) -> Message:
    """Send one conversation line as `UserEvent: AcvdLine` tied to the call's Linkedid.

    A customer played by a program or by a person in another terminal uses the same function
    with `speaker="customer"`. Line breaks become spaces (a header holds one line).
    """
    clean = " ".join(text.split())
    if not clean:
        raise AgentError(_("Phrase vide : rien à envoyer."))
    return await client.action(
        "UserEvent",
        [("UserEvent", LINE_EVENT), ("Linkedid", call_id), ("Speaker", speaker), ("Text", clean)],
    )


__all__ = [
    "LINE_EVENT",
    "WRAP_UP_REASON",
    "Agent",
    "AgentError",
    "AgentIdentity",
    "AgentState",
    "Call",
    "CallBridged",
    "CallConnected",
    "CallEnded",
    "CallHeld",
    "CallMissed",
    "CallRinging",
    "CallTransferred",
    "ConsultationChanged",
    "ConversationLine",
    "DialOutcome",
    "DialResult",
    "DomainEvent",
    "LinkChanged",
    "PauseChanged",
    "QueueMembership",
    "StateChanged",
    "handset_of",
    "outcome_from_reason",
    "send_line",
]
