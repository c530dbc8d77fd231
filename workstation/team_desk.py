"""The team desk: what the team panel asks of the CRM and the journal (C4.1, C4.4).

The org chart, the agent's objectives, the live progress of the shift (computed from its
journal by `shift_progress`) and proposals sent to the supervision service as memos. Every
method may block on the database: call it from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from crm import journal
from crm.services import inbox, users
from crm.services.inbox import MemoView, NewMemo
from crm.views import ObjectiveView, ServiceView
from workstation.clock import Clock
from workstation.shift_progress import (
    MEASURED_METRICS,
    GoalProgress,
    ShiftProgress,
    goal_progress,
    practice_goals,
    shift_progress,
)

#: Where proposals go (C4.4 "émettre des propositions"): the supervision service.
SUPERVISION = "service:supervision"


@dataclass(frozen=True)
class TeamView:
    """Everything the team panel shows."""

    services: tuple[ServiceView, ...]
    objectives: tuple[ObjectiveView, ...]
    progress: ShiftProgress
    #: The quantitative objectives, each with its target and the shift's value so far.
    goals: tuple[GoalProgress, ...] = ()


class TeamDesk:
    """The use cases of the team panel (C4.1, C4.4)."""

    def __init__(
        self,
        session_factory: sessionmaker,
        engine: Engine,
        clock: Clock,
        *,
        agent_id: int | None = None,
        shift_id: str | None = None,
    ) -> None:
        self.clock = clock
        self.agent_id = agent_id
        #: The journal shift whose entries give the live progress (None: nothing yet).
        self.shift_id = shift_id
        self._session_factory = session_factory
        self._engine = engine
        #: A practice shift's own objectives (metric -> target), which then apply (issue 8).
        self.practice_objectives: dict[str, float] = {}

    def view(self) -> TeamView:
        """The org chart, the agent's objectives and the shift's progress as of now."""
        objectives = (
            users.objectives(self._session_factory, self.agent_id)
            if self.agent_id is not None
            else ()
        )
        entries = journal.iter_entries(self._engine, self.shift_id) if self.shift_id else ()
        progress = shift_progress(entries)
        org_chart = users.org_chart(self._session_factory)
        if self.practice_objectives:
            return TeamView(
                org_chart, objectives, progress, practice_goals(self.practice_objectives, progress)
            )
        return TeamView(org_chart, objectives, progress, goals(objectives, progress))

    def propose(self, subject: str, body: str) -> MemoView:
        """Send a proposal to the supervision service as a memo (C4.4); every wrong field is
        reported (`ValidationError`: objet, message) and nothing is written then."""
        return inbox.send_memo(
            self._session_factory,
            NewMemo(
                recipient=SUPERVISION,
                priority="normal",
                kind="memo",
                subject=subject,
                body=body,
                created_at=self.clock.now(),
                author_id=self.agent_id,
            ),
        )


def goals(
    objectives: tuple[ObjectiveView, ...], progress: ShiftProgress
) -> tuple[GoalProgress, ...]:
    """The quantitative objectives against the shift's progress, one per metric: the agent's
    own objective wins over the team's on the same metric (`users.objectives` lists the
    agent's first), so a student reads the target that applies to this shift (C4.4). The
    metrics a shift cannot measure (weekly rates) stay in the list of objectives only."""
    seen: set[str] = set()
    found: list[GoalProgress] = []
    for objective in objectives:
        if (
            objective.target is None
            or objective.comparison is None
            or objective.metric in seen
            or objective.metric not in MEASURED_METRICS
        ):
            continue
        seen.add(objective.metric)
        found.append(
            goal_progress(
                objective.metric,
                objective.label,
                objective.target,
                objective.comparison,
                objective.unit or "",
                progress,
            )
        )
    return tuple(found)
