"""Live progress of a shift against its objectives, from the shift's journal (C4.1, C4.4).

A plain computation over journal entries (`crm.journal.iter_entries`), so the team panel and
tests share it: calls handled are `call.hangup` entries of answered calls, the handling time
runs from `call.answered` to `call.hangup` on the monotonic clock, the answer delay from
`call.ringing` to `call.answered`, the after-call work from `call.hangup` to `wrapup.done`,
sales are `sales.order` entries (an order placed), survey completions `survey.completed`
entries whose status is "complete", amounts collected the totals of `collection.plan`
(payment plan agreed) and `collection.promise` (promise to pay) entries, forms are
`form.submit` entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from gettext import gettext as _
from typing import Any, ClassVar, Protocol


class Entry(Protocol):
    """What the computation reads of a journal entry (`crm.journal.JournalEntry`)."""

    @property
    def kind(self) -> str: ...
    @property
    def call_id(self) -> str | None: ...
    @property
    def mono_ns(self) -> int: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class ShiftProgress:
    """What the agent has done so far in the shift."""

    calls_handled: int
    #: Mean seconds from answer to hang-up of the handled calls; None before the first one.
    average_handle_s: float | None
    #: Mean seconds from ringing to answer of the answered calls; None before the first one.
    average_answer_delay_s: float | None
    missed_calls: int
    sales: int
    forms_submitted: int
    #: Questionnaires saved complete (C1.7); partial or refused ones are not counted.
    surveys_completed: int = 0
    #: Euros secured in collection (C1.8): agreed payment plans plus promises to pay.
    amount_collected: Decimal = Decimal("0")
    #: Mean seconds from hang-up to the disposition (after-call work); None before the first.
    average_wrap_up_s: float | None = None

    def value_of(self, metric: str) -> float | Decimal | int | None:
        """The current value of an objective's metric (`ObjectiveView.metric`), or None when
        the journal of one shift cannot measure it (a rate over a week, a behaviour) or,
        for an average, before the first call."""
        values: dict[str, float | Decimal | int | None] = {
            "calls_handled": self.calls_handled,
            "average_handle_time": self.average_handle_s,
            "answer_delay": self.average_answer_delay_s,
            "after_call_work": self.average_wrap_up_s,
            "sales": self.sales,
            "surveys_completed": self.surveys_completed,
            "amount_collected": self.amount_collected,
            "missed_calls": self.missed_calls,
        }
        return values.get(metric)


#: The objective metrics one shift's journal measures (see `ShiftProgress.value_of`).
MEASURED_METRICS = frozenset(
    {
        "calls_handled",
        "average_handle_time",
        "answer_delay",
        "after_call_work",
        "sales",
        "surveys_completed",
        "amount_collected",
        "missed_calls",
    }
)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _amount(value: object) -> Decimal:
    """A payload amount ("120.00", 120, "120,50") as euros; anything else counts for 0,
    so one odd entry never hides the rest of the progress."""
    try:
        amount = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return Decimal("0")
    return amount if amount.is_finite() and amount > 0 else Decimal("0")


class CallTimes:
    """When each call rang, was answered, hung up and wrapped up, from journal entries: the
    C2 timings the team panel averages and the practice debriefing judges call by call."""

    #: Journal kind -> the instant it marks (the first entry of each kind counts).
    MARKS: ClassVar[dict[str, str]] = {
        "call.ringing": "ringing",
        "call.answered": "answered",
        "call.hangup": "hung_up",
        "wrapup.done": "wrapped_up",
    }

    def __init__(self) -> None:
        self._at: dict[str, dict[str, float]] = {}

    def add(self, kind: str, call_id: str | None, at: float) -> None:
        """Note one entry (`at`: seconds on the monotonic clock)."""
        mark = self.MARKS.get(kind)
        if mark is not None and call_id is not None:
            self._at.setdefault(call_id, {}).setdefault(mark, at)

    def _span(self, call_id: str, start: str, end: str) -> float | None:
        marks = self._at.get(call_id, {})
        if start in marks and end in marks:
            return round(marks[end] - marks[start], 1)
        return None

    def answer_delay(self, call_id: str) -> float | None:
        """Ringing to answer."""
        return self._span(call_id, "ringing", "answered")

    def handle_time(self, call_id: str) -> float | None:
        """Answer to hang-up (a call handled)."""
        return self._span(call_id, "answered", "hung_up")

    def wrap_up_time(self, call_id: str) -> float | None:
        """Hang-up of an answered call to its disposition (after-call work)."""
        if "answered" not in self._at.get(call_id, {}):
            return None
        return self._span(call_id, "hung_up", "wrapped_up")

    def values(self, measure: Callable[[str], float | None]) -> list[float]:
        """`measure` of every call that has it."""
        return [v for v in map(measure, self._at) if v is not None]


def shift_progress(entries: Iterable[Entry]) -> ShiftProgress:
    """The shift's progress from its journal entries, in chain order."""
    times = CallTimes()
    missed = sales = forms = surveys = 0
    collected = Decimal("0")
    for entry in entries:
        times.add(entry.kind, entry.call_id, entry.mono_ns / 1e9)
        if entry.kind == "call.missed":
            missed += 1
        elif entry.kind == "sales.order":
            sales += 1
        elif entry.kind == "form.submit":
            forms += 1
        elif entry.kind == "survey.completed" and entry.payload.get("status") == "complete":
            surveys += 1
        elif entry.kind == "collection.plan":
            collected += _amount(entry.payload.get("total_amount"))
        elif entry.kind == "collection.promise":
            collected += _amount(entry.payload.get("amount"))
    handle = times.values(times.handle_time)
    return ShiftProgress(
        calls_handled=len(handle),
        average_handle_s=_mean(handle),
        average_answer_delay_s=_mean(times.values(times.answer_delay)),
        missed_calls=missed,
        sales=sales,
        forms_submitted=forms,
        surveys_completed=surveys,
        amount_collected=collected,
        average_wrap_up_s=_mean(times.values(times.wrap_up_time)),
    )


@dataclass(frozen=True)
class GoalProgress:
    """One quantitative objective against the shift so far (C4.4)."""

    metric: str
    label: str
    target: Decimal
    #: "at_least" or "at_most".
    comparison: str
    unit: str
    #: The value so far; None when this shift's journal cannot measure it.
    current: float | Decimal | int | None
    #: True when the target is reached (at_least) or kept (at_most); None when unmeasured
    #: or, for an average, before its first call.
    met: bool | None


#: Metrics whose objective is a ceiling (a duration, misses); the others are floors.
AT_MOST_METRICS = frozenset(
    {"average_handle_time", "answer_delay", "after_call_work", "missed_calls"}
)


def metric_label(metric: str) -> tuple[str, str]:
    """The French label and unit of a measured metric, for objectives written as bare
    numbers (a practice shift's `objectives`)."""
    return {
        "calls_handled": (_("Appels traités"), _("appels")),
        "average_handle_time": (_("Durée moyenne de traitement d'un appel"), _("secondes")),
        "answer_delay": (_("Délai moyen de décroché"), _("secondes")),
        "after_call_work": (_("Durée moyenne du post-appel"), _("secondes")),
        "sales": (_("Ventes conclues"), _("ventes")),
        "surveys_completed": (_("Questionnaires complets"), _("questionnaires")),
        "amount_collected": (_("Montant recouvré ou promis"), "€"),
        "missed_calls": (_("Appels manqués"), _("appels")),
    }[metric]


def practice_goals(
    objectives: Mapping[str, float], progress: ShiftProgress
) -> tuple[GoalProgress, ...]:
    """A practice shift's objectives (metric -> target) against its progress (C4.4)."""
    found = []
    for metric, target in objectives.items():
        label, unit = metric_label(metric)
        comparison = "at_most" if metric in AT_MOST_METRICS else "at_least"
        found.append(goal_progress(metric, label, Decimal(str(target)), comparison, unit, progress))
    return tuple(found)


def goal_progress(
    metric: str, label: str, target: Decimal, comparison: str, unit: str, progress: ShiftProgress
) -> GoalProgress:
    """Compare one objective's target with the shift's current value."""
    current = progress.value_of(metric)
    met: bool | None = None
    if current is not None:
        value = Decimal(str(current))
        met = value >= target if comparison == "at_least" else value <= target
    return GoalProgress(metric, label, target, comparison, unit, current, met)
