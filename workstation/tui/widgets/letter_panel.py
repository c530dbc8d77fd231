"""The letter panel (C3.3 "produire un message personnalisé").

For the customer shown on the desk, the agent chooses a letter template, reads what the CRM
filled, types what the file lacks (dates jj/mm/aaaa, amounts « 1 234,56 ») and the transmission
details (N/Réf, V/Réf, sending mode, subject), produces the .docx into the letters folder, reads
its text preview, then records the letter as sent in the customer's history. The
`LettersDesk` does the work in worker threads; refused fields show beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from gettext import gettext as _
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError
from crm.views import InteractionView
from mailmerge import MergeError
from workstation.letters_desk import (
    SENDING_MODES,
    LetterDraft,
    LettersDesk,
    LetterTemplate,
    ProducedLetter,
    Transmission,
)
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

#: Placeholders of the typed fields, by kind of merge variable.
_PLACEHOLDERS = {"date": "jj/mm/aaaa", "montant": "1 234,56", "nombre": "3"}
#: The transmission inputs (also the names the desk reports their errors under).
_TRANSMISSION = ("reference", "vref", "mode", "objet")


def _shown(value: object) -> str:
    """A filled value the French way: 12/03/2027, 1 234,56; one line."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return str(value).replace("\n", ", ")


class LetterPanel(Widget):
    """Write a letter to the customer shown on the desk from a Word template (C3.3)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "produce", _("Produire la lettre"), id="letters.produce"),
        Binding("ctrl+r", "record", _("Enregistrer l'envoi"), id="letters.record"),
    ]

    DEFAULT_CSS = """
    LetterPanel {
        height: 1fr;
        width: 1fr;
    }
    LetterPanel > VerticalScroll {
        height: 1fr;
    }
    LetterPanel .lp-title {
        text-style: bold;
        color: $accent;
    }
    LetterPanel .lp-row {
        height: auto;
    }
    LetterPanel .lp-row > Label {
        width: 18;
    }
    LetterPanel .lp-row > Input, LetterPanel .lp-row > Select {
        width: 1fr;
    }
    LetterPanel #lp-fields {
        height: auto;
    }
    LetterPanel .lp-section {
        margin-top: 1;
        text-style: bold;
    }
    LetterPanel .field-error {
        color: $error;
        display: none;
    }
    LetterPanel .field-error.-shown {
        display: block;
    }
    LetterPanel #lp-buttons {
        height: auto;
        margin-top: 1;
    }
    LetterPanel #lp-buttons Button {
        margin-right: 1;
    }
    LetterPanel #lp-status.-saved {
        color: $success;
        text-style: bold;
    }
    LetterPanel #lp-preview {
        margin-top: 1;
        border: round $primary;
        height: auto;
    }
    """

    @dataclass
    class LetterProduced(Message):
        """A letter was written to `path` (for the journal)."""

        template: str
        customer_id: int
        path: str
        #: Names of the fields the agent typed because the file lacked them.
        missing_filled: tuple[str, ...]
        #: Seconds from the template's choice to the valid production, on the desk's clock.
        duration_s: float
        #: Field errors reported by the refused attempts before this one.
        errors: int

    @dataclass
    class LetterRecorded(Message):
        """The letter was recorded as sent in the customer's history."""

        template: str
        customer_id: int
        interaction_id: int
        path: str
        mode: str

    @dataclass
    class Invalid(Message):
        """A production was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Drafted(Message):
        draft: LetterDraft

    @dataclass
    class _Named(Message):
        customer_id: int
        label: str

    @dataclass
    class _Produced(Message):
        letter: ProducedLetter
        produced_at: float

    @dataclass
    class _Recorded(Message):
        letter: ProducedLetter
        interaction: InteractionView

    @dataclass
    class _Refused(Message):
        error: CrmError | MergeError | OSError

    def __init__(
        self,
        desk: LettersDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self._templates = desk.templates()
        self.customer_id: int | None = None
        self.draft: LetterDraft | None = None
        #: The last letter produced, until it is recorded as sent.
        self.letter: ProducedLetter | None = None
        self._busy = False
        self._measure = FormMeter(desk.clock)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Courrier au client"), classes="lp-title")
            yield Static(_("Aucun client affiché."), id="lp-customer", markup=False)
            with Horizontal(classes="lp-row"):
                yield Label(_("Modèle"))
                yield Select(
                    [(template.title, template.name) for template in self._templates],
                    prompt=_("Choisir la lettre-type"),
                    id="lp-template",
                    compact=True,
                )
            yield Static("", id="lp-filled", markup=False)
            yield Static(_("À compléter"), classes="lp-section", id="lp-missing-title")
            yield Vertical(id="lp-fields")
            yield Static(_("Éléments de transmission"), classes="lp-section")
            yield from self._row("reference", _("N/Réf"), _("ex. REC/CM/2027-0412"))
            yield from self._row("vref", _("V/Réf (facult.)"), _("ex. votre appel du 12/03"))
            with Horizontal(classes="lp-row"):
                yield Label(_("Mode d'envoi"))
                yield Select(
                    [(_(mode), mode) for mode in SENDING_MODES],
                    prompt=_("Choisir le mode"),
                    id="lp-mode",
                    compact=True,
                )
            yield self._error("mode")
            yield from self._row("objet", _("Objet"), _("ex. Votre facture impayée"))
            with Horizontal(id="lp-buttons"):
                yield Button(_("Produire (Ctrl+S)"), id="lp-produce", variant="primary")
                yield Button(_("Enregistrer l'envoi (Ctrl+R)"), id="lp-record", disabled=True)
            yield Static("", id="lp-status", markup=False)
            yield Static("", id="lp-preview", markup=False)

    def _row(self, field: str, label: str, placeholder: str) -> ComposeResult:
        with Horizontal(classes="lp-row"):
            yield Label(label)
            yield Input(id=f"lp-{field}", placeholder=placeholder, compact=True)
        yield self._error(field)

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"lp-{field}-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lp-preview", Static).display = False
        self.query_one("#lp-missing-title", Static).display = False

    # -- what the desk calls ----------------------------------------------------------------

    def show_customer(self, customer_id: int | None) -> None:
        """Write to this customer from now on (None: no customer on the desk)."""
        self.customer_id = customer_id
        self.draft = None
        self.letter = None
        self.query_one("#lp-record", Button).disabled = True
        self.query_one("#lp-preview", Static).display = False
        self._status("")
        if customer_id is None:
            self.query_one("#lp-customer", Static).update(_("Aucun client affiché."))
            self._show_fields(None)
            return
        self.query_one("#lp-customer", Static).update(_("Chargement de la fiche…"))
        if self._template() is None:
            # No draft to load yet: still say who the letter is for (it stayed on
            # "Chargement de la fiche…" until a template was chosen).
            self._load_name(customer_id)
        self._load_draft()

    @work(thread=True, exclusive=True, group="letters-name", exit_on_error=False)
    def _load_name(self, customer_id: int) -> None:
        try:
            label = self._desk.customer_label(customer_id)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Named(customer_id, label))

    def on_letter_panel__named(self, message: _Named) -> None:
        if message.customer_id != self.customer_id or self.draft is not None:
            return  # another customer meanwhile, or the draft already named them
        self.query_one("#lp-customer", Static).update(message.label)
        self._status(_("Choisissez la lettre-type."))

    def choose_template(self, name: str) -> None:
        """Select the template called `name` (the file stem, e.g. "relance-impaye-1")."""
        self.query_one("#lp-template", Select).value = name

    # -- template and draft -----------------------------------------------------------------

    @on(Select.Changed, "#lp-template")
    def _template_changed(self, event: Select.Changed) -> None:
        event.stop()
        template = self._template()
        if template is not None:
            objet = self.query_one("#lp-objet", Input)
            if not objet.value or any(objet.value == t.title for t in self._templates):
                objet.value = template.title
        self._load_draft()

    def _template(self) -> LetterTemplate | None:
        value = self.query_one("#lp-template", Select).value
        return next((t for t in self._templates if t.name == value), None)

    def _load_draft(self) -> None:
        template = self._template()
        self.letter = None
        self.query_one("#lp-record", Button).disabled = True
        if template is None or self.customer_id is None:
            if self.customer_id is None:
                self._status(_("Affichez d'abord un client sur le poste."))
            return
        # A new draft is a new form, and choosing its template is its first edit.
        self._measure.started()
        self._measure.edited()
        self._draft(template, self.customer_id)

    @work(thread=True, exclusive=True, group="letters-draft", exit_on_error=False)
    def _draft(self, template: LetterTemplate, customer_id: int) -> None:
        try:
            draft = self._desk.draft(template, customer_id)
        except (CrmError, MergeError) as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Drafted(draft))

    def on_letter_panel__drafted(self, message: _Drafted) -> None:
        draft = message.draft
        if draft.customer_id != self.customer_id:
            return  # the desk moved to another customer meanwhile
        self.draft = draft
        self.query_one("#lp-customer", Static).update(
            _("Client : {name} — {number}").format(
                name=draft.customer_name, number=draft.customer_number
            )
        )
        self._show_fields(draft)
        self._status(
            _("Complétez les champs puis produisez la lettre (Ctrl+S).")
            if draft.missing
            else _("Tout est rempli depuis la fiche : indiquez la transmission (Ctrl+S).")
        )

    def _show_fields(self, draft: LetterDraft | None) -> None:
        box = self.query_one("#lp-fields", Vertical)
        box.remove_children()
        filled = self.query_one("#lp-filled", Static)
        title = self.query_one("#lp-missing-title", Static)
        if draft is None:
            filled.update("")
            title.display = False
            return
        shown = " · ".join(f"{name} : {_shown(draft.record[name])}" for name in draft.filled)
        filled.update(_("Rempli depuis la fiche : {fields}").format(fields=shown))
        title.display = bool(draft.missing)
        rows: list[Widget] = []
        for item in draft.missing:
            rows.append(
                Horizontal(
                    Label(item.name),
                    Input(
                        id=f"lp-f-{item.name}",
                        placeholder=_PLACEHOLDERS.get(item.kind, item.description),
                        tooltip=item.description,
                        compact=True,
                    ),
                    classes="lp-row",
                )
            )
            rows.append(
                Static(item.description, classes="lp-hint", markup=False),
            )
            rows.append(self._error(f"f-{item.name}"))
        box.mount_all(rows)

    # -- produce and record -----------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self.draft is not None:
            self._measure.edited()

    @on(Input.Changed)
    @on(Select.Changed, "#lp-mode")
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        event.stop()
        control = event.control
        if control is not None and control.id:
            for error in self.query(f"#{control.id}-error"):
                error.remove_class("-shown")

    def action_produce(self) -> None:
        """Check the typed fields and write the letter (Ctrl+S)."""
        if self._busy:
            return
        if self.draft is None:
            self._status(
                _("Affichez d'abord un client sur le poste.")
                if self.customer_id is None
                else _("Choisissez d'abord la lettre-type.")
            )
            return
        self._busy = True
        self._clear_errors()
        values = {
            item.name: self.query_one(f"#lp-f-{item.name}", Input).value
            for item in self.draft.missing
        }
        mode = self.query_one("#lp-mode", Select).value
        transmission = Transmission(
            reference=self.query_one("#lp-reference", Input).value,
            your_reference=self.query_one("#lp-vref", Input).value,
            mode=mode if isinstance(mode, str) else "",
            subject=self.query_one("#lp-objet", Input).value,
        )
        self._status(_("Production de la lettre…"))
        self._produce(self.draft, values, transmission)

    @work(thread=True, exclusive=True, group="letters-produce", exit_on_error=False)
    def _produce(self, draft: LetterDraft, values: dict[str, str], sent: Transmission) -> None:
        try:
            letter = self._desk.produce(draft, values, sent)
        except (CrmError, MergeError, OSError) as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Produced(letter, self._desk.clock.monotonic()))

    def on_letter_panel__produced(self, message: _Produced) -> None:
        self._busy = False
        letter = message.letter
        self.letter = letter
        preview = self.query_one("#lp-preview", Static)
        preview.update(letter.preview)
        preview.display = True
        self.query_one("#lp-record", Button).disabled = False
        self._status(
            _("Lettre écrite : {path}. Relisez-la puis enregistrez l'envoi (Ctrl+R).").format(
                path=letter.path
            )
        )
        measure = self._measure.done(at=message.produced_at)
        self.post_message(
            self.LetterProduced(
                template=letter.draft.template.name,
                customer_id=letter.draft.customer_id,
                path=str(letter.path),
                missing_filled=letter.filled,
                duration_s=measure.duration_s,
                errors=measure.errors,
            )
        )

    def action_record(self) -> None:
        """Record the produced letter as sent in the customer's history (Ctrl+R)."""
        if self._busy:
            return
        if self.letter is None:
            self._status(_("Produisez d'abord la lettre (Ctrl+S)."))
            return
        self._busy = True
        self._record(self.letter)

    @work(thread=True, exclusive=True, group="letters-record", exit_on_error=False)
    def _record(self, letter: ProducedLetter) -> None:
        try:
            interaction = self._desk.record_sent(letter)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Recorded(letter, interaction))

    def on_letter_panel__recorded(self, message: _Recorded) -> None:
        self._busy = False
        self.letter = None
        self.query_one("#lp-record", Button).disabled = True
        self._status(_("Envoi enregistré dans l'historique du client."), saved=True)
        letter = message.letter
        self.post_message(
            self.LetterRecorded(
                template=letter.draft.template.name,
                customer_id=letter.draft.customer_id,
                interaction_id=message.interaction.id,
                path=str(letter.path),
                mode=letter.transmission.mode,
            )
        )

    @on(Button.Pressed, "#lp-produce")
    def _produce_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_produce()

    @on(Button.Pressed, "#lp-record")
    def _record_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_record()

    def on_letter_panel__refused(self, message: _Refused) -> None:
        self._busy = False
        error = message.error
        if not isinstance(error, ValidationError):
            self._status(str(error))
            return
        self._measure.refused(error.errors)
        self._status(
            place_field_errors(
                self,
                error.errors,
                lambda f: f"lp-{f}-error" if f in _TRANSMISSION else f"lp-f-{f}-error",
            )
        )
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._busy = False
        self._status(unexpected_error_text(event.worker.error))

    # -- helpers ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            label.remove_class("-shown")

    def _status(self, text: str, *, saved: bool = False) -> None:
        status = self.query_one("#lp-status", Static)
        status.update(text)
        status.set_class(saved, "-saved")
