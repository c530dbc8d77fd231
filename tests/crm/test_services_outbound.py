"""Outbound work and the organisation: surveys (C1.7), call lists (C1.6, C1.8), log-in, org
chart (C4.1) and objectives (C4.4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, table
from sqlalchemy.orm import sessionmaker

from crm.errors import AuthenticationFailed, NotFound, RuleViolation, ValidationError
from crm.models import (
    CRM_TABLES,
    CallListEntry,
    Campaign,
    Customer,
    Objective,
    Service,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    User,
)
from crm.passwords import hash_password
from crm.services import campaigns, surveys, users
from crm.services.campaigns import Attempt
from crm.services.surveys import NewSurveyResponse

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def counts(session_factory: sessionmaker) -> dict[str, int]:
    with session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in CRM_TABLES
        }


@pytest.fixture
def world(session_factory: sessionmaker) -> dict[str, Any]:
    """A survey with one question of each kind, its campaign over three customers, and a
    prospection campaign; an org chart with a student and their objectives."""
    with session_factory.begin() as session:
        people = [
            Customer(
                number=f"CL000000{index}",
                kind="particulier",
                civility="Mme",
                first_name="Sophie",
                last_name=name,
                address_line1="1 rue de la Paix",
                postcode="69001",
                city="Lyon",
            )
            for index, name in enumerate(("Durand", "Martin", "Petit"), start=1)
        ]
        session.add_all(people)
        survey = Survey(
            code="SATISFACTION",
            title="Satisfaction",
            questions=[
                SurveyQuestion(
                    position=1,
                    text="Êtes-vous satisfait ?",
                    kind="single",
                    choices=["Oui", "Non"],
                ),
                SurveyQuestion(
                    position=2,
                    text="Quels services utilisez-vous ?",
                    kind="multiple",
                    choices=["Box", "Mobile", "TV"],
                ),
                SurveyQuestion(position=3, text="Note", kind="scale", scale_min=0, scale_max=10),
                SurveyQuestion(position=4, text="Commentaire", kind="text", required=False),
            ],
        )
        session.add(survey)
        session.flush()
        survey_campaign = Campaign(
            code="ENQ-2026",
            kind="survey",
            name="Enquête",
            starts_on=date(2026, 11, 1),
            survey_id=survey.id,
        )
        prospection = Campaign(
            code="PROSPECT", kind="prospection", name="Fibre", starts_on=date(2026, 11, 1)
        )
        closed = Campaign(
            code="OLD",
            kind="prospection",
            name="Ancienne",
            status="closed",
            starts_on=date(2025, 1, 1),
        )
        session.add_all([survey_campaign, prospection, closed])
        session.flush()
        for campaign in (survey_campaign, prospection):
            for priority, person in zip((30, 10, 20), people, strict=True):
                session.add(
                    CallListEntry(
                        campaign_id=campaign.id,
                        customer_id=person.id,
                        phone_e164="+33612345678",
                        priority=priority,
                    )
                )
        accueil = Service(code="accueil", name="Accueil clients", extension="200", queue="accueil")
        supervision = Service(code="supervision", name="Supervision", extension="260")
        session.add_all([accueil, supervision])
        session.flush()
        student = User(
            login="eleve",
            display_name="Camille Martin",
            role="student",
            password_hash=hash_password("eleve"),
            extension="101",
            service_id=accueil.id,
        )
        gone = User(
            login="ancien",
            display_name="Ancien Élève",
            role="student",
            password_hash=hash_password("ancien"),
            service_id=accueil.id,
            active=False,
        )
        session.add_all([student, gone])
        session.flush()
        session.add_all(
            [
                Objective(
                    service_id=accueil.id,
                    kind="quantitative",
                    metric="calls_handled",
                    label="Appels traités",
                    target=Decimal("40"),
                    comparison="at_least",
                    unit="appels",
                    period="day",
                ),
                Objective(
                    user_id=student.id,
                    kind="qualitative",
                    metric="reformulation",
                    label="Reformuler la demande",
                    period="shift",
                ),
            ]
        )
        return {
            "customers": [p.id for p in people],
            "questions": [q.id for q in survey.questions],
            "student": student.id,
        }


def test_survey_answers_are_recorded_exactly(
    session_factory: sessionmaker, world: dict[str, Any]
) -> None:
    q1, q2, q3, q4 = world["questions"]
    survey = surveys.get_survey(session_factory, "SATISFACTION")
    assert [q.kind for q in survey.questions] == ["single", "multiple", "scale", "text"]
    recorded = surveys.record_answers(
        session_factory,
        NewSurveyResponse(
            "SATISFACTION",
            {q1: "Oui", q2: ["TV", "Box"], q3: 0, q4: "Très bien, merci"},
            customer_id=world["customers"][0],
            campaign_code="ENQ-2026",
            started_at=NOW - timedelta(minutes=3),
        ),
        now=NOW,
    )
    assert recorded.answers == {q1: "Oui", q2: ["TV", "Box"], q3: 0, q4: "Très bien, merci"}
    with session_factory() as session:
        stored = {a.question_id: a.value for a in session.scalars(select(SurveyAnswer))}
    assert stored == recorded.answers
    partial = surveys.record_answers(
        session_factory,
        NewSurveyResponse(
            "SATISFACTION",
            {q1: "Non"},
            customer_id=world["customers"][1],
            campaign_code="ENQ-2026",
            status="partial",
        ),
        now=NOW,
    )
    assert partial.answers == {q1: "Non"}
    rate = surveys.completion_rate(session_factory, "ENQ-2026")
    assert (rate.contacts, rate.complete, rate.partial, rate.refused) == (3, 1, 1, 0)
    assert rate.rate == pytest.approx(1 / 3)


def test_bad_survey_answers_write_nothing(
    session_factory: sessionmaker, world: dict[str, Any]
) -> None:
    q1, q2, q3, q4 = world["questions"]
    good = {q1: "Oui", q2: ["Box"], q3: 7}
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"answers": {**good, q1: "Peut-être"}}, ValidationError, "Question 1 : choisissez"),
        ({"answers": {**good, q2: ["Box", "Box"]}}, ValidationError, "Question 2"),
        ({"answers": {**good, q2: ["Fax"]}}, ValidationError, "Question 2"),
        ({"answers": {**good, q3: 11}}, ValidationError, "note entière de 0 à 10"),
        ({"answers": {**good, q3: True}}, ValidationError, "note entière"),
        ({"answers": {**good, q3: "7"}}, ValidationError, "note entière"),
        ({"answers": {q1: "Oui", q3: 7}}, ValidationError, "Question 2 : une réponse est"),
        ({"answers": {**good, 99999: "x"}}, ValidationError, "pas dans ce questionnaire"),
        ({"answers": {**good, q4: 12}}, ValidationError, "Question 4"),
        ({"status": "refused"}, ValidationError, "aucune réponse"),
        ({"status": "partial", "answers": {}}, ValidationError, "au moins une réponse"),
        ({"status": "maybe"}, ValidationError, "Statut"),
        ({"survey_code": "NOPE"}, NotFound, "Questionnaire introuvable"),
        ({"campaign_code": "PROSPECT"}, RuleViolation, "ne porte pas sur ce questionnaire"),
        ({"customer_id": 404}, NotFound, "Client introuvable"),
    ]
    before = counts(session_factory)
    for changes, error, message in cases:
        request = replace(NewSurveyResponse("SATISFACTION", good), **changes)
        with pytest.raises(error, match=message):
            surveys.record_answers(session_factory, request, now=NOW)
    assert counts(session_factory) == before
    with pytest.raises(NotFound):
        surveys.completion_rate(session_factory, "NOPE")


def test_call_list_attempts_and_callbacks(
    session_factory: sessionmaker, world: dict[str, Any]
) -> None:
    durand, martin, petit = world["customers"]
    queue = campaigns.next_contacts(session_factory, "PROSPECT", now=NOW)
    assert [entry.customer.id for entry in queue] == [martin, petit, durand]  # by priority
    first = queue[0]
    busy = campaigns.record_attempt(
        session_factory, Attempt(first.id, "busy", agent_id=world["student"]), now=NOW
    )
    assert (busy.status, busy.outcome, busy.attempts) == ("pending", "busy", 1)
    later = NOW + timedelta(hours=2)
    callback = campaigns.record_attempt(
        session_factory, Attempt(queue[1].id, "callback", callback_at=later), now=NOW
    )
    assert callback.status == "callback" and callback.callback_at == later
    sold = campaigns.record_attempt(
        session_factory, Attempt(queue[2].id, "answered", result="sale", note="Box Plus"), now=NOW
    )
    assert (sold.status, sold.outcome, sold.note) == ("done", "sale", "Box Plus")
    # The callback is not due yet; once it is, it comes first.
    assert [
        e.customer.id for e in campaigns.next_contacts(session_factory, "PROSPECT", now=NOW)
    ] == [martin]
    due = campaigns.next_contacts(session_factory, "PROSPECT", now=later)
    assert [e.customer.id for e in due] == [petit, martin]
    moved = campaigns.schedule_callback(session_factory, queue[0].id, later, now=NOW)
    assert moved.status == "callback" and moved.attempts == 1
    dnc = campaigns.record_attempt(session_factory, Attempt(queue[0].id, "do_not_call"), now=NOW)
    assert (dnc.status, dnc.outcome) == ("excluded", "refused")


def test_bad_attempts_write_nothing(session_factory: sessionmaker, world: dict[str, Any]) -> None:
    entry = campaigns.next_contacts(session_factory, "PROSPECT", now=NOW)[0]
    before = counts(session_factory)
    cases: list[tuple[Attempt, type[Exception], str]] = [
        (Attempt(entry.id, "maybe"), ValidationError, "Valeur invalide"),
        (Attempt(entry.id, "answered"), ValidationError, "Valeur invalide"),
        (Attempt(entry.id, "callback"), ValidationError, "heure du rappel"),
        (Attempt(entry.id, "callback", callback_at=NOW), ValidationError, "futur"),
        (Attempt(404, "busy"), NotFound, "liste d'appels"),
        (Attempt(entry.id, "busy", agent_id=404), NotFound, "Conseiller introuvable"),
    ]
    for attempt, error, message in cases:
        with pytest.raises(error, match=message):
            campaigns.record_attempt(session_factory, attempt, now=NOW)
    with pytest.raises(ValidationError, match="futur"):
        campaigns.schedule_callback(session_factory, entry.id, NOW - timedelta(minutes=1), now=NOW)
    with pytest.raises(RuleViolation, match="n'est pas en cours"):
        campaigns.next_contacts(session_factory, "OLD", now=NOW)
    with pytest.raises(NotFound, match="Campagne introuvable"):
        campaigns.next_contacts(session_factory, "NOPE", now=NOW)
    assert counts(session_factory) == before
    campaigns.record_attempt(session_factory, Attempt(entry.id, "wrong_number"), now=NOW)
    with pytest.raises(RuleViolation, match="déjà traité"):
        campaigns.record_attempt(session_factory, Attempt(entry.id, "busy"), now=NOW)


def test_authentication(session_factory: sessionmaker, world: dict[str, Any]) -> None:
    user = users.authenticate(session_factory, " Eleve ", "eleve")
    assert (user.login, user.role, user.extension, user.service_code) == (
        "eleve",
        "student",
        "101",
        "accueil",
    )
    messages = set()
    for login, password in (("eleve", "faux"), ("inconnu", "eleve"), ("ancien", "ancien")):
        with pytest.raises(AuthenticationFailed) as caught:
            users.authenticate(session_factory, login, password)
        messages.add(str(caught.value))
    assert messages == {"Identifiant ou mot de passe incorrect."}
    with pytest.raises(ValidationError, match="Saisissez votre identifiant"):
        users.authenticate(session_factory, "", "x")


def test_org_chart_and_objectives(session_factory: sessionmaker, world: dict[str, Any]) -> None:
    chart = users.org_chart(session_factory)
    assert [(s.code, s.extension) for s in chart] == [("accueil", "200"), ("supervision", "260")]
    assert chart[0].members == ("Camille Martin",)
    goals = users.objectives(session_factory, world["student"])
    assert [(g.scope, g.metric) for g in goals] == [
        ("agent", "reformulation"),
        ("team", "calls_handled"),
    ]
    assert (goals[1].target, goals[1].comparison) == (Decimal("40"), "at_least")
    with pytest.raises(NotFound):
        users.objectives(session_factory, 404)
