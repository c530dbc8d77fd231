"""Shift progress from a hand-built journal (C4.1, C4.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workstation.shift_progress import (
    ShiftProgress,
    goal_progress,
    practice_goals,
    shift_progress,
)

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


def test_surveys_amounts_and_after_call_work() -> None:
    entries = [
        E("call.ringing", "c1", 0),
        E("call.answered", "c1", 2 * S),
        E("survey.completed", "c1", 50 * S, {"status": "complete"}),
        E("survey.completed", "c1", 60 * S, {"status": "partial"}),  # not a completion
        E("call.hangup", "c1", 102 * S),
        E("wrapup.done", "c1", 142 * S),  # 40 s of after-call work
        E("call.ringing", "c2", 200 * S),
        E("call.answered", "c2", 204 * S),
        E("collection.plan", "c2", 300 * S, {"total_amount": "240.00"}),
        E("collection.promise", "c2", 310 * S, {"amount": "59.90"}),
        E("collection.promise", "c2", 320 * S, {"amount": "n/a"}),  # unreadable: counts 0
        E("call.hangup", "c2", 404 * S),
        E("wrapup.done", "c2", 424 * S),  # 20 s
        E("wrapup.done", "c9", 500 * S),  # never hung up here: ignored
    ]
    progress = shift_progress(entries)
    assert progress.surveys_completed == 1
    assert progress.amount_collected == Decimal("299.90")
    assert progress.average_wrap_up_s == 30.0
    assert progress.value_of("surveys_completed") == 1
    assert progress.value_of("amount_collected") == Decimal("299.90")
    assert progress.value_of("identification_rate") is None  # not measured over one shift


def test_goal_progress_compares_with_the_target() -> None:
    progress = shift_progress(
        [E("call.answered", "c1", 0), E("call.hangup", "c1", 400 * S)]  # 400 s handled
    )
    at_most = goal_progress(
        "average_handle_time", "Durée", Decimal("300"), "at_most", "secondes", progress
    )
    assert (at_most.current, at_most.met) == (400.0, False)
    at_least = goal_progress("calls_handled", "Appels", Decimal("1"), "at_least", "", progress)
    assert (at_least.current, at_least.met) == (1, True)
    unmeasured = goal_progress("conversion_rate", "Taux", Decimal("15"), "at_least", "%", progress)
    assert (unmeasured.current, unmeasured.met) == (None, None)
    before = goal_progress(
        "after_call_work", "Saisie", Decimal("60"), "at_most", "s", shift_progress([])
    )
    assert (before.current, before.met) == (None, None)


def test_a_practice_shift_sets_its_own_targets_with_the_right_direction() -> None:
    progress = ShiftProgress(3, 320.0, 5.0, 0, 1, 2)
    found = {g.metric: g for g in practice_goals({"calls_handled": 4, "average_handle_time": 300,
                                                  "sales": 1}, progress)}  # fmt: skip
    assert (found["calls_handled"].comparison, found["calls_handled"].met) == ("at_least", False)
    assert found["calls_handled"].label == "Appels traités"
    handle = found["average_handle_time"]
    assert (handle.comparison, handle.current, handle.met) == ("at_most", 320.0, False)
    assert found["sales"].met is True and found["sales"].target == Decimal("1")
