"""The one bridge from telephony to the UI (STYLE 3): agent domain events become messages.

The agent runs on the same event loop as Textual, so posting is direct; the screen that
receives the messages journals and displays them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message
from textual.message_pump import MessagePump

from cti.agent import Agent, DomainEvent


@dataclass
class AgentEventMessage(Message):
    """Something happened to the agent's telephony."""

    event: DomainEvent


class AgentBridge:
    """Forwards an agent's domain events to a Textual target while started."""

    def __init__(self, agent: Agent, target: MessagePump) -> None:
        self._agent = agent
        self._target = target
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self._agent.subscribe(self._forward)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _forward(self, event: DomainEvent) -> None:
        self._target.post_message(AgentEventMessage(event))
