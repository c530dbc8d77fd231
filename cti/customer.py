"""The customer's side of a training call, for a program or a person in another terminal.

A customer call is placed with the reference's trainer recipe (Originate the customer's handset
`Local/<number>@pstn-customer/n` into `inbound`, 03). `ChannelId` sets the Uniqueid of the
customer leg, which is the oldest channel of the call, hence its Linkedid: the call id is known
before any event. Lines travel as `UserEvent: AcvdLine` tied to that Linkedid (`send_line`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from gettext import gettext as _

from cti.agent import LINE_EVENT, AgentError, send_line
from cti.ami.client import AmiClient
from cti.ami.codec import Message


@dataclass(frozen=True)
class CustomerNews:
    """Something the customer hears: a line of the agent, or what happens to the call."""

    kind: str  # "line" | "answered" | "ended"
    text: str


class CustomerCall:
    """One customer call: place it, speak, hear the agent, hang up."""

    def __init__(self, client: AmiClient, listener: Callable[[CustomerNews], None]) -> None:
        self.client = client
        self.listener = listener
        self.call_id = ""
        self.answered = False
        self.ended = False
        self._unsubscribe = client.subscribe(self._on_event, "UserEvent", "AgentConnect", "Hangup")

    async def place(self, number: str, name: str, queue: str, hangup_after: int = 3600) -> str:
        """Call the company's `queue` as `name` <`number`>; returns the call id (Linkedid)."""
        if not number.isdigit():
            raise AgentError(_("Numéro du client invalide : « {n} ».").format(n=number))
        self.call_id = f"acvd-client-{secrets.token_hex(4)}"
        await self.client.action(
            "Originate",
            [
                ("Channel", f"Local/{number}@pstn-customer/n"),
                ("Context", "inbound"),
                ("Exten", queue),
                ("Priority", "1"),
                ("CallerID", f'"{name}" <{number}>'),
                ("Async", "true"),
                ("ChannelId", self.call_id),
                ("OtherChannelId", f"{self.call_id}-h"),
                ("Variable", f"CUSTOMER_HANGUP_AFTER={hangup_after}"),
            ],
        )
        return self.call_id

    async def say(self, text: str) -> None:
        """Say one line to the agent."""
        await send_line(self.client, self.call_id, "customer", text)

    async def hang_up(self) -> None:
        """Hang up the customer's handset (`;2`, as a real customer would, 04)."""
        if not self.ended:
            await self.client.action("Hangup", [("Channel", f"{self.call_id}-h")])

    def close(self) -> None:
        """Stop listening."""
        self._unsubscribe()

    def _on_event(self, event: object) -> None:
        message: Message | None = getattr(event, "message", None)
        if message is None or not self.call_id:
            return
        name = message.event
        if name == "UserEvent":
            if (
                message.get("UserEvent") == LINE_EVENT
                and message.get("Linkedid") == self.call_id
                and message.get("Speaker") != "customer"
            ):
                self.listener(CustomerNews("line", message.get("Text") or ""))
        elif name == "AgentConnect" and message.get("Linkedid") == self.call_id:
            self.answered = True
            self.listener(CustomerNews("answered", message.get("MemberName") or ""))
        elif name == "Hangup" and message.get("Uniqueid") == self.call_id and not self.ended:
            self.ended = True
            self.listener(CustomerNews("ended", message.get("Cause-txt") or ""))


__all__ = ["CustomerCall", "CustomerNews"]
