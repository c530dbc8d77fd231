"""Outbound campaigns (C1.6, C1.7, C1.8): next contacts to call, attempt outcomes, callbacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import CallListEntry, Campaign, Customer, User
from crm.services._common import require_aware, summary_of
from crm.views import CallListEntryView

#: Attempt outcomes an agent picks, with the entry status each one leads to.
ATTEMPT_OUTCOMES: dict[str, str] = {
    "answered": "done",
    "busy": "pending",
    "no_answer": "pending",
    "wrong_number": "excluded",
    "do_not_call": "excluded",
    "callback": "callback",
}
#: The stored outcome code (the model's CALL_OUTCOMES) of each attempt outcome.
_STORED_OUTCOME = {
    "busy": "busy",
    "no_answer": "no_answer",
    "wrong_number": "wrong_number",
    "do_not_call": "refused",
    "callback": "callback",
}
ANSWERED_RESULTS = (
    "sale",
    "no_sale",
    "survey_completed",
    "survey_partial",
    "promise_to_pay",
    "payment_plan",
    "paid",
    "dispute",
    "refused",
)
#: After this many unanswered attempts a contact leaves the list.
MAX_ATTEMPTS = 5


def _entry_of(entry: CallListEntry, campaign: Campaign, customer: Customer) -> CallListEntryView:
    return CallListEntryView(
        id=entry.id,
        campaign_code=campaign.code,
        customer=summary_of(customer),
        phone_e164=entry.phone_e164,
        status=entry.status,
        outcome=entry.outcome,
        attempts=entry.attempts,
        priority=entry.priority,
        callback_at=entry.callback_at,
        last_attempt_at=entry.last_attempt_at,
        amount_due=entry.amount_due,
        days_late=entry.days_late,
        note=entry.note,
    )


def _campaign(session: Session, code: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        raise NotFound(_("Campagne introuvable : « {code} ».").format(code=str(code)[:32]))
    return campaign


def next_contacts(
    session_factory: sessionmaker, campaign_code: str, *, now: datetime, limit: int = 10
) -> tuple[CallListEntryView, ...]:
    """The next contacts to call: callbacks now due first, then pending ones by priority."""
    require_aware(now, "now")
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ValidationError.single("limite", _("Nombre de contacts invalide (1 à 100)."))
    with session_factory.begin() as session:
        campaign = _campaign(session, campaign_code)
        if campaign.status != "running":
            raise RuleViolation(
                "campaign_not_running",
                _("La campagne « {name} » n'est pas en cours.").format(name=campaign.name),
            )
        due_callback = and_(CallListEntry.status == "callback", CallListEntry.callback_at <= now)
        rows = session.execute(
            select(CallListEntry, Customer)
            .join(Customer, Customer.id == CallListEntry.customer_id)
            .where(
                CallListEntry.campaign_id == campaign.id,
                or_(CallListEntry.status == "pending", due_callback),
            )
            .order_by(
                (CallListEntry.status != "callback"),
                CallListEntry.callback_at,
                CallListEntry.priority,
                CallListEntry.id,
            )
            .limit(limit)
        ).all()
        return tuple(_entry_of(entry, campaign, customer) for entry, customer in rows)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one call attempt on a call-list entry.

    `outcome` is one of ATTEMPT_OUTCOMES; an answered call also gives its `result`
    (ANSWERED_RESULTS, e.g. "sale"); a callback gives `callback_at`.
    """

    entry_id: int
    outcome: str
    result: str | None = None
    callback_at: datetime | None = None
    agent_id: int | None = None
    note: str = ""


def record_attempt(
    session_factory: sessionmaker, attempt: Attempt, *, now: datetime
) -> CallListEntryView:
    """Record an attempt (answered, busy, no answer, wrong number, do not call, callback)."""
    require_aware(now, "now")
    check = validation.Checker()
    outcome = check(
        validation.choice,
        attempt.outcome,
        {
            "answered": _("a répondu"),
            "busy": _("occupé"),
            "no_answer": _("pas de réponse"),
            "wrong_number": _("faux numéro"),
            "do_not_call": _("ne plus appeler"),
            "callback": _("à rappeler"),
        },
        field="issue",
    )
    if outcome == "answered":
        check(validation.choice, attempt.result, ANSWERED_RESULTS, field="resultat")
    if outcome == "callback":
        _check_callback(check, attempt.callback_at, now)
    note = check(validation.text_value, attempt.note, field="commentaire", required=False)
    check.raise_if_any()
    with session_factory.begin() as session:
        entry = session.get(CallListEntry, attempt.entry_id)
        if entry is None:
            raise NotFound(_("Contact introuvable dans la liste d'appels."))
        if attempt.agent_id is not None and session.get(User, attempt.agent_id) is None:
            raise NotFound(
                _("Conseiller introuvable (identifiant {id}).").format(id=attempt.agent_id)
            )
        if entry.status in ("done", "excluded"):
            raise RuleViolation("entry_closed", _("Ce contact est déjà traité."))
        entry.attempts += 1
        entry.last_attempt_at = now
        entry.last_agent_id = attempt.agent_id
        entry.status = ATTEMPT_OUTCOMES[outcome]
        entry.outcome = attempt.result if outcome == "answered" else _STORED_OUTCOME[outcome]
        entry.callback_at = attempt.callback_at if outcome == "callback" else None
        if outcome in ("busy", "no_answer") and entry.attempts >= MAX_ATTEMPTS:
            entry.status = "excluded"
        if note:
            entry.note = f"{entry.note}\n{note}".strip()
        session.flush()
        customer = session.get(Customer, entry.customer_id)
        assert customer is not None
        return _entry_of(entry, entry.campaign, customer)


def _check_callback(check: validation.Checker, when: datetime | None, now: datetime) -> None:
    if not isinstance(when, datetime) or when.tzinfo is None:
        check.add("rappel", _("Indiquez la date et l'heure du rappel."))
    elif when <= now:
        check.add("rappel", _("Le rappel doit être programmé dans le futur."))


def schedule_callback(
    session_factory: sessionmaker,
    entry_id: int,
    callback_at: datetime,
    *,
    now: datetime,
    agent_id: int | None = None,
) -> CallListEntryView:
    """Schedule (or move) a callback on a call-list entry without counting an attempt."""
    require_aware(now, "now")
    check = validation.Checker()
    _check_callback(check, callback_at, now)
    check.raise_if_any()
    with session_factory.begin() as session:
        entry = session.get(CallListEntry, entry_id)
        if entry is None:
            raise NotFound(_("Contact introuvable dans la liste d'appels."))
        if entry.status in ("done", "excluded"):
            raise RuleViolation("entry_closed", _("Ce contact est déjà traité."))
        entry.status = "callback"
        entry.outcome = "callback"
        entry.callback_at = callback_at
        if agent_id is not None:
            entry.last_agent_id = agent_id
        session.flush()
        customer = session.get(Customer, entry.customer_id)
        assert customer is not None
        return _entry_of(entry, entry.campaign, customer)
