"""Clocks: every component that reads the time or waits takes one (DESIGN principle 4).

`SystemClock` is the real one. `VirtualClock` lets tests and benchmarks run minutes of a shift
in milliseconds: time moves only when the test calls `advance`, and timers fire in order.
Components depend on the `Clock` protocol, never on a concrete class.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What components need from time."""

    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations, deadlines)."""
        ...

    def monotonic_ns(self) -> int:
        """The same clock in nanoseconds (journal timings)."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Run `callback` once, `delay` seconds from now, on the running event loop."""
        ...

    async def sleep(self, delay: float) -> None:
        """Wait `delay` seconds of this clock's time."""
        ...


class SystemClock:
    """The real clock: wall time from the OS, timers on the running asyncio loop."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback)

    async def sleep(self, delay: float) -> None:
        await asyncio.sleep(max(0.0, delay))


class ScaledClock:
    """The real clock run `speed` times faster (issue 8: `--speed` for demos and rehearsals).

    Durations, timers and the wall time all move `speed` seconds per real second from the
    moment the clock is made, so a 20-minute shift at speed 10 takes two minutes and its
    journal still reads as 20 minutes.
    """

    def __init__(self, speed: float) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._wall0 = datetime.now(UTC)
        self._ns0 = time.monotonic_ns()

    def _elapsed_ns(self) -> int:
        return round((time.monotonic_ns() - self._ns0) * self.speed)

    def now(self) -> datetime:
        return self._wall0 + timedelta(microseconds=self._elapsed_ns() // 1000)

    def monotonic(self) -> float:
        return self.monotonic_ns() / 1e9

    def monotonic_ns(self) -> int:
        return self._ns0 + self._elapsed_ns()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(max(0.0, delay) / self.speed, callback)

    async def sleep(self, delay: float) -> None:
        await asyncio.sleep(max(0.0, delay) / self.speed)


@dataclass(order=True)
class _VirtualTimer:
    deadline_ns: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


DEFAULT_START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class VirtualClock:
    """A clock that moves only when told to.

    `advance(seconds)` moves time forward, firing due timers in deadline order and letting
    the event loop run the tasks they wake (including loopback socket traffic) before the
    next one fires, so chains of timers behave as they would in real time.
    """

    #: Loop iterations given to woken tasks after each timer; loopback I/O needs a few.
    SETTLE_ROUNDS = 20

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._start = start.astimezone(UTC)
        self._ns = 0
        self._timers: list[_VirtualTimer] = []
        self._seq = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(microseconds=self._ns // 1000)

    def monotonic(self) -> float:
        return self._ns / 1e9

    def monotonic_ns(self) -> int:
        return self._ns

    def call_later(self, delay: float, callback: Callable[[], None]) -> _VirtualTimer:
        timer = _VirtualTimer(self._ns + max(0, round(delay * 1e9)), next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        return timer

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        timer = self.call_later(delay, wake)
        try:
            await future
        finally:
            timer.cancel()

    async def settle(self) -> None:
        """Let the event loop run whatever is ready, without moving time."""
        for _ in range(self.SETTLE_ROUNDS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, firing every timer due on the way."""
        target = self._ns + round(seconds * 1e9)
        await self.settle()
        while self._timers and self._timers[0].deadline_ns <= target:
            timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            self._ns = max(self._ns, timer.deadline_ns)
            timer.callback()
            await self.settle()
        self._ns = target
        await self.settle()

    def advance_sync(self, seconds: float) -> None:
        """Move time forward without an event loop (synchronous code such as the journal)."""
        target = self._ns + round(seconds * 1e9)
        while self._timers and self._timers[0].deadline_ns <= target:
            timer = heapq.heappop(self._timers)
            if not timer.cancelled:
                self._ns = max(self._ns, timer.deadline_ns)
                timer.callback()
        self._ns = target
