"""A simulated customer on the telephone line (issue 8 item 3).

The customer places a real call through the PBX (built-in or Asterisk) and speaks as
`UserEvent: AcvdLine` on it, exactly as a trainer typing in `acvd customer` would, so the
workstation cannot tell a program from a person. What the student says comes back the same
way; what the student does at the desk (identity check, article opened, order…) is told by the
shift runner from the journal (`did`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from cti.ami.client import AmiClient
from cti.ami.errors import AmiError
from cti.clock import Clock
from cti.customer import CustomerCall, CustomerNews
from workstation.practice.customer_sim import Act, HangUp, Note, Say, SimulatedCustomer

#: Journals a note of the call: (kind, payload, call id).
NoteSink = Callable[[str, dict[str, Any], str], None]

_HANG_UP = object()


class CustomerOnLine:
    """Plays one `SimulatedCustomer` over one PBX call until either side hangs up."""

    def __init__(
        self,
        client: AmiClient,
        clock: Clock,
        customer: SimulatedCustomer,
        note: NoteSink,
        *,
        reply_delay_s: float = 1.0,
        tick_s: float = 1.0,
        abandon_after_s: float = 120.0,
    ) -> None:
        self.client = client
        self.clock = clock
        self.customer = customer
        self._note = note
        self._reply_delay_s = reply_delay_s
        self._tick_s = tick_s
        self._abandon_after_s = abandon_after_s
        self._placed_at = 0.0
        self._call = CustomerCall(client, self._hear)
        self._outbox: asyncio.Queue[object] = asyncio.Queue()
        self._finished = asyncio.Event()

    @property
    def call_id(self) -> str:
        return self._call.call_id

    async def call_in(self, number: str, name: str, queue: str) -> str:
        """Call the company's `queue` as `name` <`number`>; returns the call id."""
        self._placed_at = self.clock.monotonic()
        # The engine decides when the customer leaves; the PBX limit is only a safety net.
        return await self._call.place(number, name, queue, hangup_after=3600)

    async def join(self, call_id: str) -> None:
        """Become the customer of a call the student placed (an outbound list's contact)."""
        self._placed_at = self.clock.monotonic()
        await self._call.attach(call_id)

    async def run(self) -> str:
        """Speak and listen until the call is over; returns how it ended for the customer."""
        speaker = asyncio.create_task(self._speak())
        ticker = asyncio.create_task(self._tick())
        try:
            await self._finished.wait()
        finally:
            speaker.cancel()
            ticker.cancel()
            self._call.close()
        return self.customer.ending

    def did(self, action: str, target: str) -> None:
        """The student did something at the desk during this call."""
        self._perform(self.customer.did(action, target, self.clock.monotonic()))

    def stop(self) -> None:
        """End the simulation without touching the call."""
        self._finished.set()

    async def abort(self) -> None:
        """The shift is over: the customer hangs up if still on the line, the simulation ends."""
        try:
            if self._call.call_id and not self._call.ended:
                await self._call.hang_up()
        except AmiError:
            pass  # already gone: nothing left to hang up
        finally:
            self.stop()

    def close(self) -> None:
        """Stop listening to the PBX (a call that could not be placed or joined)."""
        self._call.close()

    # ---------------------------------------------------------------------------------------

    def _hear(self, news: CustomerNews) -> None:
        now = self.clock.monotonic()
        match news.kind:
            case "answered":
                self._perform(self.customer.answered(now))
            case "line":
                self._perform(self.customer.heard(news.text, now))
            case "ended":
                self._perform(self.customer.hung_up_by_agent(now))
                self._finished.set()

    def _perform(self, acts: list[Act]) -> None:
        for act in acts:
            match act:
                case Say(text=text):
                    self._outbox.put_nowait(text)
                case HangUp():
                    self._outbox.put_nowait(_HANG_UP)
                case Note(kind=kind, payload=payload):
                    self._note(kind, payload, self.call_id)

    async def _speak(self) -> None:
        while True:
            item = await self._outbox.get()
            await self.clock.sleep(self._reply_delay_s)
            if self._call.ended:
                continue
            try:
                if item is _HANG_UP:
                    try:
                        await self._call.hang_up()
                    finally:  # hung up or already gone: either way the call is over
                        self._finished.set()
                else:
                    await self._call.say(str(item))
                    self.customer.spoke(self.clock.monotonic())
            except AmiError as error:  # the call went away meanwhile: nothing more to say
                self._note("scenario.error", {"error": str(error)}, self.call_id)

    async def _tick(self) -> None:
        while True:
            await self.clock.sleep(self._tick_s)
            now = self.clock.monotonic()
            if not self.customer.connected:
                waited = now - self._placed_at
                if waited >= self._abandon_after_s:
                    self._perform(self.customer.gave_up_waiting(waited))
                continue
            self._perform(self.customer.tick(now))
