"""The debriefing of a practice call: expected actions done or not, timings against targets.

Read from the call's journal entries only (C2 timings, C4.2 "s'auto-évaluer"), with the same
action mapping the simulated customer used, so the student, the trainer and the grader see
the same facts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from gettext import gettext as _
from typing import Any

from workstation.practice.journal_actions import action_of
from workstation.practice.scenario import CallScenario
from workstation.shift_progress import CallTimes

#: The one call a debriefing reads (its entries are already the call's).
CALL = "call"


@dataclass(frozen=True)
class CallEntry:
    """One journal entry of the call: its kind, payload and time (seconds, monotonic)."""

    kind: str
    payload: Mapping[str, Any]
    at: float


@dataclass(frozen=True)
class ExpectedResult:
    """One expected action: done or not, and when."""

    action: str
    target: str
    #: Seconds after the answer when it was done; None when it was not.
    done_after_s: float | None
    within_s: float | None

    @property
    def ok(self) -> bool:
        if self.done_after_s is None:
            return False
        return self.within_s is None or self.done_after_s <= self.within_s


@dataclass(frozen=True)
class Timing:
    """One C2 timing of the call against its target; None when it does not apply."""

    name: str  # answer_s, identify_s, talk_s, wrapup_s
    value_s: float | None
    target_s: float

    @property
    def ok(self) -> bool | None:
        """Within the target; None when not measured (no after-call work asked, no answer)."""
        return None if self.value_s is None else self.value_s <= self.target_s


@dataclass(frozen=True)
class Debrief:
    """The debriefing of one practice call."""

    scenario: str
    expected: tuple[ExpectedResult, ...]
    timings: tuple[Timing, ...]
    ending: str

    @property
    def score(self) -> tuple[int, int]:
        """Expected actions done in time, out of how many."""
        return sum(e.ok for e in self.expected), len(self.expected)

    def payload(self) -> dict[str, Any]:
        """For the journal (`practice.debrief`)."""
        return {
            "scenario": self.scenario,
            "ending": self.ending,
            "expected": [
                {"action": e.action, "target": e.target, "done_after_s": e.done_after_s,
                 "within_s": e.within_s, "ok": e.ok}
                for e in self.expected
            ],
            "timings": {t.name: {"value_s": t.value_s, "target_s": t.target_s, "ok": t.ok}
                        for t in self.timings},
            "score": list(self.score),
        }  # fmt: skip


def _first(entries: Iterable[CallEntry], *kinds: str) -> float | None:
    return next((e.at for e in entries if e.kind in kinds), None)


def _span(start: float | None, end: float | None) -> float | None:
    return round(end - start, 1) if start is not None and end is not None else None


def debrief(
    scenario: CallScenario,
    entries: list[CallEntry],
    services_by_extension: Mapping[str, str],
) -> Debrief:
    """What the student did on this call against what the scenario expected."""
    times = CallTimes()
    done: list[tuple[str, str, float]] = []
    for entry in entries:
        times.add(entry.kind, CALL, entry.at)
        action = action_of(entry.kind, entry.payload, services_by_extension)
        if action is not None:
            done.append((*action, entry.at))
    answered = _first(entries, "call.answered")
    # A complete identity check, not the first box ticked.
    identified = next((at for action, _target, at in done if action == "identity_check"), None)
    results = []
    for expected in scenario.expected:
        at = next(
            (
                at
                for action, target, at in done
                if action == expected.action
                and (not expected.target or target.casefold() == expected.target.casefold())
            ),
            None,
        )
        after = _span(answered, at) if at is not None else None
        results.append(ExpectedResult(expected.action, expected.target, after, expected.within_s))
    targets = scenario.targets
    # On an outbound call the ringing is the customer's phone: nothing the student controls.
    answer_delay = times.answer_delay(CALL) if scenario.direction == "inbound" else None
    timings = (
        Timing("answer_s", answer_delay, targets.answer_s),
        Timing("identify_s", _span(answered, identified), targets.identify_s),
        Timing("talk_s", times.handle_time(CALL), targets.talk_s),
        Timing("wrapup_s", times.wrap_up_time(CALL), targets.wrapup_s),
    )
    ending = next((str(e.payload.get("ending")) for e in entries if e.kind == "scenario.end"), "")
    return Debrief(scenario.id, tuple(results), timings, ending)


def _timing_label(name: str) -> str:
    return {
        "answer_s": _("délai de décroché"),
        "identify_s": _("identification"),
        "talk_s": _("conversation"),
        "wrapup_s": _("post-appel"),
    }[name]


def action_label(action: str, target: str = "") -> str:
    """An expected action as the student reads it, in French."""
    labels = {
        "hold": _("mise en attente"),
        "retrieve": _("reprise de l'appel"),
        "transfer": _("transfert ({target})"),
        "identity_check": _("vérification d'identité"),
        "customer_search": _("recherche du client"),
        "kb_search": _("recherche dans les bases"),
        "kb_open": _("consultation d'article ({target})"),
        "qualification": _("fiche de qualification"),
        "order": _("commande"),
        "appointment": _("rendez-vous"),
        "payment": _("paiement"),
        "payment_plan": _("échéancier"),
        "promise": _("promesse de paiement"),
        "callback": _("rappel programmé"),
        "survey_complete": _("questionnaire terminé"),
        "file_update": _("mise à jour de la fiche"),
        "memo": _("mémo ({target})"),
        "reply": _("réponse écrite ({target})"),
        "letter": _("courrier ({target})"),
        "wrapup": _("post-appel"),
    }
    label = labels.get(action, action)
    if "{target}" in label:
        return label.format(target=target) if target else label.replace(" ({target})", "")
    return label


def summary(result: Debrief, title: str) -> str:
    """The debriefing in two lines for the student (C4.2); "!" marks a missed target."""
    done, expected = result.score
    missed = [action_label(e.action, e.target) for e in result.expected if not e.ok]
    timings = ", ".join(
        f"{_timing_label(t.name)} {math.ceil(t.value_s)} s / {t.target_s:.0f} s"
        + ("" if t.ok else " !")
        for t in result.timings
        if t.value_s is not None
    )
    if result.ending == "abandon":
        return _("« {title} » : appel manqué, le client a raccroché avant d'être pris.").format(
            title=title
        )
    text = _("« {title} » : actions attendues réalisées : {done}/{expected} ; {timings}.").format(
        title=title, done=done, expected=expected, timings=timings or "—"
    )
    if missed:
        text += "\n" + _("Manquées : {missed}.").format(missed=", ".join(missed))
    return text
