"""The call qualification form (C1.2 "qualifier la demande").

Nature of the request, motive, the agent's reformulation, the decision (treat or transfer, and
to which service) and the wrap-up code of PRO-006. The `CustomerDesk` checks it and saves it as
an interaction of the customer's history, in a worker; the form shows each refused field beside
it and measures what the journal keeps of every form (DESIGN): time to complete, validation
errors and corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, field_errors
from crm.views import InteractionView, ServiceView
from workstation.customer_desk import (
    DECISIONS,
    REQUEST_NATURES,
    TRANSFER,
    CustomerDesk,
    Qualification,
)
from workstation.dispositions import DISPOSITIONS
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter

#: The form's fields, in screen order (also the names the desk reports errors under).
FIELDS = ("nature", "motif", "reformulation", "decision", "service", "code")


class QualificationForm(Widget):
    """Qualify the current call and save it in the customer's history (C1.2).

    The desk sets the call with `start(call_id, customer_id, ...)`; the agent fills the form
    and saves with Ctrl+S or the button. Measures run on the desk's clock from the first edit.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "submit",
            _("Enregistrer la qualification"),
            tooltip=_("Vérifier et enregistrer la qualification dans l'historique du client"),
            id="qualification.submit",
        ),
    ]

    DEFAULT_CSS = """
    QualificationForm {
        height: 1fr;
        width: 1fr;
    }
    QualificationForm VerticalScroll {
        height: 1fr;
    }
    QualificationForm .qf-title {
        text-style: bold;
        color: $accent;
    }
    QualificationForm .qf-row {
        height: auto;
        margin-top: 1;
    }
    QualificationForm .qf-row > Label {
        width: 17;
    }
    QualificationForm .qf-row > Input, QualificationForm .qf-row > Select {
        width: 1fr;
    }
    QualificationForm #qf-reformulation {
        height: 5;
    }
    QualificationForm .field-error {
        color: $error;
        display: none;
    }
    QualificationForm .field-error.-shown {
        display: block;
    }
    QualificationForm #qf-status.-saved {
        color: $success;
        text-style: bold;
    }
    QualificationForm Button {
        margin-top: 1;
    }
    """

    @dataclass
    class Submitted(Message):
        """The qualification was saved as interaction `interaction_id` (for the journal)."""

        interaction_id: int
        nature: str
        motive: str
        decision: str
        disposition: str
        #: Seconds from the first edit to the valid submit, on the desk's clock.
        duration_s: float
        #: Field errors reported by the invalid submits before this one.
        errors: int
        #: Fields changed after an invalid submit (each field once per invalid submit).
        corrections: int

    @dataclass
    class Invalid(Message):
        """A submit was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Saved(Message):
        interaction: InteractionView
        form: Qualification
        submitted_at: float

    @dataclass
    class _Refused(Message):
        error: CrmError

    @dataclass
    class _ServicesLoaded(Message):
        services: tuple[ServiceView, ...]

    def __init__(
        self,
        desk: CustomerDesk,
        *,
        agent_id: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self.agent_id = agent_id
        self._call_id: str | None = None
        self._customer_id: int | None = None
        self.direction = "inbound"
        self.call_started_at: datetime | None = None
        #: The identity checks ticked in the customer panel, noted in the history (PRO-002).
        self.identity_items: tuple[str, ...] = ()
        self._measure = FormMeter(desk.clock)
        self._reset_measures()

    @property
    def call_id(self) -> str | None:
        """The call being qualified (the PBX's Linkedid), saved with the interaction."""
        return self._call_id

    @call_id.setter
    def call_id(self, value: str | None) -> None:
        self._call_id = value
        if self.is_mounted:
            self._show_context()

    @property
    def customer_id(self) -> int | None:
        """The identified caller (None: saved as an unidentified contact)."""
        return self._customer_id

    @customer_id.setter
    def customer_id(self, value: int | None) -> None:
        self._customer_id = value
        if self.is_mounted:
            self._show_context()

    def _reset_measures(self) -> None:
        self._measure.started()
        self._saving = False
        self._saved = False

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Qualification de l'appel"), classes="qf-title")
            yield Static("", id="qf-context", markup=False)
            with Horizontal(classes="qf-row"):
                yield Label(_("Nature"))
                yield Select(
                    [(choice.label, choice.code) for choice in REQUEST_NATURES],
                    prompt=_("Choisir la nature"),
                    id="qf-nature",
                    compact=True,
                )
            yield self._error("nature")
            with Horizontal(classes="qf-row"):
                yield Label(_("Motif"))
                yield Input(
                    id="qf-motif",
                    placeholder=_("ex. Question sur une facture"),
                    suggester=SuggestFromList(self._desk.motives, case_sensitive=False),
                    compact=True,
                )
            yield self._error("motif")
            yield Label(_("Reformulation validée par le client"), classes="qf-row")
            yield TextArea(id="qf-reformulation", soft_wrap=True)
            yield self._error("reformulation")
            with Horizontal(classes="qf-row"):
                yield Label(_("Décision"))
                yield Select(
                    [(choice.label, choice.code) for choice in DECISIONS],
                    prompt=_("Traiter ou transférer"),
                    id="qf-decision",
                    compact=True,
                )
            yield self._error("decision")
            with Horizontal(classes="qf-row"):
                yield Label(_("Transférer à"))
                yield Select([], prompt=_("Aucun service"), id="qf-service", compact=True)
            yield self._error("service")
            with Horizontal(classes="qf-row"):
                yield Label(_("Code de clôture"))
                yield Select(
                    [(f"{item.code} — {item.label}", item.code) for item in DISPOSITIONS],
                    prompt=_("Choisir le code"),
                    id="qf-code",
                    compact=True,
                )
            yield self._error("code")
            yield Button(_("Enregistrer (Ctrl+S)"), id="qf-submit", variant="primary")
            yield Static("", id="qf-status", markup=False)

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"qf-{field}-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self._show_context()
        self._load_services()

    # -- what the desk calls ----------------------------------------------------------------

    def start(
        self,
        call_id: str | None,
        customer_id: int | None,
        *,
        direction: str = "inbound",
        started_at: datetime | None = None,
    ) -> None:
        """Qualify a new call: empty fields, measures from zero."""
        self.call_id = call_id
        self.customer_id = customer_id
        self.direction = direction
        self.call_started_at = started_at
        self.identity_items = ()
        self.reset()

    def reset(self) -> None:
        """Empty every field and restart the measures (the call stays the same)."""
        with self.prevent(Select.Changed, Input.Changed, TextArea.Changed):
            for select in self.query(Select):
                select.clear()
            self.query_one("#qf-motif", Input).value = ""
            self.query_one("#qf-reformulation", TextArea).clear()
        self._reset_measures()
        self._clear_errors()
        status = self.query_one("#qf-status", Static)
        status.update("")
        status.remove_class("-saved")
        self.query_one("#qf-submit", Button).disabled = False
        self._show_context()

    def submit(self) -> None:
        """Check and save the form (what Ctrl+S and the button do)."""
        self.action_submit()

    # -- measures ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        self._measure.edited()

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Select.Changed | Input.Changed | TextArea.Changed) -> None:
        event.stop()
        control = event.control
        field = control.id.removeprefix("qf-") if control is not None and control.id else ""
        if field not in FIELDS:
            self._measure.edited()
            return
        self._measure.edited(field)
        self._hide_error(field)

    # -- submit -----------------------------------------------------------------------------

    def action_submit(self) -> None:
        """Send the form to the desk for checking and saving."""
        status = self.query_one("#qf-status", Static)
        if self._saved:
            status.update(_("Qualification déjà enregistrée pour cet appel."))
            return
        if self._saving:
            return
        self._measure.edited()
        self._saving = True
        self._clear_errors()
        status.update(_("Enregistrement…"))
        form = Qualification(
            nature=self._choice("nature") or "",
            motive=self.query_one("#qf-motif", Input).value,
            reformulation=self.query_one("#qf-reformulation", TextArea).text,
            decision=self._choice("decision") or "",
            disposition=self._choice("code") or "",
            service_code=self._choice("service"),
            customer_id=self.customer_id,
            call_id=self.call_id,
            direction=self.direction,
            started_at=self.call_started_at,
            agent_id=self.agent_id,
            identity_items=self.identity_items,
        )
        self._save(form, self._desk.clock.monotonic())

    @on(Button.Pressed, "#qf-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @work(thread=True, exclusive=True, group="qualification", exit_on_error=False)
    def _save(self, form: Qualification, submitted_at: float) -> None:
        try:
            interaction = self._desk.record_qualification(form)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Saved(interaction, form, submitted_at))

    @work(thread=True, exclusive=True, group="qualification-services", exit_on_error=False)
    def _load_services(self) -> None:
        self.post_message(self._ServicesLoaded(self._desk.services()))

    def on_qualification_form__saved(self, message: _Saved) -> None:
        self._saving = False
        self._saved = True
        self.query_one("#qf-submit", Button).disabled = True
        status = self.query_one("#qf-status", Static)
        status.update(_("Qualification enregistrée dans l'historique du client."))
        status.add_class("-saved")
        form = message.form
        measure = self._measure.done(at=message.submitted_at)
        self.post_message(
            self.Submitted(
                interaction_id=message.interaction.id,
                nature=form.nature,
                motive=message.interaction.motive,
                decision=form.decision,
                disposition=form.disposition,
                duration_s=measure.duration_s,
                errors=measure.errors,
                corrections=measure.corrections,
            )
        )

    def on_qualification_form__refused(self, message: _Refused) -> None:
        self._saving = False
        error = message.error
        errors = field_errors(error)
        self._measure.refused(errors, FIELDS)
        self.query_one("#qf-status", Static).update(
            place_field_errors(self, errors, lambda f: f"qf-{f}-error" if f in FIELDS else None)
        )
        self.post_message(self.Invalid(errors))

    def on_qualification_form__services_loaded(self, message: _ServicesLoaded) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#qf-service", Select).set_options(
                (f"{service.name} ({service.extension})", service.code)
                for service in message.services
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "qualification":
            self._saving = False
        self.query_one("#qf-status", Static).update(unexpected_error_text(event.worker.error))

    # -- helpers ----------------------------------------------------------------------------

    def _choice(self, field: str) -> str | None:
        value = self.query_one(f"#qf-{field}", Select).value
        return value if isinstance(value, str) else None

    def _hide_error(self, field: str) -> None:
        label = self.query_one(f"#qf-{field}-error", Static)
        if label.has_class("-shown"):
            label.remove_class("-shown")
            label.update("")

    def _clear_errors(self) -> None:
        for field in FIELDS:
            self._hide_error(field)

    def _show_context(self) -> None:
        call = self.call_id or _("aucun appel")
        customer = (
            _("client identifié") if self.customer_id is not None else _("client non identifié")
        )
        self.query_one("#qf-context", Static).update(
            _("Appel {call} · {customer}").format(call=call, customer=customer)
        )

    @property
    def is_transfer(self) -> bool:
        """Whether the agent chose to transfer the call."""
        return self._choice("decision") == TRANSFER
