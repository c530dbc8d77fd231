"""The contact form (C2.3 "mettre à jour le fichier client").

The agent corrects the phone numbers, address, e-mail, contact preference and marketing
consent of the customer shown on the desk. The `FileDesk` saves them in a worker and notes in
the history who changed what; refused fields show beside them and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError
from crm.services.file_updates import FIELD_NAMES, FileUpdate
from workstation.dispositions import N_
from workstation.file_desk import FIELDS, PREFERENCES, ContactDetails, FileDesk
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter

_INPUTS = (
    ("telephone_1", N_("Tél. principal"), N_("06 12 34 56 78")),
    ("telephone_2", N_("Autre téléphone"), N_("facultatif")),
    ("adresse", N_("Adresse"), N_("12 rue des Lilas")),
    ("complement_adresse", N_("Complément"), N_("facultatif")),
    ("code_postal", N_("Code postal"), N_("69003")),
    ("ville", N_("Ville"), N_("Lyon")),
    ("email", N_("E-mail"), N_("prenom.nom@example.fr")),
)


class ContactForm(Widget):
    """Update the contact details of the customer shown on the desk (C2.3)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", _("Enregistrer la fiche"), id="contact.save"),
    ]

    DEFAULT_CSS = """
    ContactForm {
        height: 1fr;
        width: 1fr;
    }
    ContactForm > VerticalScroll {
        height: 1fr;
    }
    ContactForm .cf-title {
        text-style: bold;
        color: $accent;
    }
    ContactForm .cf-row {
        height: auto;
    }
    ContactForm .cf-row > Label {
        width: 17;
    }
    ContactForm .cf-row > Input, ContactForm .cf-row > Select {
        width: 1fr;
    }
    ContactForm .field-error {
        color: $error;
        display: none;
    }
    ContactForm .field-error.-shown {
        display: block;
    }
    ContactForm #cf-status.-saved {
        color: $success;
        text-style: bold;
    }
    ContactForm Button {
        margin-top: 1;
    }
    """

    @dataclass
    class ContactUpdated(Message):
        """The file was saved (for the journal)."""

        customer_id: int
        #: What changed (keys of `crm.services.file_updates.FIELD_NAMES`); empty: nothing.
        fields: tuple[str, ...]
        #: Seconds from the first edit to the valid save, on the desk's clock.
        duration_s: float
        #: Field errors reported by the refused saves before this one.
        errors: int
        #: Fields changed after a refused save (each field once per refused save).
        corrections: int
        #: The history note recording the change (None when nothing changed).
        interaction_id: int | None

    @dataclass
    class Invalid(Message):
        """A save was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Loaded(Message):
        customer_id: int
        name: str
        details: ContactDetails

    @dataclass
    class _Saved(Message):
        customer_id: int
        result: FileUpdate
        saved_at: float

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: FileDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self.customer_id: int | None = None
        self._loaded = False
        self._saving = False
        self._measure = FormMeter(desk.clock)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Coordonnées du client"), classes="cf-title")
            yield Static(_("Aucun client affiché."), id="cf-customer", markup=False)
            for field, label, placeholder in _INPUTS:
                with Horizontal(classes="cf-row"):
                    yield Label(_(label))
                    yield Input(id=f"cf-{field}", placeholder=_(placeholder), compact=True)
                yield self._error(field)
            with Horizontal(classes="cf-row"):
                yield Label(_("Préférence"))
                yield Select(
                    [(_(label), code) for code, label in PREFERENCES],
                    prompt=_("Choisir le moyen de contact"),
                    id="cf-preference_contact",
                    compact=True,
                )
            yield self._error("preference_contact")
            yield Checkbox(_("Accepte les offres commerciales"), id="cf-consentement", compact=True)
            yield Button(_("Enregistrer (Ctrl+S)"), id="cf-save", variant="primary")
            yield Static("", id="cf-status", markup=False)

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"cf-{field}-error", classes="field-error", markup=False)

    # -- what the desk calls ----------------------------------------------------------------

    def show_customer(self, customer_id: int | None) -> None:
        """Edit this customer's details (None: no customer on the desk)."""
        self.customer_id = customer_id
        self._loaded = False
        self._measure.started()
        self._clear_errors()
        self._status("")
        if customer_id is None:
            self.query_one("#cf-customer", Static).update(_("Aucun client affiché."))
            return
        self.query_one("#cf-customer", Static).update(_("Chargement de la fiche…"))
        self._load(customer_id)

    @work(thread=True, exclusive=True, group="contact-load", exit_on_error=False)
    def _load(self, customer_id: int) -> None:
        try:
            name, details = self._desk.details(customer_id)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Loaded(customer_id, name, details))

    def on_contact_form__loaded(self, message: _Loaded) -> None:
        if message.customer_id != self.customer_id:
            return
        details = message.details
        values = {
            "telephone_1": details.phone_1,
            "telephone_2": details.phone_2,
            "adresse": details.address_line1,
            "complement_adresse": details.address_line2,
            "code_postal": details.postcode,
            "ville": details.city,
            "email": details.email,
        }
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            for field, value in values.items():
                self.query_one(f"#cf-{field}", Input).value = value
            select = self.query_one("#cf-preference_contact", Select)
            if details.contact_preference in {code for code, _label in PREFERENCES}:
                select.value = details.contact_preference
            else:
                select.clear()
            self.query_one("#cf-consentement", Checkbox).value = details.marketing_consent
        self.query_one("#cf-customer", Static).update(message.name)
        self._loaded = True
        self._status(_("Corrigez ce qui a changé puis enregistrez (Ctrl+S)."))

    # -- measures ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        self._touch()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        control = event.control
        field = control.id.removeprefix("cf-") if control is not None and control.id else ""
        self._touch(field)
        for error in self.query(f"#cf-{field}-error"):
            error.remove_class("-shown")

    def _touch(self, field: str | None = None) -> None:
        # Before the card is loaded, nothing typed here can be saved: not an edit yet.
        if self._loaded:
            self._measure.edited(field)

    # -- save -------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Send the form to the desk for checking and saving (Ctrl+S)."""
        if self._saving:
            return
        if self.customer_id is None or not self._loaded:
            self._status(_("Affichez d'abord un client sur le poste."))
            return
        self._touch()
        self._saving = True
        self._clear_errors()
        preference = self.query_one("#cf-preference_contact", Select).value
        form = ContactDetails(
            phone_1=self._value("telephone_1"),
            phone_2=self._value("telephone_2"),
            address_line1=self._value("adresse"),
            address_line2=self._value("complement_adresse"),
            postcode=self._value("code_postal"),
            city=self._value("ville"),
            email=self._value("email"),
            contact_preference=preference if isinstance(preference, str) else "",
            marketing_consent=self.query_one("#cf-consentement", Checkbox).value,
        )
        self._status(_("Enregistrement…"))
        self._save(self.customer_id, form)

    def _value(self, field: str) -> str:
        return self.query_one(f"#cf-{field}", Input).value

    @on(Button.Pressed, "#cf-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @work(thread=True, exclusive=True, group="contact-save", exit_on_error=False)
    def _save(self, customer_id: int, form: ContactDetails) -> None:
        try:
            result = self._desk.save(customer_id, form)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Saved(customer_id, result, self._desk.clock.monotonic()))

    def on_contact_form__saved(self, message: _Saved) -> None:
        self._saving = False
        result = message.result
        if result.changed:
            names = ", ".join(_(FIELD_NAMES[key]) for key in result.changed)
            self._status(
                _("Fiche mise à jour ({fields}), notée dans l'historique.").format(fields=names),
                saved=True,
            )
        else:
            self._status(_("Rien n'a changé : la fiche est déjà à jour."), saved=True)
        measure = self._measure.done(at=message.saved_at)
        self.post_message(
            self.ContactUpdated(
                customer_id=message.customer_id,
                fields=result.changed,
                duration_s=measure.duration_s,
                errors=measure.errors,
                corrections=measure.corrections,
                interaction_id=result.note.id if result.note is not None else None,
            )
        )
        self._measure.started()

    def on_contact_form__refused(self, message: _Refused) -> None:
        self._saving = False
        error = message.error
        if not isinstance(error, ValidationError):
            self._status(str(error))
            return
        self._measure.refused(error.errors, (*FIELDS, "consentement"))
        self._status(
            place_field_errors(
                self, error.errors, lambda f: f"cf-{f}-error" if f in FIELDS else None
            )
        )
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._saving = False
        self._status(unexpected_error_text(event.worker.error))

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            label.remove_class("-shown")

    def _status(self, text: str, *, saved: bool = False) -> None:
        status = self.query_one("#cf-status", Static)
        status.update(text)
        status.set_class(saved, "-saved")
