"""What the student did, read from the journal entries of the shift (issue 8).

The simulated customer reacts to actions (`did`) and the debriefing checks the scenario's
expected actions; both read them here, from the same journal entries, so what the customer
noticed and what the grader sees cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Journal kind -> scenario action (scenario.ACTIONS), for actions without a target.
_PLAIN: dict[str, str] = {
    "call.hold": "hold",
    "call.retrieved": "retrieve",
    "crm.search": "customer_search",
    "kb.search": "kb_search",
    "sales.order": "order",
    "sales.appointment": "appointment",
    "sales.payment": "payment",
    "collection.plan": "payment_plan",
    "collection.promise": "promise",
    "collection.callback": "callback",
    "campaign.callback": "callback",
    "survey.completed": "survey_complete",
    "crm.file_updated": "file_update",
    "wrapup.done": "wrapup",
}


def action_of(
    kind: str, payload: Mapping[str, Any], services_by_extension: Mapping[str, str]
) -> tuple[str, str] | None:
    """The (action, target) a journal entry records, or None when it is not an action."""
    if kind in _PLAIN:
        return _PLAIN[kind], ""
    match kind:
        case "crm.identity_check" if payload.get("verified", True):
            return "identity_check", ""
        case "kb.open":
            return "kb_open", str(payload.get("article_id") or payload.get("article") or "")
        case "form.submit" if payload.get("form", "qualification") == "qualification":
            return "qualification", ""
        case "transfer.completed":
            target = str(payload.get("target", ""))
            return "transfer", services_by_extension.get(target, target)
        case "memo.sent":
            return "memo", str(payload.get("recipient", "")).removeprefix("service:")
        case "message.answered":
            return "reply", str(payload.get("language", ""))
        case "letter.produced":
            return "letter", str(payload.get("template", "")).removesuffix(".docx")
    return None
