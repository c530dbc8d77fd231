"""The model student: the shortest good way through a call scenario, and a rehearsal of it.

A trainer's scenario is only useful if it can be finished: `good_path` finds, from the first
step, the fewest moves (model lines from the intents' samples, desk actions) that reach an
`end:` without a patience penalty when one exists; `rehearse` plays them against the simulated
customer. `acvd scenario check` uses both, and the tests play every seed scenario this way.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from gettext import gettext as _

from workstation.practice.customer_sim import HangUp, SimulatedCustomer
from workstation.practice.scenario import CallScenario, Common, Intent, Reaction


@dataclass(frozen=True)
class Line:
    """The student says `text`."""

    text: str


@dataclass(frozen=True)
class Action:
    """The student does `action` at the desk (on `target`)."""

    action: str
    target: str = ""


Move = Line | Action


class NoPath(Exception):
    """The scenario cannot be finished by a model student; the message says why (French)."""


def _samples(scenario: CallScenario, common: Common, agent_name: str) -> dict[str, str]:
    intents: dict[str, Intent] = {i.name: i for i in common.intents}
    intents.update({i.name: i for i in scenario.intents})
    first_name = (agent_name.split() or ["Camille"])[0]
    return {
        name: intent.samples[scenario.language].replace("{agent}", first_name)
        for name, intent in intents.items()
        if scenario.language in intent.samples
    }


def _move(reaction: Reaction, samples: dict[str, str]) -> Move | None:
    if reaction.action:
        return Action(reaction.action, reaction.target)
    text = samples.get(reaction.intent)
    return Line(text) if text else None


def good_path(scenario: CallScenario, common: Common, agent_name: str = "Camille") -> list[Move]:
    """The moves from the greeting to an end, penalty-free branches first."""
    samples = _samples(scenario, common, agent_name)
    greeting = samples.get("greeting")
    if scenario.behaviour.greeting_required and not greeting:
        raise NoPath(_("l'intention « greeting » n'a pas de réplique modèle dans cette langue"))
    start: list[Move] = [Line(greeting)] if greeting else []
    best: list[Move] | None = None
    for allow_penalties in (False, True):
        queue: deque[tuple[str, list[Move]]] = deque([(scenario.steps[0].id, start)])
        seen = {scenario.steps[0].id}
        while queue and best is None:
            step_id, moves = queue.popleft()
            for reaction in scenario.step(step_id).on:
                if reaction.patience < 0 and not allow_penalties:
                    continue
                move = _move(reaction, samples)
                if move is None:
                    continue
                if reaction.end:
                    best = [*moves, move]
                    break
                if reaction.goto and reaction.goto not in seen:
                    seen.add(reaction.goto)
                    queue.append((reaction.goto, [*moves, move]))
        if best is not None:
            return best
    raise NoPath(_("aucune suite de répliques modèles ou d'actions ne mène à une fin (« end »)"))


#: Expected actions the model student does not add by itself: telephony changes the call
#: (the path has them where the dialogue wants them) and after-call work comes after it.
_NOT_ADDED = frozenset({"hold", "retrieve", "transfer", "wrapup"})


def model_moves(scenario: CallScenario, common: Common, agent_name: str = "Camille") -> list[Move]:
    """The good path plus the expected desk actions it lacks (the article to open, the
    qualification form…), done just before the closing move: what a full-score student does."""
    path = good_path(scenario, common, agent_name)
    missing = [
        Action(e.action, e.target)
        for e in scenario.expected
        if e.action not in _NOT_ADDED and Action(e.action, e.target) not in path
    ]
    return [*path[:-1], *missing, path[-1]]


def rehearse(
    scenario: CallScenario, common: Common, agent_name: str = "Camille"
) -> SimulatedCustomer:
    """Play the good path against the customer, two seconds a move; NoPath if it fails."""
    customer = SimulatedCustomer(scenario, common, agent_name=agent_name)
    customer.answered(0.0)
    now = 0.0
    for move in good_path(scenario, common, agent_name):
        now += 2.0
        acts = (
            customer.heard(move.text, now)
            if isinstance(move, Line)
            else customer.did(move.action, move.target, now)
        )
        if any(isinstance(act, HangUp) for act in acts):
            break
    if not customer.ended:
        raise NoPath(
            _(
                "la réplique modèle ne fait pas avancer le dialogue (arrêt à l'étape « {step} ») :"
                " vérifiez les motifs et les exemples (« sample »)"
            ).format(step=customer.step.id)
        )
    return customer
