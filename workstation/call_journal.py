"""What the journal records for each telephony event of the agent's call model.

One mapping, so evaluation (C2 timings: ring -> answer, holds, transfers, talk time, outcome)
reads the same kinds whichever PBX produced the events. Times come from the journal entry
itself; payloads keep what the event says.
"""

from __future__ import annotations

from typing import Any

from cti import agent as cti

JournalRecord = tuple[str, dict[str, Any], str | None]


def journal_record(event: cti.DomainEvent) -> JournalRecord | None:
    """(kind, payload, call id) for `event`, or None for events not worth an entry."""
    match event:
        case cti.StateChanged(state=state, previous=previous, call_id=call_id):
            return (
                "agent.state",
                {"state": state.value, "previous": previous.value},
                call_id or None,
            )
        case cti.QueueMembership(queue=queue, logged_in=logged_in):
            return ("queue.login" if logged_in else "queue.logout"), {"queue": queue}, None
        case cti.PauseChanged(paused=paused, reason=reason):
            return "agent.pause", {"paused": paused, "reason": reason}, None
        case cti.CallRinging(
            call_id=call_id, direction=direction, queue=queue, number=number, name=name
        ):
            payload = {"direction": direction, "queue": queue, "number": number, "name": name}
            return "call.ringing", payload, call_id
        case cti.CallConnected(call_id=call_id):
            return "call.answered", {}, call_id
        case cti.CallHeld(call_id=call_id, held=held):
            return ("call.hold" if held else "call.retrieved"), {}, call_id
        case cti.ConsultationChanged(call_id=call_id, target=target, active=active):
            return (
                ("transfer.consult_start" if active else "transfer.consult_end"),
                {"target": target},
                call_id,
            )
        case cti.CallTransferred(call_id=call_id, kind=kind, target=target):
            return "transfer.completed", {"mode": kind, "target": target}, call_id
        case cti.CallMissed(call_id=call_id, reason=reason):
            return "call.missed", {"reason": reason}, call_id
        case cti.CallEnded(
            call_id=call_id, by=by, cause=cause, cause_txt=cause_txt, duration=duration
        ):
            payload = {
                "by": by,
                "cause": cause,
                "cause_txt": cause_txt,
                "duration_s": round(duration, 3),
            }
            return "call.hangup", payload, call_id
        case cti.DialResult(call_id=call_id, number=number, outcome=outcome):
            return "call.dial_result", {"number": number, "outcome": outcome.value}, call_id or None
        case cti.ConversationLine(call_id=call_id, speaker=speaker, text=text):
            side = speaker if speaker in ("agent", "customer") else "other"
            return f"conversation.{side}", {"speaker": speaker, "text": text}, call_id
        case cti.LinkChanged(state=state):
            return "pbx.link", {"state": state.value}, None
    return None
