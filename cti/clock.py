"""What `cti` needs from a clock (structurally the workstation's Clock; cti never imports it).

Everything in `cti` that waits or timestamps takes one of these, so tests drive it with a
virtual clock and never sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Monotonic time, one-shot timers and sleeping, all on the running event loop."""

    def monotonic(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle: ...

    async def sleep(self, delay: float) -> None: ...
