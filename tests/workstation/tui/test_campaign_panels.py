"""The campaign panels (C1.3/C2.2 call list, C1.7 survey, C1.8 collection) in a harness app on
a seeded database: database rows, posted messages, refused input with row counts unchanged,
and both terminal sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from crm.models import (
    CallListEntry,
    Instalment,
    Interaction,
    PaymentPlan,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from crm.services.customers import find_by_number
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_company, seeded_session_factory  # noqa: F401
from workstation.campaign_desk import (
    ATTEMPT_CHOICES,
    RESULT_CHOICES,
    CampaignDesk,
    collection_rules_from,
)
from workstation.clock import VirtualClock
from workstation.tui.widgets.call_list_panel import CallListPanel
from workstation.tui.widgets.collection_panel import CollectionPanel
from workstation.tui.widgets.survey_panel import SurveyPanel

SIZES = [(80, 24), (120, 40)]
CALL_ID = "1764662400.77"


class Harness(App[None]):
    """One panel alone on a screen, as the desk mounts it in a tab."""

    def __init__(self, panel: Widget) -> None:
        super().__init__()
        self.panel = panel
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        # What the desk puts around a tab: the softphone bar, the tab row, the footer.
        yield Static("softphone", classes="bar")
        yield Static("onglets", classes="tabs")
        yield self.panel
        yield Footer()

    CSS = """
    .bar { height: 3; }
    .tabs { height: 2; }
    """


class Captured:
    """The panels' public messages, each once."""

    def __init__(self, *kinds: type) -> None:
        self.kinds = kinds
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, self.kinds) and all(m is not message for m in self.messages):
            self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot) -> None:
    for _round in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.query_one(selector).render())


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    pilot.app.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*("space" if char == " " else char for char in text))


async def visible(pilot: Pilot, selector: str) -> bool:
    """Whether the widget, once scrolled to, lies whole inside the screen."""
    widget = pilot.app.query_one(selector)
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    region = widget.region
    screen = pilot.app.screen.region
    return region.width > 0 and region.height > 0 and screen.contains_region(region)


def in_sight(pilot: Pilot, selector: str) -> bool:
    """Whether the widget lies whole on the screen as it is, without scrolling to it."""
    region = pilot.app.query_one(selector).region
    return region.height > 0 and pilot.app.screen.region.contains_region(region)


def count(factory: sessionmaker, model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def customer_id(factory: sessionmaker, number: str) -> int:
    summary = find_by_number(factory, number)
    assert summary is not None
    return summary.id


def make_desk(factory: sessionmaker, clock: VirtualClock) -> CampaignDesk:
    return CampaignDesk(factory, clock, collection_rules_from(SEED_DIR / "company.yaml"))


# -- collection (C1.8) -------------------------------------------------------------------------


async def test_three_instalment_plan_negotiated_by_keyboard(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    petit = customer_id(factory, "CL0000003")
    leclercq = customer_id(factory, "CL0000012")
    plans, instalments = count(factory, PaymentPlan), count(factory, Instalment)
    captured = Captured(
        CollectionPanel.PlanAgreed, CollectionPanel.FormError, CollectionPanel.PromiseRecorded
    )
    panel = CollectionPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        await settle(pilot)
        # Oldest debt first: Leclercq, 79 days late, every step up to termination.
        assert panel.customer_id == leclercq
        glance = text_of(pilot, "#cp-customer")
        assert "41,58\u00a0€" in glance and "79 jours de retard" in glance
        assert "Mise en demeure" in glance and "FA-2026-0000069" in glance
        for selector in (
            "#cp-list",
            "#cp-count",
            "#cp-first-due",
            "#cp-quote",
            "#cp-agree",
            "#cp-promise",
            "#cp-callback-button",
        ):
            assert await visible(pilot, selector), selector
        # Her open invoices, 57,57 € in 4, are 14,39 € an instalment: under 15,00 €, refused.
        await type_into(pilot, "#cp-count", "4")
        await type_into(pilot, "#cp-first-due", "15/11/2026")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert panel.quote is None
        error = text_of(pilot, "#cp-error")
        assert "inférieure au minimum de 15,00" in error
        # Confirming without a valid plan is refused too.
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Calculez d'abord" in text_of(pilot, "#cp-error")
        assert (count(factory, PaymentPlan), count(factory, Instalment)) == (plans, instalments)
        # Down the list to Petit (48 days late), 3 instalments: within the rules.
        panel.query_one("#cp-list").focus()
        await pilot.press("down")
        await settle(pilot)
        assert panel.customer_id == petit
        await clock.advance(30)
        for selector, text in (("#cp-count", "3"), ("#cp-first-due", "15/11/2026")):
            panel.query_one(selector, Input).value = ""
            await type_into(pilot, selector, text)
        await clock.advance(12)
        await pilot.press("enter")  # Enter in a plan field computes it
        await settle(pilot)
        assert panel.quote is not None
        shown = [str(cell) for cell in panel.query_one("#cp-instalments").get_row_at(0)]
        assert shown == ["1/3", "15/11/2026", "49,98\u00a0€"]
        assert (count(factory, PaymentPlan), count(factory, Instalment)) == (plans, instalments)
        await clock.advance(8)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Échéancier enregistré : 3 échéances" in text_of(pilot, "#cp-status")
        # The plan covers his debt: he leaves the collection list.
        assert petit not in [item.customer.id for item in panel.items]
        assert text_of(pilot, "#cp-customer") == (
            "Le client affiché n'a aucune facture échue hors échéancier : "
            "choisissez un client dans la liste (flèches, Entrée)."
        )
    (agreed,) = captured.of(CollectionPanel.PlanAgreed)
    assert (agreed.customer_id, agreed.instalments, agreed.total_amount) == (petit, 3, "149.94")
    assert (agreed.first_due_on, agreed.method, agreed.quotes) == ("2026-11-15", "card", 0)
    assert agreed.duration_s == 20.0  # from the new customer's first key to the agreement
    errors = captured.of(CollectionPanel.FormError)
    assert [e.action for e in errors] == ["quote", "plan"]
    with factory() as session:
        plan = session.get(PaymentPlan, agreed.plan_id)
        assert plan is not None
        assert (plan.customer_id, plan.status, plan.total_amount) == (
            petit,
            "active",
            Decimal("149.94"),
        )
        assert [(i.number, i.due_on.isoformat(), i.amount) for i in plan.instalments] == [
            (1, "2026-11-15", Decimal("49.98")),
            (2, "2026-12-15", Decimal("49.98")),
            (3, "2027-01-15", Decimal("49.98")),
        ]
    assert (count(factory, PaymentPlan), count(factory, Instalment)) == (plans + 1, instalments + 3)


async def test_plan_rules_refuse_with_the_rule_and_write_nothing(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    petit = customer_id(factory, "CL0000003")
    plans, instalments = count(factory, PaymentPlan), count(factory, Instalment)
    captured = Captured(CollectionPanel.FormError, CollectionPanel.PlanAgreed)
    panel = CollectionPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        await settle(pilot)
        panel.show_customer(petit)
        cases = [
            ("7", "15/11/2026", "7 échéances demandées, 6 au plus"),
            ("3", "15/12/2026", "dans les 30 jours"),
            ("trois", "15/11/2026", "Indiquez le nombre d'échéances"),
            ("3", "31/11/2026", "n'existe pas dans le calendrier"),
        ]
        for instalment_count, first_due, expected in cases:
            panel.query_one("#cp-count", Input).value = instalment_count
            panel.query_one("#cp-first-due", Input).value = first_due
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert expected in text_of(pilot, "#cp-error")
            # Walk-through bug: the rule was written under the fold, below the promise and
            # callback rows, and the agent saw nothing happen.
            assert in_sight(pilot, "#cp-error")
            assert panel.quote is None
    assert len(captured.of(CollectionPanel.FormError)) == len(cases)
    assert captured.of(CollectionPanel.PlanAgreed) == []
    assert (count(factory, PaymentPlan), count(factory, Instalment)) == (plans, instalments)


async def test_enter_on_the_first_row_selects_it_when_the_desk_customer_is_not_listed(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    """Walk-through bug: the desk's customer (no overdue invoice) left the cursor on the first
    row, and Entrée there did nothing: the newcomer could not pick the first debtor."""
    factory = seeded_session_factory
    leclercq = customer_id(factory, "CL0000012")
    panel = CollectionPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel.show_customer(customer_id(factory, "CL0000001"))  # nothing overdue
        await settle(pilot)
        assert "choisissez un client dans la liste" in text_of(pilot, "#cp-customer")
        panel.query_one("#cp-list").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert panel.customer_id == leclercq
        assert "79 jours de retard" in text_of(pilot, "#cp-customer")


async def test_promise_to_pay_and_callback(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    petit = customer_id(factory, "CL0000003")
    before = count(factory, Interaction)
    captured = Captured(
        CollectionPanel.PromiseRecorded,
        CollectionPanel.CallbackScheduled,
        CollectionPanel.FormError,
    )
    panel = CollectionPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(120, 40), message_hook=captured) as pilot:
        await settle(pilot)
        panel.show_customer(petit)
        panel.set_call_id(CALL_ID, clock.now())
        # More than the overdue 99,96 €: refused, nothing written.
        await type_into(pilot, "#cp-promise-amount", "150")
        await type_into(pilot, "#cp-promise-date", "20/11/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "dépasse la somme due" in text_of(pilot, "#cp-error")
        assert count(factory, Interaction) == before
        panel.query_one("#cp-promise-amount", Input).value = "99,96"
        await pilot.press("enter")
        await settle(pilot)
        assert "Promesse enregistrée" in text_of(pilot, "#cp-status")
        await type_into(pilot, "#cp-callback", "demain")
        await pilot.press("enter")
        await settle(pilot)
        assert "JJ/MM/AAAA HH:MM" in text_of(pilot, "#cp-error")
        panel.query_one("#cp-callback", Input).value = "04/11/2026 14:30"
        await pilot.press("enter")
        await settle(pilot)
        assert "Rappel programmé le 04/11/2026 à 14:30" in text_of(pilot, "#cp-status")
    (promise,) = captured.of(CollectionPanel.PromiseRecorded)
    assert (promise.customer_id, promise.amount, promise.promised_on, promise.call_id) == (
        petit,
        "99.96",
        "2026-11-20",
        CALL_ID,
    )
    (callback,) = captured.of(CollectionPanel.CallbackScheduled)
    assert callback.callback_at == "2026-11-04T13:30:00+00:00"
    assert [e.action for e in captured.of(CollectionPanel.FormError)] == ["promise", "callback"]
    with factory() as session:
        row = session.get(Interaction, promise.interaction_id)
        assert row is not None
        assert (row.outcome, row.call_id, row.customer_id) == ("promise_to_pay", CALL_ID, petit)
    assert count(factory, Interaction) == before + 1


# -- survey (C1.7) ------------------------------------------------------------------------------


async def next_question(pilot: Pilot) -> None:
    await pilot.press("ctrl+n")
    await pilot.pause()


def stored_answers(factory: sessionmaker, response_id: int) -> dict[int, object]:
    with factory() as session:
        return {
            position: value
            for position, value in session.execute(
                select(SurveyQuestion.position, SurveyAnswer.value)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .where(SurveyAnswer.response_id == response_id)
            )
        }


async def test_survey_read_and_answered_by_keyboard(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    petit = customer_id(factory, "CL0000003")
    responses = count(factory, SurveyResponse)
    captured = Captured(SurveyPanel.SurveyCompleted, SurveyPanel.FormError)
    panel = SurveyPanel(make_desk(factory, clock), agent_name="Camille", id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        panel.start("SATISFACTION-T4", petit, call_id=CALL_ID)
        await settle(pilot)
        assert "Bonjour, je suis Camille, conseiller Orbelia" in text_of(pilot, "#sp-intro")
        assert text_of(pilot, "#sp-progress") == "Question 1 sur 7"
        assert "0 sur 3 contacts (0 %)" in text_of(pilot, "#sp-rate")
        for selector in ("#sp-question", "#sp-q-1", "#sp-next", "#sp-save", "#sp-refused"):
            assert await visible(pilot, selector), selector
        await clock.advance(50)  # the introduction, before the first key: not counted
        # An empty required answer is refused in French, nothing saved.
        await next_question(pilot)
        assert text_of(pilot, "#sp-error") == "Question 1 : une réponse est obligatoire."
        assert text_of(pilot, "#sp-progress") == "Question 1 sur 7"
        await pilot.press("down", "enter")  # "Oui, en partie"
        await next_question(pilot)
        assert "Sur une échelle de 0 à 10" in text_of(pilot, "#sp-question")
        await pilot.press("1", "1", "enter")  # 11 is off the scale
        await pilot.pause()
        assert "donnez une note entière de 0 à 10" in text_of(pilot, "#sp-error")
        await pilot.press("backspace", "backspace", "8", "enter")
        await pilot.pause()
        assert text_of(pilot, "#sp-progress") == "Question 3 sur 7"
        await pilot.press("5", "enter")
        await pilot.pause()
        await pilot.press("enter")  # Q4: the first choice, "Court"
        await next_question(pilot)
        await pilot.press("space", "down", "down", "down", "space")  # Q5: Internet, Mobile
        await next_question(pilot)
        await pilot.press("9", "enter")
        await pilot.pause()
        assert text_of(pilot, "#sp-progress") == "Question 7 sur 7 (facultative)"
        await type_into(pilot, "#sp-q-7", "Plus de créneaux le samedi !")
        await pilot.press("enter")
        await pilot.pause()
        assert "Je vous remercie pour vos réponses" in text_of(pilot, "#sp-q-end")
        assert count(factory, SurveyResponse) == responses
        await clock.advance(30)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#sp-status") == "Réponses enregistrées (7)."
        assert "1 sur 3 contacts (33 %)" in text_of(pilot, "#sp-rate")
        await pilot.press("ctrl+s")  # twice would count the customer twice
        await settle(pilot)
        assert "déjà enregistrées" in text_of(pilot, "#sp-status")
    (done,) = captured.of(SurveyPanel.SurveyCompleted)
    assert (done.campaign_code, done.customer_id, done.status, done.call_id) == (
        "SATISFACTION-T4",
        petit,
        "complete",
        CALL_ID,
    )
    assert (done.answers_count, done.duration_s, done.errors, done.corrections) == (7, 30.0, 2, 2)
    assert stored_answers(factory, done.response_id) == {
        1: "Oui, en partie",
        2: 8,
        3: 5,
        4: "Court",
        5: ["Internet", "Mobile"],
        6: 9,
        7: "Plus de créneaux le samedi !",
    }
    assert count(factory, SurveyResponse) == responses + 1
    with factory() as session:
        row = session.get(SurveyResponse, done.response_id)
        assert row is not None
        assert (row.customer_id, row.call_id, row.status) == (petit, CALL_ID, "complete")


async def test_survey_saved_from_the_last_question_keeps_what_was_typed_there(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    """Walk-through bug: typing the optional suggestion then Ctrl+S (without Entrée first)
    saved 6 answers and silently dropped the customer's words."""
    factory = seeded_session_factory
    petit = customer_id(factory, "CL0000003")
    captured = Captured(SurveyPanel.SurveyCompleted)
    panel = SurveyPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        panel.start("SATISFACTION-T4", petit)
        await settle(pilot)
        await pilot.press("enter")  # Q1 "Oui, entièrement"
        await next_question(pilot)
        await pilot.press("7", "enter", "4", "enter", "enter")  # Q2, Q3, Q4 "Court"
        await next_question(pilot)
        await pilot.press("space")  # Q5 Internet
        await next_question(pilot)
        await pilot.press("6", "enter")
        await pilot.pause()
        await type_into(pilot, "#sp-q-7", "Ouvrez le dimanche")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#sp-status") == "Réponses enregistrées (7)."
    (done,) = captured.of(SurveyPanel.SurveyCompleted)
    assert stored_answers(factory, done.response_id)[7] == "Ouvrez le dimanche"
    assert done.answers_count == 7


async def test_survey_saved_early_is_refused_and_a_refusal_is_recorded(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    roux = customer_id(factory, "CL0000030")
    responses, answers = count(factory, SurveyResponse), count(factory, SurveyAnswer)
    captured = Captured(SurveyPanel.SurveyCompleted, SurveyPanel.FormError)
    panel = SurveyPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        panel.start("SATISFACTION-T4", roux)
        await settle(pilot)
        await pilot.press("enter")  # "Oui, entièrement"
        await next_question(pilot)
        await pilot.press("ctrl+s")  # question 2 and the next ones unanswered
        await settle(pilot)
        assert "Question 2 : une réponse est obligatoire." in text_of(pilot, "#sp-error")
        assert (count(factory, SurveyResponse), count(factory, SurveyAnswer)) == (
            responses,
            answers,
        )
        panel.query_one("#sp-refused").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(pilot, "#sp-status") == "Refus enregistré."
        assert "refus : 1" in text_of(pilot, "#sp-rate")
        # A campaign that is not a survey: a French message, nothing loaded.
        panel.start("RECOUVREMENT", roux)
        await settle(pilot)
        assert "n'est pas une enquête en cours" in text_of(pilot, "#sp-error")
    (done,) = captured.of(SurveyPanel.SurveyCompleted)
    assert (done.customer_id, done.status, done.answers_count) == (roux, "refused", 0)
    assert (count(factory, SurveyResponse), count(factory, SurveyAnswer)) == (
        responses + 1,
        answers,
    )


# -- call list (C1.3, C2.2) ---------------------------------------------------------------------

OUTCOMES = [choice.code for choice in ATTEMPT_CHOICES]
RESULTS = [choice.code for choice in RESULT_CHOICES]


async def choose(pilot: Pilot, selector: str, position: int) -> None:
    """Pick the `position`-th option (1 = first after the prompt) of a Select by keyboard."""
    pilot.app.query_one(selector).focus()
    await pilot.pause()
    await pilot.press("enter", *["down"] * position, "enter")
    await pilot.pause()


def entry_row(factory: sessionmaker, entry_id: int) -> tuple:
    with factory() as session:
        entry = session.get(CallListEntry, entry_id)
        assert entry is not None
        return (entry.status, entry.attempts, entry.outcome, entry.callback_at)


CALL_LIST_KINDS = (
    CallListPanel.DialRequested,
    CallListPanel.AttemptRecorded,
    CallListPanel.CallbackScheduled,
    CallListPanel.ContactSkipped,
    CallListPanel.FormError,
)


async def test_collection_call_list_dial_busy_then_callback(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    captured = Captured(*CALL_LIST_KINDS)
    panel = CallListPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        await settle(pilot)
        # Walk-through: before a campaign, the script bar was empty and looked like a glitch.
        assert text_of(pilot, "#cl-script").startswith("Choisissez une campagne")
        # Campaigns by name: the survey, the fibre prospection, the collection.
        await choose(pilot, "#cl-campaign", 3)
        await settle(pilot)
        assert panel.campaign_code == "RECOUVREMENT"
        assert "Objectif : obtenir le règlement" in text_of(pilot, "#cl-script")
        assert panel.entry is not None
        leclercq = panel.entry
        preview = text_of(pilot, "#cl-preview")
        assert "CL0000012" in preview and "Tentatives : 0 sur 5" in preview
        assert "Montant dû : 41,58\u00a0€ (79 jours de retard)" in preview
        for selector in ("#cl-contacts", "#cl-dial", "#cl-outcome", "#cl-callback", "#cl-record"):
            assert await visible(pilot, selector), selector
        await pilot.press("ctrl+o")  # no outcome chosen: refused
        await settle(pilot)
        assert text_of(pilot, "#cl-error") == "Choisissez l'issue de l'appel."
        await pilot.press("ctrl+g")
        await pilot.pause()
        await choose(pilot, "#cl-outcome", OUTCOMES.index("busy") + 1)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Occupé : nouvelle tentative plus tard (tentative 1 sur 5)" in text_of(
            pilot, "#cl-status"
        )
        assert entry_row(factory, leclercq.id)[:3] == ("pending", 1, "busy")
        assert panel.entry is not None and panel.entry.id == leclercq.id
        assert "Tentatives : 1 sur 5" in text_of(pilot, "#cl-preview")
        # A callback typed wrong, then in the past: refused in French, nothing written.
        await choose(pilot, "#cl-outcome", OUTCOMES.index("callback") + 1)
        await type_into(pilot, "#cl-callback", "demain matin")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "JJ/MM/AAAA HH:MM" in text_of(pilot, "#cl-error")
        panel.query_one("#cl-callback", Input).value = "02/11/2026 08:30"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert text_of(pilot, "#cl-error") == "Le rappel doit être programmé dans le futur."
        assert entry_row(factory, leclercq.id)[:3] == ("pending", 1, "busy")
        panel.query_one("#cl-callback", Input).value = "03/11/2026 10:00"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "À rappeler : rappel le 03/11/2026 10:00" in text_of(pilot, "#cl-status")
        # Not due yet: off the list of next contacts.
        assert leclercq.id not in [entry.id for entry in panel.entries]
    (dial,) = captured.of(CallListPanel.DialRequested)
    assert (dial.number, dial.entry_id, dial.campaign_code) == (
        "+33676323461",
        leclercq.id,
        "RECOUVREMENT",
    )
    busy, callback = captured.of(CallListPanel.AttemptRecorded)
    assert (busy.outcome, busy.attempts, busy.status, busy.callback_at) == (
        "busy",
        1,
        "pending",
        None,
    )
    assert (callback.outcome, callback.attempts, callback.status, callback.callback_at) == (
        "callback",
        2,
        "callback",
        "2026-11-03T09:00:00+00:00",
    )
    assert [e.action for e in captured.of(CallListPanel.FormError)] == ["attempt"] * 3
    status, attempts, outcome, when = entry_row(factory, leclercq.id)
    assert (status, attempts, outcome) == ("callback", 2, "callback")
    assert when is not None and when.replace(tzinfo=None).isoformat() == "2026-11-03T09:00:00"


async def test_survey_call_list_skip_answer_and_refused_outcome(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    factory = seeded_session_factory
    captured = Captured(*CALL_LIST_KINDS)
    panel = CallListPanel(make_desk(factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        await settle(pilot)
        panel.choose_campaign("SATISFACTION-T4")
        await settle(pilot)
        first = panel.entry
        assert first is not None and first.customer.number == "CL0000003"
        await pilot.press("ctrl+n")  # skip: nothing written, next contact previewed
        await settle(pilot)
        assert panel.entry is not None and panel.entry.customer.number == "CL0000030"
        assert first.id not in [entry.id for entry in panel.entries]
        assert entry_row(factory, first.id)[:2] == ("pending", 0)
        roux = panel.entry
        # Answered without saying what came of it: refused.
        await choose(pilot, "#cl-outcome", OUTCOMES.index("answered") + 1)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert text_of(pilot, "#cl-error") == (
            "Le client a répondu : choisissez le résultat de l'appel."
        )
        assert entry_row(factory, roux.id)[:2] == ("pending", 0)
        await choose(pilot, "#cl-result", RESULTS.index("survey_completed") + 1)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "A répondu : contact traité." in text_of(pilot, "#cl-status")
        # Down to Hoarau: a wrong number takes the contact off the list for good.
        hoarau = panel.entry
        assert hoarau is not None and hoarau.customer.number == "CL0000004"
        await choose(pilot, "#cl-outcome", OUTCOMES.index("wrong_number") + 1)
        await pilot.press("ctrl+o")
        await settle(pilot)
        # Ctrl+R reads the list again: the skipped contact is back, alone.
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert [entry.id for entry in panel.entries] == [first.id]
        # A callback set without an attempt: the attempts stay at 0.
        await type_into(pilot, "#cl-callback", "05/11/2026 09:15")
        panel.query_one("#cl-schedule").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Rappel programmé le 05/11/2026 09:15" in text_of(pilot, "#cl-status")
        assert panel.entries == ()
        assert "Aucun contact à appeler" in text_of(pilot, "#cl-preview")
    (scheduled,) = captured.of(CallListPanel.CallbackScheduled)
    assert (scheduled.entry_id, scheduled.callback_at) == (first.id, "2026-11-05T08:15:00+00:00")
    assert entry_row(factory, first.id)[:3] == ("callback", 0, "callback")
    (skipped,) = captured.of(CallListPanel.ContactSkipped)
    assert (skipped.entry_id, skipped.campaign_code) == (first.id, "SATISFACTION-T4")
    answered, wrong = captured.of(CallListPanel.AttemptRecorded)
    assert (answered.outcome, answered.result, answered.status) == (
        "answered",
        "survey_completed",
        "done",
    )
    assert (wrong.outcome, wrong.status) == ("wrong_number", "excluded")
    assert entry_row(factory, roux.id)[:3] == ("done", 1, "survey_completed")
    assert entry_row(factory, hoarau.id)[:3] == ("excluded", 1, "wrong_number")
    # Walk-through: the campaign call left nothing in the customer's history (Client tab).
    with factory() as session:
        history = [
            (row.customer_id, row.direction, row.nature, row.outcome, row.summary)
            for row in session.scalars(
                select(Interaction)
                .where(Interaction.customer_id.in_((roux.customer.id, hoarau.customer.id)))
                .where(Interaction.motive == "Enquête de satisfaction après contact")
                .order_by(Interaction.id)
            )
        ]
    assert history == [
        (
            roux.customer.id,
            "outbound",
            "survey",
            "survey_completed",
            "Campagne « Enquête de satisfaction après contact » : Enquête complète.",
        ),
        (
            hoarau.customer.id,
            "outbound",
            "survey",
            "wrong_number",
            "Campagne « Enquête de satisfaction après contact » : Faux numéro.",
        ),
    ]


# -- every panel readable in a desk tab --------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_panels_readable_at_both_sizes(
    seeded_company: sessionmaker,  # noqa: F811
    clock: VirtualClock,
    size: tuple[int, int],
) -> None:
    desk = make_desk(seeded_company, clock)
    collection = CollectionPanel(desk)
    async with Harness(collection).run_test(size=size) as pilot:
        await settle(pilot)
        assert "79 jours de retard" in text_of(pilot, "#cp-customer")
        for selector in (
            "#cp-list", "#cp-customer", "#cp-count", "#cp-first-due", "#cp-method", "#cp-quote",
            "#cp-agree", "#cp-instalments", "#cp-promise-amount", "#cp-promise-date",
            "#cp-promise", "#cp-callback", "#cp-callback-button",
        ):  # fmt: skip
            assert await visible(pilot, selector), selector
    survey = SurveyPanel(desk)
    async with Harness(survey).run_test(size=size) as pilot:
        survey.start("SATISFACTION-T4", None)
        await settle(pilot)
        for selector in (
            "#sp-rate", "#sp-intro", "#sp-progress", "#sp-question", "#sp-q-1", "#sp-previous",
            "#sp-next", "#sp-save", "#sp-refused",
        ):  # fmt: skip
            assert await visible(pilot, selector), selector
    call_list = CallListPanel(desk)
    call_list.choose_campaign("RECOUVREMENT")  # before mounting: loaded once mounted
    async with Harness(call_list).run_test(size=size) as pilot:
        await settle(pilot)
        assert call_list.entry is not None
        for selector in (
            "#cl-campaign", "#cl-script", "#cl-contacts", "#cl-preview", "#cl-dial", "#cl-skip",
            "#cl-outcome", "#cl-result", "#cl-callback", "#cl-note", "#cl-record", "#cl-schedule",
        ):  # fmt: skip
            assert await visible(pilot, selector), selector


async def test_call_list_actions_before_a_campaign_is_chosen_say_so(
    seeded_session_factory: sessionmaker,  # noqa: F811
    clock: VirtualClock,
) -> None:
    captured = Captured(*CALL_LIST_KINDS)
    panel = CallListPanel(make_desk(seeded_session_factory, clock), id="panel")
    async with Harness(panel).run_test(size=(80, 24), message_hook=captured) as pilot:
        await settle(pilot)
        assert panel.campaign_code is None
        await pilot.press("ctrl+g")  # dial: nobody to call yet (was a crash)
        await settle(pilot)
        assert text_of(pilot, "#cl-error") == "Choisissez un contact."
    assert captured.of(CallListPanel.DialRequested) == []
    assert [e.action for e in captured.of(CallListPanel.FormError)] == ["dial"]
