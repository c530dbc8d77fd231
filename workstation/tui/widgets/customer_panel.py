"""The customer panel: the screen pop and the customer 360 (C1.1 "identifier ou vérifier les
données client").

It shows the card of a known caller with the identity checklist of PRO-002, or, for a number
that matched nobody, a search (name, customer number, postcode) and a prospect form. Every
database call goes through the injected `CustomerDesk` in a thread worker; the panel posts what
happened (card shown, identity checked, customer selected…) for the desk and the journal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from gettext import gettext as _
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from crm import validation
from crm.errors import CrmError, ValidationError
from crm.views import (
    CustomerActivity,
    CustomerCard,
    CustomerSummary,
    InteractionView,
    InvoiceView,
    MessageBrief,
    OrderBrief,
    PaymentView,
    SurveyParticipation,
)
from workstation.customer_desk import (
    IDENTITY_CHECKS,
    CustomerDesk,
    ProspectForm,
    SearchCriteria,
    SearchResult,
    identity_verified,
)
from workstation.dispositions import N_
from workstation.tui.widgets.failures import unexpected_error_text

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
NNBSP = "\u202f"  # babel's French group separator

_SEGMENTS = {
    "standard": N_("Standard"),
    "premium": N_("Premium"),
    "loyal": N_("Fidèle"),
    "at_risk": N_("À risque"),
}
_CONTRACT_STATUSES = {
    "active": N_("actif"),
    "suspended": N_("suspendu"),
    "terminated": N_("résilié"),
}
_INVOICE_STATUSES = {"unpaid": N_("impayée"), "partially_paid": N_("partiellement payée")}
_REQUEST_STATUSES = {
    "open": N_("ouverte"),
    "in_progress": N_("en cours"),
    "waiting_customer": N_("en attente du client"),
    "closed": N_("close"),
}
_PLAN_STATUSES = {
    "active": N_("en cours"),
    "completed": N_("soldé"),
    "defaulted": N_("défaillant"),
    "cancelled": N_("annulé"),
}
_PAYMENT_METHODS = {
    "direct_debit": N_("prélèvement"),
    "card": N_("carte bancaire"),
    "cheque": N_("chèque"),
    "transfer": N_("virement"),
}
_CHANNELS = {
    "call": N_("Appel"),
    "email": N_("Courriel"),
    "letter": N_("Courrier"),
    "note": N_("Note"),
    "chat": N_("Messagerie"),
    "sms": N_("SMS"),
}
_DIRECTIONS = {"inbound": N_("entrant"), "outbound": N_("sortant"), "internal": N_("interne")}
_ORDER_STATUSES = {
    "draft": N_("en préparation"),
    "confirmed": N_("confirmée"),
    "shipped": N_("expédiée"),
    "delivered": N_("livrée"),
    "cancelled": N_("annulée"),
}
_APPOINTMENT_KINDS = {
    "installation": N_("Installation"),
    "repair": N_("Dépannage"),
    "equipment_swap": N_("Échange de matériel"),
    "removal": N_("Reprise du matériel"),
}
_PAYMENT_STATUSES = {"accepted": N_("accepté"), "rejected": N_("rejeté")}
_RESPONSE_STATUSES = {
    "complete": N_("complète"),
    "partial": N_("partielle"),
    "refused": N_("refusée"),
}
_MESSAGE_CHANNELS = {"email": N_("courriel"), "chat": N_("messagerie")}
_MESSAGE_LANGUAGES = {"fr": N_("en français"), "en": N_("en anglais")}
_MESSAGE_STATUSES = {
    "unread": N_("reçu, non lu"),
    "read": N_("reçu, lu"),
    "answered": N_("reçu, répondu"),
    "archived": N_("reçu, archivé"),
}


def _label(table: dict[str, str], code: str) -> str:
    return _(table[code]) if code in table else code


def euros(value: Decimal) -> str:
    """An amount as French users read it, with no-break spaces: 1 234,56 €."""
    text = format_decimal(value, format="#,##0.00", locale="fr_FR").replace(NNBSP, NBSP)
    return f"{text}{NBSP}€"


def french_date(value: date | datetime) -> str:
    """25/09/2026; a datetime is shown in Paris time with its hour (25/09/2026 14:05)."""
    if isinstance(value, datetime):
        return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _days_late(days: int) -> str:
    return (
        _("{days} jour de retard").format(days=days)
        if days == 1
        else _("{days} jours de retard").format(days=days)
    )


class CustomerPanel(Widget):
    """The customer 360 and the screen pop of the desk (C1.1), with what the activities left
    in the file (orders, payments, promises, messages, surveys: C1.6, C1.7, C1.8, C3.2),
    read once the card is shown (`CardShown`, then `ActivityShown`).

    Methods for the desk: `show_customer(customer_id)`, `refresh_activity()`,
    `show_unknown(caller_number)`, `clear()`. Read-only attributes: `customer_id`, `card`,
    `activity`, `identity_items`, `verified`.
    """

    DEFAULT_CSS = """
    CustomerPanel {
        height: 1fr;
        width: 1fr;
    }
    CustomerPanel ContentSwitcher, CustomerPanel VerticalScroll {
        height: 1fr;
    }
    CustomerPanel .cp-title {
        text-style: bold;
        color: $accent;
    }
    CustomerPanel .cp-section {
        margin-top: 1;
        text-style: bold;
    }
    CustomerPanel .cp-block {
        margin-top: 1;
    }
    CustomerPanel .overdue {
        color: $error;
        text-style: bold;
    }
    CustomerPanel .cp-muted {
        color: $text-muted;
    }
    CustomerPanel .cp-row {
        height: auto;
    }
    CustomerPanel .cp-row > Label {
        width: 15;
        padding-top: 0;
    }
    CustomerPanel .cp-row > Input, CustomerPanel .cp-row > Select {
        width: 1fr;
    }
    CustomerPanel .field-error {
        color: $error;
        padding-left: 15;
        display: none;
    }
    CustomerPanel .field-error.-shown {
        display: block;
    }
    CustomerPanel #cp-verified.-verified {
        color: $success;
        text-style: bold;
    }
    CustomerPanel Checkbox {
        border: none;
        padding: 0;
        height: 1;
    }
    CustomerPanel OptionList {
        height: auto;
        max-height: 8;
    }
    CustomerPanel OptionList.-empty {
        display: none;
    }
    CustomerPanel Button {
        margin-top: 1;
    }
    """

    @dataclass
    class CardShown(Message):
        """A customer card is on screen, `load_ms` after it was asked for."""

        customer_id: int
        number: str
        load_ms: float

    @dataclass
    class ActivityShown(Message):
        """The card's activity sections (orders, payments, promises, messages, surveys)
        are on screen too, `load_ms` after the card was asked for."""

        customer_id: int
        load_ms: float

    @dataclass
    class IdentityChecked(Message):
        """The agent ticked or unticked an identity check (PRO-002)."""

        customer_id: int
        checked_items: tuple[str, ...]
        verified: bool

    @dataclass
    class CustomerSelected(Message):
        """An unknown caller was identified: picked from a search or created as a prospect."""

        customer_id: int
        how: str

    @dataclass
    class SearchDone(Message):
        """A search ran; `criteria` holds the non-empty criteria typed."""

        criteria: dict[str, str]
        count: int

    @dataclass
    class ProspectCreated(Message):
        """A prospect was created for the caller."""

        customer_id: int

    @dataclass
    class FormError(Message):
        """A field of a form was refused (`form`: "recherche" or "prospect")."""

        form: str
        field: str
        message: str

    @dataclass
    class Failed(Message):
        """An operation failed for a reason that is not the user's input."""

        operation: str
        message: str

    # Private results of the workers, handled by the panel itself.
    @dataclass
    class _CardLoaded(Message):
        card: CustomerCard
        started: float

    @dataclass
    class _ActivityLoaded(Message):
        activity: CustomerActivity
        started: float

    @dataclass
    class _Searched(Message):
        result: SearchResult

    @dataclass
    class _Created(Message):
        summary: CustomerSummary

    @dataclass
    class _Refused(Message):
        form: str
        error: CrmError

    def __init__(
        self,
        desk: CustomerDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        #: The customer whose card is shown (None when empty or searching).
        self.customer_id: int | None = None
        self.card: CustomerCard | None = None
        #: What the activities left in the file of the customer shown (None until read).
        self.activity: CustomerActivity | None = None
        self.caller_number: str = ""

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="cp-empty"):
            with Vertical(id="cp-empty"):
                yield Static(_("Aucun client affiché."), id="cp-empty-text", classes="cp-muted")
            with VerticalScroll(id="cp-card"):
                yield Static("", id="cp-name", classes="cp-title", markup=False)
                yield Static("", id="cp-alert", classes="overdue", markup=False)
                yield Static("", id="cp-identity", markup=False)
                yield Label(_("Vérification d'identité (PRO-002)"), classes="cp-section")
                for check in IDENTITY_CHECKS:
                    yield Checkbox(check.label, id=f"cp-check-{check.code}")
                yield Static("", id="cp-verified")
                for section in SECTIONS:
                    yield Static(id=f"cp-{section}", classes="cp-block")
                yield Static("", id="cp-activity-status", classes="cp-block cp-muted")
            with VerticalScroll(id="cp-unknown"):
                yield Static("", id="cp-unknown-title", classes="cp-title", markup=False)
                yield Label(_("Rechercher le client"), classes="cp-section")
                yield from self._field("search", "nom", _("Nom"))
                yield from self._field("search", "numero_client", _("N° client"), "CL0004512")
                yield from self._field("search", "code_postal", _("Code postal"))
                yield Button(_("Rechercher"), id="cp-search-go")
                yield Static("", id="cp-search-status", markup=False)
                yield OptionList(id="cp-results", classes="-empty")
                yield Label(_("Créer un prospect"), classes="cp-section")
                with Horizontal(classes="cp-row"):
                    yield Label(_("Civilité"))
                    yield Select(
                        [(_("Madame"), "Mme"), (_("Monsieur"), "M.")],
                        prompt=_("Choisir"),
                        id="cp-prospect-civilite",
                        compact=True,
                    )
                yield Static(
                    "", id="cp-prospect-civilite-error", classes="field-error", markup=False
                )
                yield from self._field("prospect", "prenom", _("Prénom"))
                yield from self._field("prospect", "nom", _("Nom"))
                yield from self._field("prospect", "adresse", _("Adresse"))
                yield from self._field("prospect", "code_postal", _("Code postal"))
                yield from self._field("prospect", "ville", _("Ville"))
                yield from self._field("prospect", "telephone", _("Téléphone"))
                yield from self._field("prospect", "email", _("Courriel"), _("facultatif"))
                yield Button(_("Créer le prospect"), id="cp-prospect-go")
                yield Static("", id="cp-prospect-status", markup=False)

    @staticmethod
    def _field(form: str, field: str, label: str, placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="cp-row"):
            yield Label(label)
            yield Input(
                id=f"cp-{form}-{field}",
                placeholder=placeholder,
                compact=True,
                classes=f"{form}-field",
            )
        yield Static("", id=f"cp-{form}-{field}-error", classes="field-error", markup=False)

    # -- what the desk calls ----------------------------------------------------------------

    def show_customer(self, customer_id: int) -> None:
        """Load the customer's card (in a worker) and show it, then what the activities left
        in their file (a second worker, once the card is on screen)."""
        self.customer_id = customer_id
        self.workers.cancel_group(self, "customer-activity")
        self._load_card(customer_id, self._desk.clock.monotonic())

    def add_to_history(self, entry: InteractionView) -> None:
        """Show an entry just recorded (a call note) at the top of the card's history,
        without reading the card again; ignored when another customer is on screen."""
        card = self.card
        if card is None or entry.customer_id != card.summary.id:
            return
        self.card = replace(card, last_interactions=(entry, *card.last_interactions))
        self._render_card(self.card)

    def refresh_activity(self) -> None:
        """Read again what the activities left in the file of the customer shown (after a
        sale, a plan or a reply during the call); the card itself is not read again."""
        if self.card is not None:
            self._load_activity(self.card.summary.id, self._desk.clock.monotonic())

    def show_unknown(self, caller_number: str) -> None:
        """The caller's number matched nobody: offer a search and the prospect form."""
        self.customer_id = None
        self.card = None
        self.activity = None
        self.caller_number = caller_number
        self.workers.cancel_group(self, "customer")
        self.workers.cancel_group(self, "customer-activity")
        shown = _display_phone(caller_number) if caller_number else _("non communiqué")
        self.query_one("#cp-unknown-title", Static).update(
            _("Numéro inconnu : {number}").format(number=shown)
        )
        for field in self.query(Input):
            field.value = ""
        self.query_one("#cp-prospect-civilite", Select).clear()
        self.query_one("#cp-prospect-telephone", Input).value = caller_number
        self.query_one("#cp-results", OptionList).clear_options().add_class("-empty")
        self.query_one("#cp-search-status", Static).update("")
        self.query_one("#cp-prospect-status", Static).update("")
        self._clear_errors("search")
        self._clear_errors("prospect")
        self.query_one(ContentSwitcher).current = "cp-unknown"

    def clear(self) -> None:
        """Show nothing (between calls)."""
        self.customer_id = None
        self.card = None
        self.activity = None
        self.caller_number = ""
        self.workers.cancel_group(self, "customer")
        self.workers.cancel_group(self, "customer-activity")
        self.query_one("#cp-empty-text", Static).update(_("Aucun client affiché."))
        self.query_one(ContentSwitcher).current = "cp-empty"

    @property
    def identity_items(self) -> tuple[str, ...]:
        """The identity checks ticked so far, in checklist order."""
        return tuple(
            check.code
            for check in IDENTITY_CHECKS
            if self.query_one(f"#cp-check-{check.code}", Checkbox).value
        )

    @property
    def verified(self) -> bool:
        """Whether the ticked checks identify the caller (PRO-002)."""
        return identity_verified(self.identity_items)

    # -- workers ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="customer", exit_on_error=False)
    def _load_card(self, customer_id: int, started: float) -> None:
        try:
            card = self._desk.card(customer_id)
        except CrmError as error:
            self._post_unless_cancelled(self._Refused("fiche", error))
            return
        self._post_unless_cancelled(self._CardLoaded(card, started))

    @work(thread=True, exclusive=True, group="customer-activity", exit_on_error=False)
    def _load_activity(self, customer_id: int, started: float) -> None:
        try:
            activity = self._desk.activity(customer_id)
        except CrmError as error:
            self._post_unless_cancelled(self._Refused("activite", error))
            return
        self._post_unless_cancelled(self._ActivityLoaded(activity, started))

    @work(thread=True, exclusive=True, group="customer-search", exit_on_error=False)
    def _search(self, criteria: SearchCriteria) -> None:
        try:
            result = self._desk.search(criteria)
        except CrmError as error:
            self._post_unless_cancelled(self._Refused("recherche", error))
            return
        self._post_unless_cancelled(self._Searched(result))

    @work(thread=True, exclusive=True, group="customer-prospect", exit_on_error=False)
    def _create(self, form: ProspectForm) -> None:
        try:
            summary = self._desk.create_prospect(form)
        except CrmError as error:
            self.post_message(self._Refused("prospect", error))
            return
        self.post_message(self._Created(summary))

    def _post_unless_cancelled(self, message: Message) -> None:
        # A newer call replaced this one (exclusive worker): its result must not show.
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure of a worker: say so in French, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        operation = event.worker.group
        message = unexpected_error_text(event.worker.error)
        self._show_status(operation, message)
        self.post_message(self.Failed(operation, message))

    def _show_status(self, operation: str, message: str) -> None:
        if operation == "customer-activity":
            # The card stays: only its activity sections could not be read.
            status = self.query_one("#cp-activity-status", Static)
            status.update(
                _("Commandes, paiements et messages indisponibles : {error}").format(error=message)
            )
            status.display = True
        elif operation == "customer-search":
            self.query_one("#cp-search-status", Static).update(message)
        elif operation == "customer-prospect":
            self.query_one("#cp-prospect-status", Static).update(message)
        else:
            self.query_one("#cp-empty-text", Static).update(message)
            self.query_one(ContentSwitcher).current = "cp-empty"

    # -- results ----------------------------------------------------------------------------

    def on_customer_panel__card_loaded(self, message: _CardLoaded) -> None:
        card = message.card
        if card.summary.id != self.customer_id:
            return  # the desk moved on to another caller meanwhile
        if self.card is None or self.card.summary.id != card.summary.id:
            self.activity = None  # another customer's: never shown under this name
        self.card = card
        self._render_card(card)
        self.query_one(ContentSwitcher).current = "cp-card"
        load_ms = (self._desk.clock.monotonic() - message.started) * 1000
        self.post_message(self.CardShown(card.summary.id, card.summary.number, load_ms))
        # The ring waits for the card only; what the other activities left comes next.
        self._load_activity(card.summary.id, message.started)

    def on_customer_panel__activity_loaded(self, message: _ActivityLoaded) -> None:
        activity = message.activity
        if self.card is None or activity.customer_id != self.card.summary.id:
            return  # the desk moved on to another caller meanwhile
        self.activity = activity
        self._render_activity()
        load_ms = (self._desk.clock.monotonic() - message.started) * 1000
        self.post_message(self.ActivityShown(activity.customer_id, load_ms))

    def on_customer_panel__searched(self, message: _Searched) -> None:
        result = message.result
        results = self.query_one("#cp-results", OptionList)
        results.clear_options()
        results.add_options(
            Option(
                f"{item.number}  {item.display_name} — {item.postcode} {item.city}",
                id=str(item.id),
            )
            for item in result.items
        )
        if not result.items:
            status = _("Aucun client trouvé.")
        elif result.total > len(result.items):
            status = _("{total} clients trouvés ; les {shown} premiers sont listés.").format(
                total=result.total, shown=len(result.items)
            )
        elif result.total == 1:
            status = _("1 client trouvé : Entrée pour l'afficher.")
        else:
            status = _("{total} clients trouvés : choisissez avec les flèches et Entrée.").format(
                total=result.total
            )
        self.query_one("#cp-search-status", Static).update(status)
        results.set_class(not result.items, "-empty")
        if result.items:
            results.highlighted = 0
            results.focus()
        criteria = {
            key: value
            for key, value in (
                ("nom", result.criteria.name),
                ("numero_client", result.criteria.number),
                ("code_postal", result.criteria.postcode),
            )
            if value.strip()
        }
        self.post_message(self.SearchDone(criteria, result.total))

    def on_customer_panel__created(self, message: _Created) -> None:
        summary = message.summary
        self.query_one("#cp-prospect-status", Static).update(
            _("Prospect {number} créé.").format(number=summary.number)
        )
        self.post_message(self.ProspectCreated(summary.id))
        self.post_message(self.CustomerSelected(summary.id, "prospect"))
        self.show_customer(summary.id)

    def on_customer_panel__refused(self, message: _Refused) -> None:
        error = message.error
        if message.form == "activite":
            self._show_status("customer-activity", str(error))
            self.post_message(self.Failed("customer-activity", str(error)))
            return
        if message.form == "fiche":
            self._show_status("customer", str(error))
            self.post_message(self.Failed("customer", str(error)))
            return
        form = "search" if message.form == "recherche" else "prospect"
        status = self.query_one(f"#cp-{form}-status", Static)
        if not isinstance(error, ValidationError):
            status.update(str(error))
            self.post_message(self.FormError(message.form, "", str(error)))
            return
        status.update(_("Corrigez les champs signalés."))
        unplaced: list[str] = []
        for item in error.errors:
            self.post_message(self.FormError(message.form, item.field, item.message))
            shown = self.query(f"#cp-{form}-{item.field}-error")
            if shown:
                label = shown.first(Static)
                label.update(item.message)
                label.add_class("-shown")
            else:
                unplaced.append(item.message)
        if unplaced:
            status.update(" ".join(unplaced))

    # -- user input -------------------------------------------------------------------------

    @on(Button.Pressed, "#cp-search-go")
    @on(Input.Submitted, ".search-field")
    def _start_search(self, event: Message) -> None:
        event.stop()
        self._clear_errors("search")
        criteria = SearchCriteria(
            name=self.query_one("#cp-search-nom", Input).value,
            number=self.query_one("#cp-search-numero_client", Input).value,
            postcode=self.query_one("#cp-search-code_postal", Input).value,
        )
        if not (criteria.name.strip() or criteria.number.strip() or criteria.postcode.strip()):
            message = _("Saisissez un nom, un numéro client ou un code postal.")
            self._field_error("search", "nom", message)
            self.post_message(self.FormError("recherche", "nom", message))
            return
        self.query_one("#cp-search-status", Static).update(_("Recherche…"))
        self._search(criteria)

    @on(OptionList.OptionSelected, "#cp-results")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is None:
            return
        customer_id = int(event.option_id)
        self.post_message(self.CustomerSelected(customer_id, "search"))
        self.show_customer(customer_id)

    @on(Button.Pressed, "#cp-prospect-go")
    @on(Input.Submitted, ".prospect-field")
    def _start_create(self, event: Message) -> None:
        event.stop()
        self._clear_errors("prospect")
        civility = self.query_one("#cp-prospect-civilite", Select).value
        form = ProspectForm(
            civility=civility if isinstance(civility, str) else "",
            first_name=self._value("prospect", "prenom"),
            last_name=self._value("prospect", "nom"),
            address_line1=self._value("prospect", "adresse"),
            postcode=self._value("prospect", "code_postal"),
            city=self._value("prospect", "ville"),
            phone=self._value("prospect", "telephone"),
            email=self._value("prospect", "email"),
        )
        self.query_one("#cp-prospect-status", Static).update(_("Création…"))
        self._create(form)

    @on(Checkbox.Changed)
    def _identity_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.customer_id is None:
            return
        checked = self.identity_items
        verified = identity_verified(checked)
        self._show_verified(verified)
        self.post_message(self.IdentityChecked(self.customer_id, checked, verified))

    # -- helpers ----------------------------------------------------------------------------

    def _value(self, form: str, field: str) -> str:
        return self.query_one(f"#cp-{form}-{field}", Input).value

    def _field_error(self, form: str, field: str, message: str) -> None:
        label = self.query_one(f"#cp-{form}-{field}-error", Static)
        label.update(message)
        label.add_class("-shown")

    def _clear_errors(self, form: str) -> None:
        for label in self.query("#cp-unknown .field-error"):
            if label.id is not None and label.id.startswith(f"cp-{form}-"):
                label.remove_class("-shown")
                if isinstance(label, Static):
                    label.update("")

    def _show_verified(self, verified: bool) -> None:
        shown = self.query_one("#cp-verified", Static)
        shown.set_class(verified, "-verified")
        shown.update(
            _("Identité vérifiée.")
            if verified
            else _("Identité non vérifiée : nom, adresse et un élément de sécurité.")
        )

    def _render_card(self, card: CustomerCard) -> None:
        summary = card.summary
        self.query_one("#cp-name", Static).update(f"{summary.display_name} — {summary.number}")
        self.query_one("#cp-identity", Static).update("\n".join(_identity_lines(card)))
        late = [invoice for invoice in card.open_invoices if invoice.days_late > 0]
        alert = self.query_one("#cp-alert", Static)
        alert.display = bool(late)
        alert.update(
            _("Impayé : {amount} en retard ({count} facture(s), jusqu'à {days} jours)").format(
                amount=euros(sum((invoice.balance for invoice in late), Decimal("0.00"))),
                count=len(late),
                days=max((invoice.days_late for invoice in late), default=0),
            )
        )
        with self.prevent(Checkbox.Changed):
            for checkbox in self.query(Checkbox):
                checkbox.value = False
        self._show_verified(False)
        for section, content in _sections(card).items():
            block = self.query_one(f"#cp-{section}", Static)
            block.display = content is not None
            block.update(content or "")
        self._render_activity()

    def _render_activity(self) -> None:
        """The activity sections of the customer shown; hidden until they are read."""
        status = self.query_one("#cp-activity-status", Static)
        status.display = False
        activity = self.activity
        sections = _activity_sections(activity) if activity is not None else {}
        for section in ACTIVITY_SECTIONS:
            content = sections.get(section)
            block = self.query_one(f"#cp-{section}", Static)
            block.display = content is not None
            block.update(content or "")


def _display_phone(number: str) -> str:
    try:
        return validation.phone_display(validation.phone(number))
    except ValidationError:
        return number


def _identity_lines(card: CustomerCard) -> list[str]:
    summary = card.summary
    address = (
        ", ".join(part for part in (card.address_line1, card.address_line2) if part)
        + f", {summary.postcode} {summary.city}"
    )
    phones = " · ".join(
        f"{phone.display} ({phone.label}{', ' + _('principal') if phone.is_primary else ''})"
        for phone in card.phones
    )
    lines = [
        _("Adresse : {address}").format(address=address),
        _("Téléphones : {phones}").format(phones=phones or _("aucun")),
        _("Courriel : {email}").format(email=card.email or _("non renseigné")),
        _("Date de naissance : {date}").format(
            date=french_date(card.birth_date) if card.birth_date else _("non renseignée")
        ),
        _("Segment : {segment} · client depuis le {since}").format(
            segment=_label(_SEGMENTS, card.segment), since=french_date(card.created_at.date())
        ),
        _("Paiement : {method}{iban}").format(
            method=_label(_PAYMENT_METHODS, card.payment_method),
            iban=f" ({card.iban_masked})" if card.iban_masked else "",
        ),
    ]
    return lines


TITLE = "bold"
MUTED = "$text-muted"
OVERDUE = "bold $error"
#: The card's sections, in screen order (one Static each, updated in place: rebuilding
#: widgets for every card cost more than the CRM queries).
SECTIONS = (
    "contracts",
    "orders",
    "appointments",
    "invoices",
    "payments",
    "plans",
    "promises",
    "requests",
    "messages",
    "surveys",
    "history",
)
#: The sections of `SECTIONS` read after the card is shown (see `_activity_sections`).
ACTIVITY_SECTIONS = ("orders", "payments", "promises", "messages", "surveys")


def _styled(text: str, style: str = "") -> Content:
    # Template variables are inserted literally: customer data is never read as markup.
    return Content.from_markup(f"[{style}]$text[/]", text=text) if style else Content(text)


def _section(title: str, lines: list[Content], empty: str | None = None) -> Content | None:
    if not lines:
        if empty is None:
            return None
        lines = [_styled(empty, MUTED)]
    return Content("\n").join([_styled(title, TITLE), *lines])


def _sections(card: CustomerCard) -> dict[str, Content | None]:
    """The content of each section of the card; None hides the section."""
    contracts = []
    for contract in card.contracts:
        contracts.append(
            _styled(
                _("{offer} — {price}/mois, {status}, depuis le {start}").format(
                    offer=contract.offer_name,
                    price=euros(contract.monthly_price),
                    status=_label(_CONTRACT_STATUSES, contract.status),
                    start=french_date(contract.start_date),
                )
            )
        )
        if contract.options:
            text = _("Options : {options} (+{price}/mois)").format(
                options=", ".join(contract.options), price=euros(contract.options_monthly)
            )
            contracts.append(_styled("  " + text))
        if contract.engagement_end:
            text = _("Engagement jusqu'au {date}").format(date=french_date(contract.engagement_end))
            contracts.append(_styled("  " + text))
    requests = [
        _styled(
            _("{number} · {motive} · {status}{service} · ouverte le {date}").format(
                number=request.number,
                motive=request.motive,
                status=_label(_REQUEST_STATUSES, request.status),
                service=f" ({request.service_name})" if request.service_name else "",
                date=french_date(request.opened_at),
            )
        )
        for request in card.open_requests
    ]
    plans = [
        _styled(
            _("{amount} en {count} échéances, {status} ({pending} à venir) — {invoices}").format(
                amount=euros(plan.total_amount),
                count=len(plan.instalments),
                status=_label(_PLAN_STATUSES, plan.status),
                pending=sum(1 for item in plan.instalments if item.status != "paid"),
                invoices=", ".join(plan.invoice_numbers),
            )
        )
        for plan in card.payment_plans
    ]
    appointments = [
        _styled(
            _("{start} – {end} · {kind}").format(
                start=french_date(appointment.slot_start),
                end=appointment.slot_end.astimezone(PARIS).strftime("%H:%M"),
                kind=_label(_APPOINTMENT_KINDS, appointment.kind),
            )
            + (f" · {appointment.note}" if appointment.note else "")
        )
        for appointment in card.appointments
    ]
    history = []
    for item in card.last_interactions:
        head = f"{french_date(item.started_at)} · {_label(_CHANNELS, item.channel)} "
        head += f"{_label(_DIRECTIONS, item.direction)} · {item.motive}"
        if item.agent_name:
            head += f" ({item.agent_name})"
        history.append(_styled(head))
        if item.summary:
            history.append(_styled("  " + item.summary, MUTED))
    return {
        "contracts": _section(
            _("Contrats ({count})").format(count=len(card.contracts)),
            contracts,
            _("Aucun contrat (prospect)."),
        ),
        "invoices": _section(
            _("Factures ouvertes — solde dû {amount}").format(amount=euros(card.balance_due)),
            [_invoice_line(invoice) for invoice in card.open_invoices],
            _("Aucune facture ouverte."),
        ),
        "requests": _section(
            _("Demandes en cours ({count})").format(count=len(card.open_requests)),
            requests,
            _("Aucune demande en cours."),
        ),
        "plans": _section(_("Échéanciers ({count})").format(count=len(plans)), plans),
        "appointments": _section(
            _("Rendez-vous prévus ({count})").format(count=len(appointments)), appointments
        ),
        "history": _section(
            _("Historique (derniers contacts)"), history, _("Aucun contact enregistré.")
        ),
    }


def _activity_sections(card: CustomerActivity) -> dict[str, Content | None]:
    """What the activities left (C1.6 to C1.8, C3.2): the latest few, with the full count;
    None hides an empty section."""
    return {
        "orders": _section(
            _("Commandes ({count})").format(count=card.orders.total),
            [_order_line(order) for order in card.orders.items],
        ),
        "payments": _section(
            _("Paiements ({count})").format(count=card.payments.total),
            [_payment_line(payment) for payment in card.payments.items],
        ),
        "promises": _section(
            _("Promesses de règlement ({count})").format(count=card.promises.total),
            [
                _styled(f"{french_date(item.started_at)} · {item.summary.splitlines()[0]}")
                for item in card.promises.items
                if item.summary
            ],
        ),
        "messages": _section(
            _("Messages ({count})").format(count=card.messages.total),
            [_message_line(message) for message in card.messages.items],
        ),
        "surveys": _section(
            _("Enquêtes ({count})").format(count=card.survey_responses.total),
            [_survey_line(response) for response in card.survey_responses.items],
        ),
    }


def _invoice_line(invoice: InvoiceView) -> Content:
    text = _("{number} · échéance {due} · reste {balance} sur {amount} · {status}").format(
        number=invoice.number,
        due=french_date(invoice.due_on),
        balance=euros(invoice.balance),
        amount=euros(invoice.amount),
        status=_label(_INVOICE_STATUSES, invoice.status),
    )
    if invoice.days_late > 0:
        return _styled(f"{text} · {_days_late(invoice.days_late)}", OVERDUE)
    return _styled(text)


def _order_line(order: OrderBrief) -> Content:
    text = _("{number} du {date} · {items} · {monthly}/mois · {status}").format(
        number=order.number,
        date=french_date(order.created_at.astimezone(PARIS).date()),
        items=", ".join(order.labels) or _("aucun article"),
        monthly=euros(order.total_monthly),
        status=_label(_ORDER_STATUSES, order.status),
    )
    if order.total_one_off:
        text += " · " + _("{amount} à la commande").format(amount=euros(order.total_one_off))
    return _styled(text)


def _payment_line(payment: PaymentView) -> Content:
    text = _("{date} · {amount} par {method}{invoice} · {status}").format(
        date=french_date(payment.paid_on),
        amount=euros(payment.amount),
        method=_label(_PAYMENT_METHODS, payment.method),
        invoice=f" ({payment.invoice_number})" if payment.invoice_number else "",
        status=_label(_PAYMENT_STATUSES, payment.status),
    )
    return _styled(text, OVERDUE if payment.status == "rejected" else "")


def _message_line(message: MessageBrief) -> Content:
    text = _("{date} · {way} · {channel} {language} · {subject}").format(
        date=french_date(message.received_at),
        way=_("envoyé") if message.sent else _label(_MESSAGE_STATUSES, message.status),
        channel=_label(_MESSAGE_CHANNELS, message.channel),
        language=_label(_MESSAGE_LANGUAGES, message.language),
        subject=message.subject or _("(sans objet)"),
    )
    if message.attachments == 1:
        text += " · " + _("1 pièce jointe")
    elif message.attachments > 1:
        text += " · " + _("{count} pièces jointes").format(count=message.attachments)
    return _styled(text)


def _survey_line(response: SurveyParticipation) -> Content:
    text = _("{date} · {title} · {status}").format(
        date=french_date(response.started_at.astimezone(PARIS).date()),
        title=response.survey_title,
        status=_label(_RESPONSE_STATUSES, response.status),
    )
    if response.status != "refused":
        answered = (
            _("{answered} réponse sur {questions} questions")
            if response.answered == 1
            else _("{answered} réponses sur {questions} questions")
        )
        text += f" ({answered.format(answered=response.answered, questions=response.questions)})"
    return _styled(text)
