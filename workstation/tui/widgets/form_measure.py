"""What every form measures for the journal (C2.3 "saisir rapidement et sans erreur").

A form's valid submit is journalled with the seconds from the first edit (`duration_s`), the
field errors its refused submits reported (`errors`) and, for the forms that count them, the
refused fields the agent changed afterwards (`corrections`). `FormMeter` keeps those three on
the desk's clock so that each form does not write them out again; it knows nothing of Textual:
the form tells it what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from dataclasses import dataclass

from workstation.clock import Clock


@dataclass(frozen=True)
class FormMeasure:
    """The measures of one valid submit, as the journal payloads carry them (C2.3)."""

    #: Seconds from the first edit to the valid submit, on the desk's clock (0.0 when the
    #: form was submitted without any edit).
    duration_s: float
    #: Field errors reported by the refused submits before the valid one.
    errors: int
    #: Refused fields changed afterwards (each field once per refusal).
    corrections: int


class FormMeter:
    """Measures one form from its first edit to its valid submit (C2.3).

    `started()` when a new, empty form is shown; `edited(field)` on each change or keystroke
    of the agent (never on values the program fills); `refused(errors, fields)` when a submit
    is refused; `done()` on the valid submit, which gives the `FormMeasure` to journal.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.started()

    def started(self) -> None:
        """A new form: no edit yet, no error, no correction."""
        self._first_edit: float | None = None
        self._errors = 0
        self._corrections = 0
        self._refused: set[str] = set()

    @property
    def first_edit(self) -> float | None:
        """When the agent first edited the form (the clock's monotonic seconds), if yet."""
        return self._first_edit

    def edited(self, field: str | None = None) -> None:
        """The agent edited the form; `field`, if given, counts a correction when it was
        refused and not changed since (once per refusal)."""
        if self._first_edit is None:
            self._first_edit = self._clock.monotonic()
        if field is not None and field in self._refused:
            self._refused.discard(field)
            self._corrections += 1

    def refused(self, errors: Sized | int, fields: Iterable[str] = ()) -> None:
        """A submit was refused with `errors` (the field errors, or their number); a later
        change of one of `fields` will count as a correction."""
        self._errors += errors if isinstance(errors, int) else len(errors)
        self._refused.update(fields)

    def is_refused(self, field: str) -> bool:
        """Whether `field` was refused and not corrected since."""
        return field in self._refused

    def done(self, at: float | None = None) -> FormMeasure:
        """The measures of the valid submit made at `at` (the clock's monotonic seconds;
        default: now). Call `started()` before measuring another form."""
        end = self._clock.monotonic() if at is None else at
        # A submit without any edit (a form left as it was) took no typing time.
        start = self._first_edit if self._first_edit is not None else end
        return FormMeasure(
            duration_s=end - start, errors=self._errors, corrections=self._corrections
        )
