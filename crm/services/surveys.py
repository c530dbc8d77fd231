"""Surveys (C1.7): read a questionnaire, record the answers exactly as given, completion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from gettext import gettext as _
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import (
    CallListEntry,
    Campaign,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    User,
)
from crm.services._common import get_customer, require_aware
from crm.views import (
    CompletionRate,
    QuestionView,
    Recent,
    SurveyParticipation,
    SurveyResponseView,
    SurveyView,
)


def _question_of(question: SurveyQuestion) -> QuestionView:
    return QuestionView(
        id=question.id,
        position=question.position,
        text=question.text,
        kind=question.kind,
        choices=tuple(question.choices or ()),
        scale_min=question.scale_min,
        scale_max=question.scale_max,
        required=question.required,
    )


def _load_survey(session: Session, code: str) -> SurveyView:
    survey = session.scalar(
        select(Survey).where(Survey.code == code).options(selectinload(Survey.questions))
    )
    if survey is None:
        raise NotFound(_("Questionnaire introuvable : « {code} ».").format(code=str(code)[:32]))
    return SurveyView(
        id=survey.id,
        code=survey.code,
        title=survey.title,
        introduction=survey.introduction,
        conclusion=survey.conclusion,
        questions=tuple(_question_of(question) for question in survey.questions),
    )


def get_survey(session_factory: sessionmaker, code: str) -> SurveyView:
    """A questionnaire with its questions in order, for the agent to read (C1.7)."""
    with session_factory.begin() as session:
        return _load_survey(session, code)


def check_answer(question: QuestionView, value: Any, field_name: str) -> Any:
    """`value` if it is a valid answer to `question`, else ValidationError; None = no answer.

    Single choice: one of the choices; multiple: a subset (no repeats); scale: an integer
    in range; text: non-empty when the question is required.
    """
    if value is None or value == "" or value == [] or value == ():
        if question.required:
            raise ValidationError.single(
                field_name,
                _("Question {n} : une réponse est obligatoire.").format(n=question.position),
            )
        return None
    if question.kind == "single":
        if not isinstance(value, str) or value not in question.choices:
            raise ValidationError.single(
                field_name,
                _("Question {n} : choisissez une réponse parmi : {choices}.").format(
                    n=question.position, choices=", ".join(question.choices)
                ),
            )
        return value
    if question.kind == "multiple":
        items = [value] if isinstance(value, str) else value
        if (
            not isinstance(items, list | tuple)
            or not all(isinstance(item, str) and item in question.choices for item in items)
            or len(set(items)) != len(items)
        ):
            raise ValidationError.single(
                field_name,
                _("Question {n} : les réponses doivent être prises parmi : {choices}.").format(
                    n=question.position, choices=", ".join(question.choices)
                ),
            )
        return list(items)
    if question.kind == "scale":
        low, high = question.scale_min, question.scale_max
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or low is None
            or high is None
            or not low <= value <= high
        ):
            raise ValidationError.single(
                field_name,
                _("Question {n} : donnez une note entière de {low} à {high}.").format(
                    n=question.position, low=low, high=high
                ),
            )
        return value
    if not isinstance(value, str):
        raise ValidationError.single(
            field_name, _("Question {n} : réponse invalide.").format(n=question.position)
        )
    text = validation.text_value(value, field=field_name, required=question.required)
    return text or None


@dataclass(frozen=True)
class NewSurveyResponse:
    """Answers given during one call, keyed by question id.

    `status` "complete" requires every required question; "partial" keeps what was
    answered; "refused" records that the customer declined (no answers).
    """

    survey_code: str
    answers: Mapping[int, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    customer_id: int | None = None
    campaign_code: str | None = None
    agent_id: int | None = None
    call_id: str | None = None
    status: str = "complete"


def record_answers(
    session_factory: sessionmaker, response: NewSurveyResponse, *, now: datetime
) -> SurveyResponseView:
    """Record a customer's survey answers exactly as given, each checked against its
    question's type (C1.7 "conduire une enquête")."""
    require_aware(now, "now")
    if response.status not in ("complete", "partial", "refused"):
        raise ValidationError.single("statut", _("Statut de réponse invalide."))
    # One transaction: the questions are read, the answers checked against them (an error
    # rolls back before anything is written), then the response is stored.
    with session_factory.begin() as session:
        survey = _load_survey(session, response.survey_code)
        questions = {question.id: question for question in survey.questions}
        check = validation.Checker()
        unknown = [key for key in response.answers if key not in questions]
        if unknown:
            check.add("reponses", _("Réponse à une question qui n'est pas dans ce questionnaire."))
        answers: dict[int, Any] = {}
        if response.status == "refused":
            if response.answers:
                check.add("reponses", _("Un refus ne comporte aucune réponse."))
        else:
            for question in survey.questions:
                value = response.answers.get(question.id)
                if response.status == "partial" and value in (None, "", [], ()):
                    continue
                checked = check(check_answer, question, value, f"question_{question.position}")
                if checked is not None:
                    answers[question.id] = checked
            if response.status == "partial" and not answers and not check.errors:
                check.add("reponses", _("Une réponse partielle comporte au moins une réponse."))
        check.raise_if_any()
        if response.customer_id is not None:
            get_customer(session, response.customer_id)
        if response.agent_id is not None and session.get(User, response.agent_id) is None:
            raise NotFound(
                _("Conseiller introuvable (identifiant {id}).").format(id=response.agent_id)
            )
        campaign_id = entry_id = None
        if response.campaign_code is not None:
            campaign = session.scalar(
                select(Campaign).where(Campaign.code == response.campaign_code)
            )
            if campaign is None or campaign.survey_id != survey.id:
                raise RuleViolation(
                    "campaign_survey",
                    _("Cette campagne ne porte pas sur ce questionnaire."),
                )
            campaign_id = campaign.id
            if response.customer_id is not None:
                entry_id = session.scalar(
                    select(CallListEntry.id).where(
                        CallListEntry.campaign_id == campaign.id,
                        CallListEntry.customer_id == response.customer_id,
                    )
                )
        row = SurveyResponse(
            survey_id=survey.id,
            customer_id=response.customer_id,
            campaign_id=campaign_id,
            call_list_entry_id=entry_id,
            agent_id=response.agent_id,
            call_id=response.call_id,
            status=response.status,
            started_at=response.started_at or now,
            completed_at=now,
            answers=[
                SurveyAnswer(question_id=question_id, value=value)
                for question_id, value in answers.items()
            ],
        )
        session.add(row)
        session.flush()
        return SurveyResponseView(
            id=row.id,
            survey_id=survey.id,
            customer_id=row.customer_id,
            status=row.status,
            answers=dict(answers),
            completed_at=row.completed_at,
        )


def completion_rate(session_factory: sessionmaker, campaign_code: str) -> CompletionRate:
    """How many contacts of a survey campaign answered completely, partly, or refused."""
    with session_factory.begin() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.code == campaign_code))
        if campaign is None:
            raise NotFound(
                _("Campagne introuvable : « {code} ».").format(code=str(campaign_code)[:32])
            )
        contacts = (
            session.scalar(select(func.count()).where(CallListEntry.campaign_id == campaign.id))
            or 0
        )
        # A customer answering twice counts once, with their best status.
        by_status: dict[str, set[int]] = {"complete": set(), "partial": set(), "refused": set()}
        for customer_id, status in session.execute(
            select(SurveyResponse.customer_id, SurveyResponse.status).where(
                SurveyResponse.campaign_id == campaign.id
            )
        ):
            by_status[status].add(customer_id)
        partial = by_status["partial"] - by_status["complete"]
        refused = by_status["refused"] - by_status["complete"] - partial
        return CompletionRate(
            campaign_code=campaign.code,
            contacts=contacts,
            complete=len(by_status["complete"]),
            partial=len(partial),
            refused=len(refused),
        )


def recent_responses(
    session: Session, customer_id: int, limit: int = 3
) -> Recent[SurveyParticipation]:
    """A customer's latest survey responses (complete, partial or refused), newest first,
    with their count (within `session`, for the customer card's transaction)."""
    answered = (
        select(func.count(SurveyAnswer.id))
        .where(SurveyAnswer.response_id == SurveyResponse.id)
        .scalar_subquery()
    )
    questions = (
        select(func.count(SurveyQuestion.id))
        .where(SurveyQuestion.survey_id == SurveyResponse.survey_id)
        .scalar_subquery()
    )
    # The window count travels with the rows: one round trip gives the items and the total.
    rows = session.execute(
        select(SurveyResponse, Survey.code, Survey.title, answered, questions, func.count().over())
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.customer_id == customer_id)
        .order_by(SurveyResponse.started_at.desc(), SurveyResponse.id.desc())
        .limit(max(1, limit))
    ).all()
    items = tuple(
        SurveyParticipation(
            id=response.id,
            survey_code=code,
            survey_title=title,
            status=response.status,
            answered=answered_count or 0,
            questions=question_count or 0,
            started_at=response.started_at,
            completed_at=response.completed_at,
        )
        for response, code, title, answered_count, question_count, _total in rows
    )
    return Recent(items, rows[0][5] if rows else 0)


def customer_responses(
    session_factory: sessionmaker, customer_id: int, *, limit: int = 3
) -> Recent[SurveyParticipation]:
    """A customer's latest survey responses (C1.7), newest first, with their count;
    `NotFound` if the customer does not exist."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        return recent_responses(session, customer_id, limit)
