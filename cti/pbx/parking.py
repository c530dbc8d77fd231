"""The parking lot (res_parking `[default]`): Park, ParkedCall retrieval, timeout call-back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cti.pbx.bridges import Bridge
from cti.pbx.channels import SOFT_EXPLICIT, Channel

if TYPE_CHECKING:
    from cti.pbx.core import Pairs, Pbx


@dataclass(eq=False)
class Parked:
    ch: Channel
    space: str
    parker: str  # ParkerDialString, e.g. Local/101@agents
    timeout: float
    parked_at: float
    timer: Any = None


class ParkingLot:
    """One lot: spaces first_space..last_space in context `parkedcalls`."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.config = pbx.config.parking
        self.bridge: Bridge | None = None
        self.spaces: dict[str, Parked] = {}

    def is_space(self, exten: str) -> bool:
        return exten.isdigit() and self.config.first_space <= int(exten) <= self.config.last_space

    def _pairs(self, parked: Parked) -> Pairs:
        duration = int(self.pbx.clock.monotonic() - parked.parked_at)
        return [
            ("ParkerDialString", parked.parker),
            ("Parkinglot", "default"),
            ("ParkingSpace", parked.space),
            ("ParkingTimeout", str(int(parked.timeout))),
            ("ParkingDuration", str(duration)),
        ]

    def park(self, ch: Channel, parker: Channel | None, timeout: float | None) -> str | None:
        """Park `ch` in the first free space; returns the space, or None if the lot is full."""
        pbx = self.pbx
        space = next(
            (
                str(n)
                for n in range(self.config.first_space, self.config.last_space + 1)
                if str(n) not in self.spaces
            ),
            None,
        )
        if space is None:
            return None
        if self.bridge is None or self.bridge.uniqueid not in pbx.bridges:
            self.bridge = pbx.new_bridge(
                "parking", "holding_bridge", creator="Parking", name="default"
            )
        seconds = timeout if timeout is not None else self.config.parkingtime
        parker_device = parker.device if parker is not None else ""
        parked = Parked(ch, space, parker_device, seconds, pbx.clock.monotonic())
        self.spaces[space] = parked
        pbx.queues.detached(ch, parked=True)
        previous = ch.after_bridge
        ch.after_bridge = None
        old = ch.bridge
        if old is not None:
            pbx.bridge_leave(ch)
        pbx.bridge_enter(self.bridge, ch)
        pbx.emit("ParkedCall", "call", ch.snapshot("Parkee") + self._pairs(parked))
        pbx.device_state(f"park:{space}@{self.config.context}", "INUSE")
        pbx.start_moh(ch)
        ch.after_bridge = previous
        on_hangup = ch.on_hangup

        def gave_up(gone: Channel) -> None:
            if self.spaces.get(space) is parked:
                del self.spaces[space]
                pbx.device_state(f"park:{space}@{self.config.context}", "NOT_INUSE")
                if parked.timer is not None:
                    parked.timer.cancel()
                pbx.emit("ParkedCallGiveUp", "call", gone.snapshot("Parkee") + self._pairs(parked))
            if on_hangup is not None:
                on_hangup(gone)

        ch.on_hangup = gave_up
        parked.timer = pbx.clock.call_later(seconds, lambda: self._timed_out(parked, on_hangup))
        if old is not None:
            pbx.bridge_settle(old)
        return space

    def _timed_out(self, parked: Parked, on_hangup: Any) -> None:
        pbx = self.pbx
        ch = parked.ch
        if self.spaces.get(parked.space) is not parked or ch.gone:
            return
        del self.spaces[parked.space]
        ch.on_hangup = on_hangup
        pbx.stop_moh(ch)
        pbx.bridge_leave(ch)
        pbx.emit("ParkedCallTimeOut", "call", ch.snapshot("Parkee") + self._pairs(parked))
        ch.variables["PARKER"] = parked.parker
        pbx.dialplan.run(ch, "park-dial", parked.parker.replace("/", "_"))

    def park_self(self, ch: Channel) -> None:
        """Dialling the park extension (700): the caller parks itself (19)."""
        pbx = self.pbx
        pbx.answer(ch)
        if ch.gone:
            return
        ch.after_bridge = lambda c: pbx.hangup(c, 16, soft=SOFT_EXPLICIT)
        if self.park(ch, ch, None) is None:
            pbx.hangup(ch, 16, soft=SOFT_EXPLICIT)

    def retrieve(self, retriever: Channel, space: str) -> None:
        """`ParkedCall(<space>)`: bridge the retriever with the parked call, or hang up."""
        pbx = self.pbx
        parked = self.spaces.pop(space, None)
        if parked is None or parked.ch.gone:
            pbx.hangup(retriever, 16, soft=SOFT_EXPLICIT)
            return
        if parked.timer is not None:
            parked.timer.cancel()
        ch = parked.ch
        bridge = pbx.new_bridge()
        pbx.stop_moh(ch)
        pbx.emit(
            "UnParkedCall",
            "call",
            ch.snapshot("Parkee") + retriever.snapshot("Retriever") + self._pairs(parked),
        )
        pbx.bridge_leave(ch)
        pbx.bridge_enter(bridge, ch)
        retriever.after_bridge = lambda c: pbx.hangup(c, 16, soft=SOFT_EXPLICIT)
        pbx.bridge_enter(bridge, retriever)

    def listing(self) -> list[Pairs]:
        return [p.ch.snapshot("Parkee") + self._pairs(p) for p in self.spaces.values()]
