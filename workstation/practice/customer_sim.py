"""The simulated customer of a call scenario (issue 8, C1.4 "décoder les signes, rester objectif").

A pure state machine: it is told what the student says (`heard`), does (`did`) and how time
passes (`tick`), and answers with acts: lines to say, notes for the journal, and hanging up.
It never reads a clock or a socket itself, so a test can play a whole call in microseconds and
the same engine runs behind the PBX (`customer_line`) or in-process.

Patience (0–100) falls with silence and long or unannounced holds and with the scenario's
penalties, rises with a good reformulation or a calming proposal; under 50 the customer shows
impatience, under 25 annoyance, at 0 they hang up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from workstation.practice.intents import IntentMatcher
from workstation.practice.scenario import CallScenario, Common, Reaction, Step

IMPATIENT_BELOW = 50
ANNOYED_BELOW = 25
#: Patience lost when the student does not introduce themselves (C1.1).
GREETING_COST = 15
#: Patience lost when the student puts the customer on hold without asking first.
UNANNOUNCED_HOLD_COST = 10
#: Patience regained by a reformulation the step did not plan for (C1.2).
REFORMULATION_GAIN = 5
#: "Un instant, je vérifie": the customer waits this many times longer before minding the
#: silence (the student works on the file without putting them on hold).
ANNOUNCED_WAIT_FACTOR = 3
#: Lines that match nothing before the customer says they do not understand.
UNMATCHED_BEFORE_COMPLAINT = 2
#: What a student says to run the call rather than to answer the customer: with no branch
#: of the step for it, such a line is neither off the subject nor misunderstood.
PROCEDURAL_INTENTS = frozenset(
    {"greeting", "announce_hold", "thanks_wait", "empathy", "apology", "transfer_announce"}
)


@dataclass(frozen=True)
class Say:
    """A line the customer says."""

    text: str


@dataclass(frozen=True)
class HangUp:
    """The customer hangs up; `ending` is satisfait, neutre, mécontent or abandon."""

    ending: str


@dataclass(frozen=True)
class Note:
    """Something worth journaling that is not a line: a step reached, a reaction, patience."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


Act = Say | HangUp | Note


class SimulatedCustomer:
    """One customer playing one call scenario."""

    def __init__(
        self,
        scenario: CallScenario,
        common: Common,
        *,
        agent_name: str = "",
        rng: random.Random | None = None,
    ) -> None:
        self.scenario = scenario
        self.common = common
        self.behaviour = scenario.behaviour
        self.patience = float(self.behaviour.patience)
        self.step: Step = scenario.steps[0]
        self.ending = ""
        self.lines_heard = 0
        self._rng = rng or random.Random(scenario.id)
        self._matcher = IntentMatcher(
            (*common.intents, *scenario.intents), scenario.language, agent_name
        )
        self._connected_at: float | None = None
        self._last_activity = 0.0
        self._silence_noted = False
        self._hold_started: float | None = None
        self._hold_charged_until = 0.0
        self._last_intents: frozenset[str] = frozenset()
        self._unmatched = 0
        self._shown: set[str] = set()
        #: What already earned patience in a step: a good move is credited once, not farmed.
        self._credited: set[tuple[str, int]] = set()

    @property
    def ended(self) -> bool:
        return bool(self.ending)

    @property
    def connected(self) -> bool:
        """Whether the student has picked up."""
        return self._connected_at is not None

    @property
    def on_hold(self) -> bool:
        return self._hold_started is not None

    # What happens to the customer -------------------------------------------------------

    def answered(self, now: float) -> list[Act]:
        """The student picked up (or the customer picked up an outbound call): the opening."""
        self._connected_at = now
        self._last_activity = now
        acts: list[Act] = [Note("scenario.start", {"scenario": self.scenario.id})]
        if self.scenario.opening:
            acts.append(Say(self.scenario.opening))
        acts.extend(self._enter_text(self.step))
        return acts

    def heard(self, text: str, now: float) -> list[Act]:
        """The student said `text`."""
        if self.ended or self._connected_at is None or self.on_hold or not text.strip():
            return []  # on hold, the customer hears the music, not the student
        acts = self._charge_time(now)
        if self.ended:
            return acts
        intents = self._matcher.matches(text)
        if "reformulation" in intents:
            # « Si je comprends bien… » says "je comprends" without being empathy.
            intents -= {"empathy"}
        first = self.lines_heard == 0
        self.lines_heard += 1
        self._last_activity = now
        self._silence_noted = False
        self._last_intents = intents
        acts.append(Note("scenario.heard", {"intents": sorted(intents), "step": self.step.id}))
        if first and self.behaviour.greeting_required and "greeting" not in intents:
            acts += self._stock("greeting_missing")
            acts += self._change_patience(-GREETING_COST, "greeting_missing")
            if self.ended:
                return acts
        reaction = next((r for r in self.step.on if r.intent and r.intent in intents), None)
        if reaction is not None:
            self._unmatched = 0
            return acts + self._apply(reaction)
        if "reformulation" in intents:
            self._unmatched = 0
            acts += self._stock("reformulation_heard")
            if self._credit(-1):
                acts += self._change_patience(REFORMULATION_GAIN, "reformulation")
            return acts
        if intents & PROCEDURAL_INTENTS:
            self._unmatched = 0
            return acts  # "I'll put you on hold", "sorry for the wait": nothing to answer
        if self.step.otherwise is not None and not (first and "greeting" not in intents):
            return acts + self._apply(self.step.otherwise)
        self._unmatched += 1
        if self._unmatched >= UNMATCHED_BEFORE_COMPLAINT:
            self._unmatched = 0
            acts += self._stock("not_understood")
        return acts

    def spoke(self, now: float) -> None:
        """The customer's line reached the student: the student's silence counts from now."""
        if self._hold_started is None:
            self._last_activity = max(self._last_activity, now)

    def did(self, action: str, target: str, now: float) -> list[Act]:
        """The student did `action` (hold, transfer, kb_open…) on `target` (may be empty)."""
        if self.ended or self._connected_at is None:
            return []
        acts = self._charge_time(now)
        if self.ended:
            return acts
        self._last_activity = now
        if action == "hold" and not self.on_hold:
            self._hold_started = self._hold_charged_until = now
            acts.append(Note("scenario.hold", {"announced": "announce_hold" in self._last_intents}))
            if "announce_hold" not in self._last_intents:
                self._shown.add("hold_unannounced:pending")
        elif action == "retrieve" and self.on_hold:
            acts += self._retrieved(now)
        reaction = next(
            (
                r
                for r in self.step.on
                if r.action == action and (not r.target or r.target.casefold() == target.casefold())
            ),
            None,
        )
        if reaction is not None:
            acts += self._apply(reaction)
        return acts

    def tick(self, now: float) -> list[Act]:
        """Time passed: silence and holds cost patience."""
        if self.ended or self._connected_at is None:
            return []
        return self._charge_time(now)

    def gave_up_waiting(self, waited_s: float) -> list[Act]:
        """Nobody picked up: the customer leaves the queue (a missed call for the shift)."""
        if self.ended:
            return []
        self.ending = "abandon"
        payload = {**self._end_payload("customer"), "waited_s": round(waited_s, 1)}
        return [Note("scenario.end", payload), HangUp("abandon")]

    def hung_up_by_agent(self, now: float) -> list[Act]:
        """The student ended the call: how the customer leaves it."""
        if self.ended:
            return []
        self.ending = "neutre" if self.patience >= IMPATIENT_BELOW else "mécontent"
        return [Note("scenario.end", self._end_payload("agent"))]

    # Rules --------------------------------------------------------------------------------

    def _retrieved(self, now: float) -> list[Act]:
        assert self._hold_started is not None
        held = now - self._hold_started
        acts = self._charge_time(now)
        self._hold_started = None
        self._last_activity = now
        if self.ended:
            return acts
        if "hold_unannounced:pending" in self._shown:
            self._shown.discard("hold_unannounced:pending")
            acts += self._stock("hold_unannounced")
            acts += self._change_patience(-UNANNOUNCED_HOLD_COST, "hold_unannounced")
        elif held > self.behaviour.hold_after_s:
            acts += self._stock("long_hold")
        acts.append(Note("scenario.retrieved", {"hold_s": round(held, 1)}))
        return acts

    def _charge_time(self, now: float) -> list[Act]:
        """Patience lost to silence or to a hold, up to `now`."""
        acts: list[Act] = []
        behaviour = self.behaviour
        if self._hold_started is not None:
            free_until = self._hold_started + behaviour.hold_after_s
            start = max(free_until, self._hold_charged_until)
            if now > start:
                self._hold_charged_until = now
                acts += self._change_patience(-(now - start) * behaviour.hold_cost_per_s, "hold")
            return acts
        tolerated = behaviour.silence_after_s
        if "announce_hold" in self._last_intents:
            tolerated *= ANNOUNCED_WAIT_FACTOR
        quiet_from = self._last_activity + tolerated
        if now > quiet_from:
            if not self._silence_noted:
                self._silence_noted = True
                acts += self._stock("silence")
            acts += self._change_patience(
                -(now - quiet_from) * behaviour.silence_cost_per_s, "silence"
            )
            self._last_activity = now - tolerated
        return acts

    def _credit(self, index: int) -> bool:
        """Whether a gain of the current step (reaction `index`, -1: a reformulation) is new."""
        key = (self.step.id, index)
        if key in self._credited:
            return False
        self._credited.add(key)
        return True

    def _apply(self, reaction: Reaction) -> list[Act]:
        acts: list[Act] = []
        if reaction.say:
            acts.append(Say(reaction.say))
        index = next((i for i, r in enumerate(self.step.on) if r is reaction), len(self.step.on))
        if reaction.patience < 0 or (reaction.patience > 0 and self._credit(index)):
            acts += self._change_patience(reaction.patience, "scenario")
            if self.ended:
                return acts
        if reaction.end:
            return acts + self._finish(reaction.end, "customer")
        if reaction.goto and reaction.goto != self.step.id:
            self.step = self.scenario.step(reaction.goto)
            acts.append(Note("scenario.step", {"step": self.step.id}))
            acts += self._enter_text(self.step)
        return acts

    def _enter_text(self, step: Step) -> list[Act]:
        return [Say(step.say)] if step.say and step is not self.scenario.steps[0] else []

    def _change_patience(self, delta: float, cause: str) -> list[Act]:
        before = self.patience
        self.patience = max(0.0, min(100.0, self.patience + delta))
        acts: list[Act] = []
        if round(before) != round(self.patience):
            acts.append(
                Note("scenario.patience", {"patience": round(self.patience), "cause": cause})
            )
        if self.patience <= 0:
            acts += self._stock("hang_up")
            return acts + self._finish("mécontent", "customer")
        for kind, threshold in (("annoyed", ANNOYED_BELOW), ("impatient", IMPATIENT_BELOW)):
            if self.patience < threshold <= before and kind not in self._shown:
                self._shown.add(kind)
                acts += self._stock(kind)
                break
        return acts

    def _finish(self, ending: str, by: str) -> list[Act]:
        self.ending = ending
        return [Note("scenario.end", self._end_payload(by)), HangUp(ending)]

    def _end_payload(self, by: str) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "ending": self.ending,
            "by": by,
            "step": self.step.id,
            "patience": round(self.patience),
        }

    def _stock(self, kind: str) -> list[Act]:
        lines = self.common.reactions.get(kind, {}).get(self.scenario.language, ())
        acts: list[Act] = [Note("scenario.reaction", {"reaction": kind})]
        if lines:
            acts.append(Say(self._rng.choice(lines)))
        return acts
