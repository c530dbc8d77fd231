"""The campaign desk: what the call-list, survey and collection panels ask of the CRM.

An application service (C1.3/C2.2 outbound calls, C1.7 survey, C1.8 collection): each method
is one use case, delegates to `crm.services` with the injected session factory, clock and the
company's collection rules, and returns the CRM's frozen views. Text typed by the agent
(dates, times, counts, amounts) is parsed here with French messages, so the widgets only
show, collect and report. Every method may block on the database: call it from a worker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from gettext import gettext as _
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import FieldError, RuleViolation, ValidationError
from crm.services import billing, campaigns, interactions, outbound, surveys
from crm.services.billing import CollectionRules, NewPaymentPlan, NewPromise
from crm.services.campaigns import Attempt
from crm.services.interactions import NewInteraction
from crm.services.outbound import CampaignView, PlanQuote
from crm.services.surveys import NewSurveyResponse
from crm.views import (
    CallListEntryView,
    CollectionItem,
    CompletionRate,
    Page,
    PaymentPlanView,
    PromiseView,
    QuestionView,
    SurveyResponseView,
    SurveyView,
)
from workstation.clock import Clock
from workstation.customer_desk import Choice
from workstation.dispositions import N_

PARIS = ZoneInfo("Europe/Paris")
_DATE_TIME = re.compile(r"(\S+)\s+(\d{1,2})[:hH](\d{2})")
#: The campaign of the collection calls (seed_data/campaigns.yaml).
COLLECTION_CAMPAIGN = "RECOUVREMENT"


#: The outcomes of a call attempt the agent picks (`crm.services.campaigns.ATTEMPT_OUTCOMES`).
ATTEMPT_CHOICES: tuple[Choice, ...] = (
    Choice("answered", N_("A répondu")),
    Choice("busy", N_("Occupé")),
    Choice("no_answer", N_("Pas de réponse")),
    Choice("wrong_number", N_("Faux numéro")),
    Choice("do_not_call", N_("Ne plus appeler")),
    Choice("callback", N_("À rappeler")),
)
#: What came of an answered call (`crm.services.campaigns.ANSWERED_RESULTS`).
RESULT_CHOICES: tuple[Choice, ...] = (
    Choice("sale", N_("Vente")),
    Choice("no_sale", N_("Pas de vente")),
    Choice("survey_completed", N_("Enquête complète")),
    Choice("survey_partial", N_("Enquête partielle")),
    Choice("promise_to_pay", N_("Promesse de règlement")),
    Choice("payment_plan", N_("Échéancier accordé")),
    Choice("paid", N_("Paiement reçu")),
    Choice("dispute", N_("Contestation")),
    Choice("refused", N_("Refus")),
)
#: Unanswered attempts after which a contact leaves the list.
MAX_ATTEMPTS = campaigns.MAX_ATTEMPTS
#: The nature of a campaign call in the customer's history, by campaign kind.
_HISTORY_NATURE = {"prospection": "prospection", "survey": "survey", "collection": "payment"}
#: The outcome of a campaign call in the customer's history (the interactions' vocabulary).
_HISTORY_OUTCOME = {
    "busy": "busy",
    "no_answer": "no_answer",
    "wrong_number": "wrong_number",
    "do_not_call": "refused",
    "callback": "callback",
    "survey_partial": "pending",
    "paid": "resolved",
    "dispute": "pending",
}


def collection_rules_from(company_yaml: Path) -> CollectionRules:
    """The company's collection rules (`collection` of seed_data/company.yaml)."""
    document = yaml.safe_load(company_yaml.read_text(encoding="utf-8"))
    return CollectionRules.from_company(document["collection"])


def parse_callback(text: str, *, field: str = "rappel") -> datetime:
    """A callback moment typed as "JJ/MM/AAAA HH:MM" (Paris time), as an aware datetime."""
    match = _DATE_TIME.fullmatch(text.strip())
    if match is None:
        raise ValidationError.single(
            field,
            _("Rappel invalide : saisissez la date et l'heure au format JJ/MM/AAAA HH:MM."),
        )
    day = validation.date_value(match.group(1), field=field)
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ValidationError.single(
            field, _("Heure invalide : « {value} ».").format(value=f"{hour}:{minute:02d}")
        )
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def parse_count(text: str, *, field: str = "echeances") -> int:
    """A whole number of instalments typed by the agent."""
    stripped = text.strip()
    if not stripped.isdigit():
        raise ValidationError.single(
            field, _("Indiquez le nombre d'échéances (un nombre entier, ex. 3).")
        )
    return int(stripped)


@dataclass(frozen=True)
class PlanRequest:
    """The payment plan as negotiated in the collection panel, as typed."""

    customer_id: int
    instalments: str
    first_due_on: str
    method: str = "card"
    iban: str = ""
    agent_id: int | None = None
    note: str = ""


class CampaignDesk:
    """The CRM use cases of the campaign panels (call list, survey, collection)."""

    def __init__(
        self, session_factory: sessionmaker, clock: Clock, collection_rules: CollectionRules
    ) -> None:
        self.clock = clock
        #: What a first-level agent may grant (company.yaml `collection`).
        self.collection_rules = collection_rules
        self._session_factory = session_factory

    # -- call lists (C1.3, C2.2) -------------------------------------------------------------

    def campaigns(self) -> tuple[CampaignView, ...]:
        """The campaigns in progress today."""
        return outbound.running_campaigns(self._session_factory, now=self.clock.now())

    def next_contacts(
        self, campaign_code: str, *, limit: int = 10
    ) -> tuple[CallListEntryView, ...]:
        """The next contacts of a campaign: due callbacks first, then by priority."""
        return campaigns.next_contacts(
            self._session_factory, campaign_code, now=self.clock.now(), limit=limit
        )

    def record_attempt(
        self,
        entry_id: int,
        outcome: str,
        *,
        result: str | None = None,
        callback: str = "",
        note: str = "",
        agent_id: int | None = None,
        call_id: str | None = None,
    ) -> CallListEntryView:
        """Record the outcome of a call attempt; a callback is typed "JJ/MM/AAAA HH:MM".

        The attempt also lands in the customer's history (C2.3), so that a sale, a survey or
        a collection call made from a campaign shows on the customer's card afterwards.
        """
        if outcome not in campaigns.ATTEMPT_OUTCOMES:
            raise ValidationError.single("issue", _("Choisissez l'issue de l'appel."))
        if outcome == "answered" and result not in campaigns.ANSWERED_RESULTS:
            raise ValidationError.single(
                "resultat", _("Le client a répondu : choisissez le résultat de l'appel.")
            )
        callback_at = parse_callback(callback) if outcome == "callback" else None
        now = self.clock.now()
        entry = campaigns.record_attempt(
            self._session_factory,
            Attempt(entry_id, outcome, result, callback_at, agent_id, note),
            now=now,
        )
        code = result if outcome == "answered" and result else outcome
        label = next(
            (c.description for c in (*ATTEMPT_CHOICES, *RESULT_CHOICES) if c.code == code), code
        )
        campaign = next((c for c in self.campaigns() if c.code == entry.campaign_code), None)
        name = campaign.name if campaign is not None else entry.campaign_code
        summary = _("Campagne « {campaign} » : {outcome}.").format(campaign=name, outcome=_(label))
        if note.strip():
            summary = f"{summary} {note.strip()}"
        interactions.record_interaction(
            self._session_factory,
            NewInteraction(
                channel="call",
                direction="outbound",
                motive=name[:120],
                nature=_HISTORY_NATURE.get(campaign.kind if campaign else "", "prospection"),
                outcome=_HISTORY_OUTCOME.get(code, code),
                started_at=now,
                ended_at=now,
                customer_id=entry.customer.id,
                summary=summary,
                agent_id=agent_id,
                call_id=call_id,
            ),
        )
        return entry

    def schedule_callback(
        self, entry_id: int, callback: str, *, agent_id: int | None = None
    ) -> CallListEntryView:
        """Schedule a callback ("JJ/MM/AAAA HH:MM") without counting an attempt."""
        return campaigns.schedule_callback(
            self._session_factory,
            entry_id,
            parse_callback(callback),
            now=self.clock.now(),
            agent_id=agent_id,
        )

    # -- survey (C1.7) -----------------------------------------------------------------------

    def survey(self, survey_code: str) -> SurveyView:
        """The questionnaire, its questions in order."""
        return surveys.get_survey(self._session_factory, survey_code)

    def campaign_survey(self, campaign_code: str) -> SurveyView:
        """The questionnaire of a running survey campaign."""
        campaign = next((c for c in self.campaigns() if c.code == campaign_code), None)
        if campaign is None or campaign.survey_code is None:
            raise RuleViolation(
                "not_a_survey",
                _("La campagne « {code} » n'est pas une enquête en cours.").format(
                    code=campaign_code[:32]
                ),
            )
        return self.survey(campaign.survey_code)

    def check_answer(self, question: QuestionView, value: Any) -> Any:
        """The answer if valid for the question (`ValidationError` in French otherwise)."""
        return surveys.check_answer(question, value, f"question_{question.position}")

    def record_survey(
        self,
        survey_code: str,
        answers: Mapping[int, Any],
        *,
        campaign_code: str | None,
        customer_id: int | None,
        started_at: datetime | None,
        call_id: str | None = None,
        agent_id: int | None = None,
        status: str = "complete",
    ) -> SurveyResponseView:
        """Save the answers exactly as given; nothing is written if one is refused."""
        return surveys.record_answers(
            self._session_factory,
            NewSurveyResponse(
                survey_code=survey_code,
                answers=dict(answers),
                started_at=started_at,
                customer_id=customer_id,
                campaign_code=campaign_code,
                agent_id=agent_id,
                call_id=call_id,
                status=status,
            ),
            now=self.clock.now(),
        )

    def completion_rate(self, campaign_code: str) -> CompletionRate:
        """How many contacts of the campaign answered completely, partly, or refused."""
        return surveys.completion_rate(self._session_factory, campaign_code)

    # -- collection (C1.8) -------------------------------------------------------------------

    def collection_list(self, *, page: int = 1, page_size: int = 20) -> Page[CollectionItem]:
        """Customers with overdue invoices, oldest debt first."""
        return billing.collection_list(
            self._session_factory,
            rules=self.collection_rules,
            now=self.clock.now(),
            page=page,
            page_size=page_size,
        )

    def _plan(self, request: PlanRequest) -> NewPaymentPlan:
        check = validation.Checker()
        count = check(parse_count, request.instalments)
        first_due = check(validation.date_value, request.first_due_on, field="premiere_echeance")
        check.raise_if_any()
        return NewPaymentPlan(
            customer_id=request.customer_id,
            instalments=count,
            first_due_on=first_due,
            method=request.method,
            iban=request.iban,
            agent_id=request.agent_id,
            note=request.note,
        )

    def quote_plan(self, request: PlanRequest) -> PlanQuote:
        """The plan computed and checked by the company's rules, nothing written yet."""
        return outbound.quote_payment_plan(
            self._session_factory,
            self._plan(request),
            rules=self.collection_rules,
            now=self.clock.now(),
        )

    def agree_plan(self, request: PlanRequest) -> PaymentPlanView:
        """Set up the plan the customer agreed to (checked again: the rules may refuse)."""
        return billing.setup_payment_plan(
            self._session_factory,
            self._plan(request),
            rules=self.collection_rules,
            now=self.clock.now(),
        )

    def record_promise(
        self,
        customer_id: int,
        amount: str,
        promised_on: str,
        *,
        started_at: datetime,
        call_id: str | None = None,
        agent_id: int | None = None,
        note: str = "",
    ) -> PromiseView:
        """Record a promise to pay in the customer's history."""
        return billing.record_promise(
            self._session_factory,
            NewPromise(
                customer_id=customer_id,
                amount=amount,
                promised_on=promised_on,
                started_at=started_at,
                agent_id=agent_id,
                call_id=call_id,
                note=note,
            ),
            rules=self.collection_rules,
            now=self.clock.now(),
        )

    def collection_callback(
        self, customer_id: int, callback: str, *, agent_id: int | None = None
    ) -> CallListEntryView:
        """Schedule a callback on the customer's entry of the collection campaign."""
        when = parse_callback(callback)
        entries = campaigns.next_contacts(
            self._session_factory, COLLECTION_CAMPAIGN, now=self.clock.now(), limit=100
        )
        entry = next((item for item in entries if item.customer.id == customer_id), None)
        if entry is None:
            raise ValidationError(
                [
                    FieldError(
                        "rappel",
                        _("Ce client n'est pas à rappeler dans la campagne de recouvrement."),
                    )
                ]
            )
        return campaigns.schedule_callback(
            self._session_factory, entry.id, when, now=self.clock.now(), agent_id=agent_id
        )
