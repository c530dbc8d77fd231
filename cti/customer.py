"""The customer's side of a training call, for a program or a person in another terminal.

A customer call is placed with the reference's trainer recipe (Originate the customer's handset
`Local/<number>@pstn-customer/n` into `inbound`, 03), or straight to a student's extension
(into `internal`, whose `_1XX` dials `Local/<ext>@agents/nm` on both PBXs). `ChannelId` sets
the Uniqueid of the customer leg, which is the oldest channel of the call, hence its Linkedid:
the call id is known before any event. Lines travel as `UserEvent: AcvdLine` tied to that
Linkedid (`send_line`).

A call already in progress (a student who dialled a customer number) can be joined with
`attach`: its customer leg is the `Local/<number>@pstn-…;1` channel of that Linkedid, found in
`CoreShowChannels`. `StudentCalls` tells which calls a student's extension is placing.

What happens to the call reaches the customer as `CustomerNews`, from the events the reference
names (README, "Suggested client-side state tracking"): hold is music on the customer's channel
(08: device hold raises no Hold event), transfers are `BlindTransfer` / `AttendedTransfer` with
the customer as the transferee (11, 13).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from gettext import gettext as _

from cti.agent import LINE_EVENT, AgentError, handset_of, send_line
from cti.ami.client import AmiClient
from cti.ami.codec import Message

#: The customer's leg in the call: a caller placed by the trainer (`pstn-customer`), or the
#: external number a student dialled (`pstn`). Always the bridged half `;1`.
CUSTOMER_LEG = re.compile(r"^Local/(\d+)@(pstn|pstn-customer)-[0-9a-f]+;1$")
#: A student's leg: rung by a queue or a direct call (`agents`), or dialling (`agent-phone`).
AGENT_LEG = re.compile(r"^Local/(\d+)@(agents|agents-dbflag|agent-phone)-[0-9a-f]+;[12]$")
#: The extension of a Local channel (the attended-transfer target `Local/200@internal-N;1`).
LOCAL_EXTEN = re.compile(r"^Local/([^@]+)@")

#: Events a customer call follows (raw: dropped by Linkedid before any parsing).
EVENTS = (
    "UserEvent",
    "AgentConnect",
    "DialEnd",
    "MusicOnHoldStart",
    "MusicOnHoldStop",
    "BlindTransfer",
    "AttendedTransfer",
    "Hangup",
)


@dataclass(frozen=True)
class CustomerNews:
    """Something the customer hears: a line of the agent, or what happens to the call.

    `kind` is "line" (text: the agent's words), "answered" (text: who answered, e.g.
    "Agent 101"), "hold" / "retrieved" (text empty), "transferred" (text: the target
    extension) or "ended" (text: the cause, e.g. "Normal Clearing").
    """

    kind: str
    text: str


def _clean_name(name: str) -> str:
    # One header line, and no quote that would end the CallerID's name early.
    return " ".join(name.replace('"', "'").split())


def _agent_label(channel: str) -> str:
    match = AGENT_LEG.match(channel)
    return f"Agent {match.group(1)}" if match else ""


class CustomerCall:
    """One customer call: place it (or join one in progress), speak, hear the agent, hang up."""

    def __init__(self, client: AmiClient, listener: Callable[[CustomerNews], None]) -> None:
        self.client = client
        self.listener = listener
        self.call_id = ""
        #: The customer's leg `;1` (name and Uniqueid): hold, transfers and the end follow it.
        self.customer_channel = ""
        self.customer_uniqueid = ""
        #: The queue or extension called ("" for a joined call).
        self.queue = ""
        self.extension = ""
        self.answered = False
        self.held = False
        self.transferred_to = ""
        self.ended = False
        self._handset = ""
        self._unsubscribe = client.subscribe(self._on_message, *EVENTS, raw=True)

    async def place(
        self,
        number: str,
        name: str,
        queue: str = "",
        hangup_after: int = 3600,
        *,
        extension: str = "",
    ) -> str:
        """Call the company's `queue`, or a student's `extension`, as `name` <`number`>.

        Returns the call id (Linkedid). Exactly one of `queue` and `extension` is given.
        """
        if not number.isdigit():
            raise AgentError(_("Numéro du client invalide : « {n} ».").format(n=number))
        if bool(queue) == bool(extension):
            raise AgentError(_("Indiquez une file d'attente ou un poste, pas les deux."))
        if extension and not extension.isdigit():
            raise AgentError(
                _("Poste invalide : « {ext} » (chiffres attendus).").format(ext=extension)
            )
        if self.call_id:
            raise AgentError(_("Cet appel a déjà été passé."))
        call_id = f"acvd-client-{secrets.token_hex(4)}"
        self.queue, self.extension = queue, extension
        self.customer_uniqueid = call_id
        self._handset = f"{call_id}-h"  # Actions accept a Uniqueid in `Channel:` (17)
        self.call_id = call_id
        try:
            await self.client.action(
                "Originate",
                [
                    ("Channel", f"Local/{number}@pstn-customer/n"),
                    # `internal` `_1XX` dials the student's handset (extensions.conf, dialplan.py).
                    ("Context", "inbound" if queue else "internal"),
                    ("Exten", queue or extension),
                    ("Priority", "1"),
                    ("CallerID", f'"{_clean_name(name)}" <{number}>'),
                    ("Async", "true"),
                    ("ChannelId", call_id),
                    ("OtherChannelId", f"{call_id}-h"),
                    ("Variable", f"CUSTOMER_HANGUP_AFTER={hangup_after}"),
                ],
            )
        except Exception:
            self.call_id = ""
            raise
        return call_id

    async def attach(self, call_id: str) -> None:
        """Join the call `call_id` (a Linkedid) already in progress, as its customer.

        The customer is the `Local/<number>@pstn…;1` leg of that call; a call without one
        (an internal call) or gone is refused with a French message.
        """
        if self.call_id:
            raise AgentError(_("Cet appel a déjà été passé."))
        listing = await self.client.list_action("CoreShowChannels")
        legs = [item for item in listing.items if item.get("Linkedid") == call_id]
        if not legs:
            raise AgentError(_("Appel introuvable : « {id} » (déjà terminé ?).").format(id=call_id))
        customer = next((i for i in legs if CUSTOMER_LEG.match(i.get("Channel") or "")), None)
        if customer is None:
            raise AgentError(_("Cet appel n'a pas de client extérieur à jouer."))
        self.call_id = call_id
        self.customer_channel = customer.get("Channel") or ""
        self.customer_uniqueid = customer.get("Uniqueid") or ""
        self._handset = handset_of(self.customer_channel)
        if customer.get("BridgeId"):
            # Already talking: say who, from the student's leg in the same bridge.
            bridge = customer.get("BridgeId")
            agent = next(
                (
                    _agent_label(i.get("Channel") or "")
                    for i in legs
                    if i.get("BridgeId") == bridge and _agent_label(i.get("Channel") or "")
                ),
                "",
            )
            self._answer(agent)

    async def say(self, text: str) -> None:
        """Say one line to the agent."""
        if not self.call_id:
            raise AgentError(_("Aucun appel en cours."))
        await send_line(self.client, self.call_id, "customer", text)

    async def hang_up(self) -> None:
        """Hang up the customer's handset (`;2`, as a real customer would, 04)."""
        if self.call_id and not self.ended:
            await self.client.action("Hangup", [("Channel", self._handset)])

    def close(self) -> None:
        """Stop listening."""
        self._unsubscribe()

    # --- events -> news -----------------------------------------------------------------------

    def _answer(self, who: str) -> None:
        if not self.answered:
            self.answered = True
            self.listener(CustomerNews("answered", who))

    def _is_customer(self, message: Message) -> bool:
        return bool(self.customer_uniqueid) and message.get("Uniqueid") == self.customer_uniqueid

    def _on_message(self, message: Message) -> None:
        if not self.call_id or self.ended:
            return
        name = message.event
        if name == "UserEvent":
            if (
                message.get("UserEvent") == LINE_EVENT
                and message.get("Linkedid") == self.call_id
                and message.get("Speaker") != "customer"
            ):
                self.listener(CustomerNews("line", message.get("Text") or ""))
            return
        if name in ("BlindTransfer", "AttendedTransfer"):
            if (
                message.get("Result") == "Success"
                and message.get("TransfereeLinkedid") == self.call_id
            ):
                self._transferred(message)
            return
        if message.get("Linkedid") != self.call_id:
            return
        if name == "AgentConnect":
            self._answer(message.get("MemberName") or "")
        elif name == "DialEnd":
            self._on_dial_end(message)
        elif name in ("MusicOnHoldStart", "MusicOnHoldStop"):
            # Queue music also plays before the answer (03): only a connected call is held.
            held = name == "MusicOnHoldStart"
            if self._is_customer(message) and self.answered and held != self.held:
                self.held = held
                self.listener(CustomerNews("hold" if held else "retrieved", ""))
        elif name == "Hangup" and self._is_customer(message):
            self.ended = True
            self.listener(CustomerNews("ended", message.get("Cause-txt") or ""))

    def _on_dial_end(self, message: Message) -> None:
        if message.get("DialStatus") != "ANSWER" or self.queue:
            return  # a queue call is answered on AgentConnect, which names the member
        channel, dest = message.get("Channel") or "", message.get("DestChannel") or ""
        if self._is_customer(message) and AGENT_LEG.match(dest):
            self._answer(_agent_label(dest))  # a call to an extension: the handset answered
        elif dest == self.customer_channel and AGENT_LEG.match(channel):
            self._answer(_agent_label(channel))  # a student's call: the customer picked up

    def _transferred(self, message: Message) -> None:
        if message.event == "BlindTransfer":
            target = message.get("Extension") or ""
        else:
            match = LOCAL_EXTEN.match(message.get("TransferTargetChannel") or "")
            target = match.group(1) if match else message.get("TransferTargetExten") or ""
        self.transferred_to = target
        self.held = False
        self.listener(CustomerNews("transferred", target))


@dataclass(frozen=True)
class StudentCall:
    """A call a student's extension is placing or has placed to an outside number."""

    call_id: str
    extension: str
    number: str
    active: bool  # False once the student's leg has hung up


class StudentCalls:
    """Watch the outside calls of a student's extension, so a trainer can take one (`attach`).

    A click-to-dial call shows as `DialBegin` from `Local/<ext>@agent-phone-…;1` to
    `Local/<number>@pstn-…;1` (17); it is over when that agent leg hangs up.
    """

    def __init__(
        self, client: AmiClient, extension: str, listener: Callable[[StudentCall], None]
    ) -> None:
        self.client = client
        self.extension = extension
        self.listener = listener
        self.calls: dict[str, StudentCall] = {}
        self._legs: dict[str, str] = {}  # agent leg Uniqueid -> call id
        self._prefix = f"Local/{extension}@agent-phone-"
        self._unsubscribe = client.subscribe(self._on_message, "DialBegin", "Hangup", raw=True)

    async def refresh(self) -> None:
        """Add the calls already in progress when the watch began (from `CoreShowChannels`)."""
        listing = await self.client.list_action("CoreShowChannels")
        legs = {
            item.get("Linkedid") or "": item
            for item in listing.items
            if (item.get("Channel") or "").startswith(self._prefix)
            and (item.get("Channel") or "").endswith(";1")
        }
        for item in listing.items:
            match = CUSTOMER_LEG.match(item.get("Channel") or "")
            call_id = item.get("Linkedid") or ""
            if match is None or call_id not in legs or call_id in self.calls:
                continue
            call = StudentCall(call_id, self.extension, match.group(1), True)
            self.calls[call_id] = call
            self._legs[legs[call_id].get("Uniqueid") or ""] = call_id
            self.listener(call)

    def close(self) -> None:
        """Stop watching."""
        self._unsubscribe()

    def _on_message(self, message: Message) -> None:
        channel = message.get("Channel") or ""
        if not channel.startswith(self._prefix):
            return
        if message.event == "DialBegin":
            match = CUSTOMER_LEG.match(message.get("DestChannel") or "")
            call_id = message.get("Linkedid") or ""
            if match is None or not call_id or call_id in self.calls:
                return
            call = StudentCall(call_id, self.extension, match.group(1), True)
            self.calls[call_id] = call
            self._legs[message.get("Uniqueid") or ""] = call_id
            self.listener(call)
        elif message.event == "Hangup":
            call_id = self._legs.pop(message.get("Uniqueid") or "", "")
            call = self.calls.pop(call_id, None)
            if call is not None:
                self.listener(StudentCall(call.call_id, call.extension, call.number, False))


__all__ = ["CUSTOMER_LEG", "CustomerCall", "CustomerNews", "StudentCall", "StudentCalls"]
