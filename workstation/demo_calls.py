"""Customers who call in the embedded default (issue 6: "the built-in PBX in-process placing
calls from demo customers"), until scenarios bring callers with a script.

While the agent is logged in and ready, a customer of the demo company calls one of the
agent's queues after a pause; now and then the number is unknown to the CRM, so the student
also practises searching for the caller and creating a prospect. Callers hang up by
themselves after a few minutes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from crm.services.callers import Caller
from cti.agent import Agent, AgentState
from cti.clock import Clock
from cti.pbx import PbxServer


@dataclass(frozen=True)
class CallPace:
    """How often customers call and how long they stay."""

    first_after: float = 8.0
    gap_min: float = 20.0
    gap_max: float = 60.0
    stay_min: float = 180.0
    stay_max: float = 480.0
    unknown_share: float = 0.15


def unknown_number(rng: random.Random) -> str:
    """A mobile number in the 06/07 ranges that the demo company's seed never uses."""
    return f"07{rng.randint(80, 89)}{rng.randint(0, 999999):06d}"


class DemoCaller:
    """Places the next customer call whenever the agent is free for a while."""

    def __init__(
        self,
        server: PbxServer,
        agent: Agent,
        clock: Clock,
        callers: Sequence[Caller],
        rng: random.Random,
        pace: CallPace = CallPace(),
    ) -> None:
        self._server = server
        self._agent = agent
        self._clock = clock
        self._callers = callers
        self._rng = rng
        self._pace = pace
        self.placed: list[str] = []

    def _free(self) -> bool:
        return self._agent.state is AgentState.READY and bool(self._agent.queues)

    async def run(self) -> None:
        """Run for the whole shift (cancel the task to stop)."""
        await self._clock.sleep(self._pace.first_after)
        while True:
            if self._free():
                self.place_one()
                await self._clock.sleep(self._rng.uniform(self._pace.gap_min, self._pace.gap_max))
            else:
                await self._clock.sleep(2.0)

    def place_one(self) -> str:
        """One customer call into one of the agent's queues; returns the call id."""
        if self._callers and self._rng.random() >= self._pace.unknown_share:
            caller = self._rng.choice(self._callers)
            number, name = caller.national, caller.name
        else:
            number, name = unknown_number(self._rng), ""
        queue = self._rng.choice(sorted(self._agent.queues))
        stay = self._rng.uniform(self._pace.stay_min, self._pace.stay_max)
        call_id = self._server.place_customer_call(number, queue, name, hangup_after=stay)
        self.placed.append(call_id)
        return call_id
