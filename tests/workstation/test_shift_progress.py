"""Shift progress from a hand-built journal (C4.1, C4.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workstation.shift_progress import ShiftProgress, shift_progress

S = 1_000_000_000  # nanoseconds in a second


@dataclass(frozen=True)
class E:
    kind: str
    call_id: str | None
    mono_ns: int
    payload: Mapping[str, Any] = field(default_factory=dict)


def test_empty_shift() -> None:
    assert shift_progress([]) == ShiftProgress(0, None, None, 0, 0, 0)


def test_calls_sales_and_forms() -> None:
    entries = [
        E("call.ringing", "c1", 0),
        E("call.answered", "c1", 6 * S),
        E("form.submit", None, 100 * S),
        E("call.hangup", "c1", 186 * S),  # 180 s handled
        E("call.ringing", "c2", 200 * S),
        E("call.missed", "c2", 230 * S),
        E("call.hangup", "c2", 231 * S),  # never answered: not handled
        E("call.ringing", "c3", 300 * S),
        E("call.answered", "c3", 310 * S),
        E("sales.order", "c3", 400 * S),
        E("call.hangup", "c3", 610 * S),  # 300 s handled
        E("call.answered", "c4", 700 * S),  # still in progress
    ]
    progress = shift_progress(entries)
    assert progress == ShiftProgress(
        calls_handled=2,
        average_handle_s=240.0,
        average_answer_delay_s=8.0,
        missed_calls=1,
        sales=1,
        forms_submitted=1,
    )
