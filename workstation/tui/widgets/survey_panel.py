"""The survey panel (C1.7 "conduire une enquête").

The campaign's questionnaire as a script read word for word, one question at a time, with an
answer control for each question type: one choice (radio buttons), several choices (a
selection list), a mark on a scale, free text. Each answer is checked by the CRM's rule when
the agent moves on; the answers are saved exactly as given, in a worker, and the campaign's
completion rate is shown. Measures for the journal run on the desk's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError, field_errors
from crm.views import CompletionRate, QuestionView, SurveyResponseView, SurveyView
from workstation.campaign_desk import CampaignDesk
from workstation.tui.widgets.failures import unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

#: The page after the last question: the conclusion to read, then save.
END = "sp-q-end"


def completion_text(rate: CompletionRate) -> str:
    """The completion rate as the agent reads it."""
    done = rate.complete
    percent = round(100 * done / rate.contacts) if rate.contacts else 0
    return _(
        "Taux de réalisation : {done} sur {contacts} contacts ({percent} %) · "
        "partielles : {partial} · refus : {refused}"
    ).format(
        done=done,
        contacts=rate.contacts,
        percent=percent,
        partial=rate.partial,
        refused=rate.refused,
    )


class SurveyPanel(Widget):
    """Conduct the survey of a campaign with one customer (C1.7)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", _("Question suivante"), id="survey.next"),
        Binding("ctrl+b", "previous", _("Question précédente"), id="survey.previous"),
        Binding("ctrl+s", "save", _("Enregistrer les réponses"), id="survey.save"),
    ]

    DEFAULT_CSS = """
    SurveyPanel {
        height: 1fr;
        width: 1fr;
    }
    SurveyPanel > VerticalScroll {
        height: 1fr;
    }
    SurveyPanel .sp-title {
        text-style: bold;
        color: $accent;
    }
    SurveyPanel #sp-progress {
        text-style: bold;
    }
    SurveyPanel .sp-script {
        border-left: thick $accent;
        padding-left: 1;
        margin-bottom: 1;
    }
    SurveyPanel #sp-questions {
        height: auto;
    }
    SurveyPanel #sp-questions > * {
        height: auto;
    }
    SurveyPanel SelectionList {
        max-height: 8;
    }
    SurveyPanel #sp-error {
        color: $error;
    }
    SurveyPanel #sp-status.-saved {
        color: $success;
        text-style: bold;
    }
    SurveyPanel Horizontal {
        height: auto;
    }
    SurveyPanel Button {
        width: auto;
        min-width: 12;
    }
    """

    @dataclass
    class SurveyCompleted(Message):
        """The answers were saved (journal kind suggested: "survey.completed")."""

        campaign_code: str
        customer_id: int | None
        response_id: int
        #: "complete", "partial" or "refused".
        status: str
        answers_count: int
        call_id: str | None
        #: Seconds from the first key to the save, on the desk's clock.
        duration_s: float
        #: Answers refused before the save (each refusal once).
        errors: int
        #: Refused answers then corrected and accepted.
        corrections: int

    @dataclass
    class FormError(Message):
        """An answer or the save was refused, nothing written ("survey.error")."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Loaded(Message):
        survey: SurveyView
        rate: CompletionRate

    @dataclass
    class _Saved(Message):
        response: SurveyResponseView
        rate: CompletionRate

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: CampaignDesk,
        *,
        agent_id: int | None = None,
        agent_name: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self.agent_id = agent_id
        self.agent_name = agent_name
        self.campaign_code: str | None = None
        self.customer_id: int | None = None
        self.call_id: str | None = None
        self.started_at: datetime | None = None
        self.survey: SurveyView | None = None
        #: The answers accepted so far, by question id, exactly as given.
        self.answers: dict[int, Any] = {}
        #: Index of the question shown (len(questions) = the conclusion page).
        self.index = 0
        self._saving = False
        self._saved = False
        self._measure = FormMeter(desk.clock)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Enquête"), id="sp-title", classes="sp-title", markup=False)
            yield Static(_("Choisissez une campagne d'enquête."), id="sp-rate", markup=False)
            yield Static("", id="sp-intro", classes="sp-script", markup=False)
            yield Static("", id="sp-progress", markup=False)
            yield Static("", id="sp-question", classes="sp-script", markup=False)
            yield ContentSwitcher(id="sp-questions")
            yield Static("", id="sp-error", markup=False)
            with Horizontal():
                yield Button(_("Précédente (Ctrl+B)"), id="sp-previous")
                yield Button(_("Suivante (Ctrl+N)"), id="sp-next", variant="primary")
                yield Button(_("Enregistrer (Ctrl+S)"), id="sp-save")
                yield Button(_("Refus du client"), id="sp-refused", variant="warning")
            yield Static("", id="sp-status", markup=False)

    # -- what the desk calls ----------------------------------------------------------------

    def start(
        self,
        campaign_code: str,
        customer_id: int | None,
        *,
        call_id: str | None = None,
        started_at: datetime | None = None,
    ) -> None:
        """Survey `customer_id` for the campaign: questionnaire loaded, answers empty."""
        self.campaign_code = campaign_code
        self.customer_id = customer_id
        self.call_id = call_id
        self.started_at = started_at or self._desk.clock.now()
        self.answers = {}
        self.index = 0
        self._saving = False
        self._saved = False
        self._measure.started()
        self.query_one("#sp-status", Static).update(_("Chargement du questionnaire…"))
        self.query_one("#sp-status", Static).remove_class("-saved")
        self._load(campaign_code)

    def set_call_id(self, call_id: str | None) -> None:
        """The call in progress (the PBX's Linkedid), saved with the answers."""
        self.call_id = call_id

    @work(thread=True, exclusive=True, group="survey-load", exit_on_error=False)
    def _load(self, campaign_code: str) -> None:
        try:
            survey = self._desk.campaign_survey(campaign_code)
            rate = self._desk.completion_rate(campaign_code)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Loaded(survey, rate))

    async def on_survey_panel__loaded(self, message: _Loaded) -> None:
        self.survey = survey = message.survey
        self.query_one("#sp-title", Static).update(survey.title)
        self.query_one("#sp-rate", Static).update(completion_text(message.rate))
        agent = self.agent_name or _("[votre prénom]")
        self.query_one("#sp-intro", Static).update(survey.introduction.replace("{agent}", agent))
        switcher = self.query_one("#sp-questions", ContentSwitcher)
        switcher.current = None
        await switcher.remove_children()
        pages = [self._control(question) for question in survey.questions]
        pages.append(Static(survey.conclusion, id=END, classes="sp-script", markup=False))
        for page in pages:
            page.display = False  # the switcher shows one at a time
        await switcher.mount_all(pages)
        self.query_one("#sp-status", Static).update("")
        self._show()

    def _control(self, question: QuestionView) -> Widget:
        widget_id = f"sp-q-{question.position}"
        if question.kind == "single":
            return RadioSet(*(RadioButton(choice) for choice in question.choices), id=widget_id)
        if question.kind == "multiple":
            return SelectionList[str](*((c, c) for c in question.choices), id=widget_id)
        if question.kind == "scale":
            return Input(
                id=widget_id,
                restrict=r"[0-9]{0,2}",
                placeholder=_("Note de {low} à {high}").format(
                    low=question.scale_min, high=question.scale_max
                ),
            )
        return Input(id=widget_id, placeholder=_("Réponse du client, mot pour mot"))

    # -- navigation -------------------------------------------------------------------------

    def _show(self) -> None:
        survey = self.survey
        if survey is None:
            return
        total = len(survey.questions)
        switcher = self.query_one("#sp-questions", ContentSwitcher)
        if not switcher.query(f"#{END}"):
            return  # the questions are being built again: the load shows them when mounted
        self.query_one("#sp-intro", Static).display = self.index == 0
        if self.index >= total:
            self.query_one("#sp-progress", Static).update(
                _("Fin du questionnaire : lisez la conclusion, puis enregistrez.")
            )
            self.query_one("#sp-question", Static).display = False
            switcher.current = END
            self.query_one("#sp-save", Button).focus()
            return
        question = survey.questions[self.index]
        optional = "" if question.required else _(" (facultative)")
        self.query_one("#sp-progress", Static).update(
            _("Question {n} sur {total}{optional}").format(
                n=self.index + 1, total=total, optional=optional
            )
        )
        shown = self.query_one("#sp-question", Static)
        shown.display = True
        shown.update(question.text)
        switcher.current = f"sp-q-{question.position}"
        self.query_one(f"#sp-q-{question.position}").focus()

    def _value(self, question: QuestionView) -> Any:
        control = self.query_one(f"#sp-q-{question.position}")
        if isinstance(control, RadioSet):
            index = control.pressed_index
            return question.choices[index] if index >= 0 else None
        if isinstance(control, SelectionList):
            chosen = set(control.selected)
            return [choice for choice in question.choices if choice in chosen]
        assert isinstance(control, Input)
        if question.kind == "scale":
            return int(control.value) if control.value.isdigit() else control.value
        return control.value

    def action_next(self) -> None:
        """Check the answer to the question shown, keep it, and show the next one."""
        self._measure.edited()
        if self._keep_shown_answer():
            self.index += 1
            self._show()

    def _keep_shown_answer(self) -> bool:
        """Check and keep the answer of the question on screen; False if it was refused.

        Saving from a question (Ctrl+S without going to the end) must keep what was just
        typed there too: the answers are saved exactly as given (C1.7).
        """
        survey = self.survey
        if survey is None or self.index >= len(survey.questions):
            return survey is not None
        question = survey.questions[self.index]
        answer_key = f"question-{question.id}"
        try:
            value = self._desk.check_answer(question, self._value(question))
        except ValidationError as error:
            # A question refused again before it is corrected counts once.
            if not self._measure.is_refused(answer_key):
                self._measure.refused(error.errors, (answer_key,))
            self._show_errors(error.errors)
            return False
        # A refused answer is corrected when it is accepted, not at each key typed in it.
        self._measure.edited(answer_key)
        if value is None:
            self.answers.pop(question.id, None)
        else:
            self.answers[question.id] = value
        self.query_one("#sp-error", Static).update("")
        return True

    def action_previous(self) -> None:
        """Go back to the previous question (its answer is kept)."""
        self._measure.edited()
        if self.survey is not None and self.index > 0:
            self.index -= 1
            self.query_one("#sp-error", Static).update("")
            self._show()

    def action_save(self) -> None:
        """Save the answers as a complete response (refused if a required one is missing)."""
        self._measure.edited()
        if not self._saved and not self._keep_shown_answer():
            return
        self._submit("complete")

    def record_refusal(self) -> None:
        """The customer declines the survey: a refusal is recorded, with no answers."""
        self.answers = {}
        self._submit("refused")

    def on_key(self, event: events.Key) -> None:
        self._measure.edited()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "sp-previous": self.action_previous,
            "sp-next": self.action_next,
            "sp-save": self.action_save,
            "sp-refused": self.record_refusal,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    # -- save -------------------------------------------------------------------------------

    def _submit(self, status: str) -> None:
        self._measure.edited()
        message = self.query_one("#sp-status", Static)
        if self.survey is None or self.campaign_code is None:
            return
        if self._saved:
            message.update(_("Réponses déjà enregistrées pour ce client."))
            return
        if self._saving:
            return
        self._saving = True
        message.update(_("Enregistrement…"))
        self._save(self.survey.code, self.campaign_code, dict(self.answers), status)

    @work(thread=True, exclusive=True, group="survey-save", exit_on_error=False)
    def _save(self, survey_code: str, campaign_code: str, answers: dict, status: str) -> None:
        try:
            response = self._desk.record_survey(
                survey_code,
                answers,
                campaign_code=campaign_code,
                customer_id=self.customer_id,
                started_at=self.started_at,
                call_id=self.call_id,
                agent_id=self.agent_id,
                status=status,
            )
            rate = self._desk.completion_rate(campaign_code)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Saved(response, rate))

    def on_survey_panel__saved(self, message: _Saved) -> None:
        self._saving = False
        self._saved = True
        response = message.response
        status = self.query_one("#sp-status", Static)
        status.update(
            _("Refus enregistré.")
            if response.status == "refused"
            else _("Réponses enregistrées ({count}).").format(count=len(response.answers))
        )
        status.add_class("-saved")
        self.query_one("#sp-rate", Static).update(completion_text(message.rate))
        measure = self._measure.done()
        assert self.campaign_code is not None
        self.post_message(
            self.SurveyCompleted(
                campaign_code=self.campaign_code,
                customer_id=self.customer_id,
                response_id=response.id,
                status=response.status,
                answers_count=len(response.answers),
                call_id=self.call_id,
                duration_s=measure.duration_s,
                errors=measure.errors,
                corrections=measure.corrections,
            )
        )

    def on_survey_panel__refused(self, message: _Refused) -> None:
        self._saving = False
        self.query_one("#sp-status", Static).update("")
        errors = field_errors(message.error)
        self._measure.refused(errors)
        self._show_errors(errors)

    def _show_errors(self, errors: tuple[FieldError, ...]) -> None:
        self.query_one("#sp-error", Static).update("\n".join(item.message for item in errors))
        self.post_message(self.FormError(errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._saving = False
        self.query_one("#sp-error", Static).update(unexpected_error_text(event.worker.error))
