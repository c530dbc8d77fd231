"""Live progress of a shift against its objectives, from the shift's journal (C4.1, C4.4).

A plain computation over journal entries (`crm.journal.iter_entries`), so the team panel and
tests share it: calls handled are `call.hangup` entries of answered calls, the handling time
runs from `call.answered` to `call.hangup` on the monotonic clock, the answer delay from
`call.ringing` to `call.answered`, sales are `sales.order` entries (an order placed), forms
are `form.submit` entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


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


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def shift_progress(entries: Iterable[Entry]) -> ShiftProgress:
    """The shift's progress from its journal entries, in chain order."""
    ringing: dict[str, int] = {}
    answered: dict[str, int] = {}
    handle: list[float] = []
    delays: list[float] = []
    missed = sales = forms = 0
    for entry in entries:
        call = entry.call_id
        if entry.kind == "call.ringing" and call is not None:
            ringing.setdefault(call, entry.mono_ns)
        elif entry.kind == "call.answered" and call is not None and call not in answered:
            answered[call] = entry.mono_ns
            if call in ringing:
                delays.append((entry.mono_ns - ringing[call]) / 1e9)
        elif entry.kind == "call.hangup" and call is not None and call in answered:
            handle.append((entry.mono_ns - answered.pop(call)) / 1e9)
        elif entry.kind == "call.missed":
            missed += 1
        elif entry.kind == "sales.order":
            sales += 1
        elif entry.kind == "form.submit":
            forms += 1
    return ShiftProgress(
        calls_handled=len(handle),
        average_handle_s=_mean(handle),
        average_answer_delay_s=_mean(delays),
        missed_calls=missed,
        sales=sales,
        forms_submitted=forms,
    )
