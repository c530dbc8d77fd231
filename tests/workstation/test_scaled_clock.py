"""`--speed`: the real clock run faster, without waiting in the test (a fake OS clock)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from workstation import clock as clock_module
from workstation.clock import ScaledClock


def test_time_moves_speed_times_faster(monkeypatch: pytest.MonkeyPatch) -> None:
    os_ns = [1_000_000_000]
    monkeypatch.setattr(clock_module.time, "monotonic_ns", lambda: os_ns[0])
    clock = ScaledClock(10)
    start_wall, start_mono = clock.now(), clock.monotonic()
    os_ns[0] += 3_000_000_000  # three real seconds
    assert clock.monotonic() - start_mono == pytest.approx(30.0)
    assert clock.now() - start_wall == timedelta(seconds=30)
    assert clock.monotonic_ns() == 1_000_000_000 + 30_000_000_000


async def test_timers_and_sleeps_are_shortened() -> None:
    clock = ScaledClock(20)
    loop = asyncio.get_running_loop()
    handle = clock.call_later(10.0, lambda: None)
    assert handle.when() - loop.time() == pytest.approx(0.5, abs=0.05)  # type: ignore[attr-defined]
    handle.cancel()
    sleeping = asyncio.ensure_future(clock.sleep(0.2))  # 10 ms of real time
    await asyncio.wait_for(sleeping, timeout=5)


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ScaledClock(0)
