"""The forms' shared measure (C2.3) on a virtual clock: duration, errors, corrections."""

from __future__ import annotations

from crm.errors import FieldError
from workstation.clock import VirtualClock
from workstation.tui.widgets.form_measure import FormMeasure, FormMeter


def test_duration_runs_from_the_first_edit_not_from_the_form_shown(clock: VirtualClock) -> None:
    meter = FormMeter(clock)
    clock.advance_sync(200)  # the form waits on screen: not typing time
    assert meter.first_edit is None
    meter.edited("objet")
    first = clock.monotonic()
    clock.advance_sync(15)
    meter.edited("message")  # later edits do not move the start
    clock.advance_sync(25)
    assert meter.first_edit == first
    assert meter.done() == FormMeasure(duration_s=40.0, errors=0, corrections=0)


def test_refusals_count_errors_and_each_refused_field_corrected_once(
    clock: VirtualClock,
) -> None:
    meter = FormMeter(clock)
    meter.edited()
    errors = (FieldError("objet", "L'objet est obligatoire."), FieldError("message", "Vide."))
    meter.refused(errors, {"objet", "message"})
    assert meter.is_refused("objet")
    meter.edited("objet")
    meter.edited("objet")  # the same field again: one correction per refusal
    meter.edited("priorite")  # not refused: no correction
    assert not meter.is_refused("objet") and meter.is_refused("message")
    meter.refused(1, {"objet"})  # refused again, changed again: a second correction
    meter.edited("objet")
    clock.advance_sync(12.5)
    assert meter.done() == FormMeasure(duration_s=12.5, errors=3, corrections=2)


def test_done_at_a_given_time_and_without_any_edit(clock: VirtualClock) -> None:
    meter = FormMeter(clock)
    clock.advance_sync(30)
    # Submitted as it was shown: no typing time, whatever the clock says.
    assert meter.done().duration_s == 0.0
    meter.edited()
    clock.advance_sync(10)
    submitted = clock.monotonic()
    clock.advance_sync(5)  # the save took 5 s in its worker: not the agent's time
    assert meter.done(at=submitted).duration_s == 10.0


def test_started_measures_a_new_form_from_zero(clock: VirtualClock) -> None:
    meter = FormMeter(clock)
    meter.edited()
    meter.refused(2, {"objet"})
    clock.advance_sync(60)
    meter.started()
    assert (meter.first_edit, meter.is_refused("objet")) == (None, False)
    clock.advance_sync(100)
    meter.edited("objet")  # no longer a correction: the refusal was of the previous form
    clock.advance_sync(8)
    assert meter.done() == FormMeasure(duration_s=8.0, errors=0, corrections=0)
