"""The collection panel (C1.8 "recouvrer une créance").

The collection list (overdue amounts, days late, reminders already sent) with the useful facts
of the selected customer at a glance, then the negotiation: a payment plan computed and checked
by the company's rules and shown instalment by instalment before the customer agrees, a promise
to pay, or a callback. The `CampaignDesk` does the work in workers; refused input shows the
rule's French message and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from gettext import gettext as _
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, field_errors
from crm.services.outbound import PlanQuote
from crm.views import CollectionItem
from workstation.campaign_desk import PARIS, CampaignDesk, PlanRequest
from workstation.dispositions import N_
from workstation.tui.widgets.customer_panel import euros
from workstation.tui.widgets.failures import unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

#: Payment methods offered for a plan, as the CRM's codes.
PLAN_METHODS: tuple[tuple[str, str], ...] = (
    ("card", N_("Carte bancaire")),
    ("direct_debit", N_("Prélèvement SEPA")),
    ("cheque", N_("Chèque")),
    ("transfer", N_("Virement")),
)


class CollectionPanel(Widget):
    """Work the collection list and negotiate with the selected customer (C1.8)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "quote", _("Calculer l'échéancier"), id="collection.quote"),
        Binding("ctrl+o", "agree", _("Confirmer l'échéancier"), id="collection.agree"),
        Binding("ctrl+r", "refresh", _("Actualiser la liste"), id="collection.refresh"),
    ]

    DEFAULT_CSS = """
    CollectionPanel {
        height: 1fr;
        width: 1fr;
    }
    CollectionPanel > VerticalScroll {
        height: 1fr;
    }
    CollectionPanel .cp-title {
        text-style: bold;
        color: $accent;
    }
    CollectionPanel #cp-list {
        height: auto;
        max-height: 8;
    }
    CollectionPanel #cp-instalments {
        height: auto;
        max-height: 8;
    }
    CollectionPanel .cp-row {
        height: auto;
        margin-top: 1;
    }
    CollectionPanel .cp-row > Label {
        width: 20;
    }
    CollectionPanel .cp-row > Input, CollectionPanel .cp-row > Select {
        width: 1fr;
    }
    CollectionPanel .cp-row > Button {
        width: auto;
        min-width: 12;
    }
    CollectionPanel #cp-error {
        color: $error;
        height: auto;
        max-height: 4;
    }
    CollectionPanel #cp-status {
        height: auto;
        max-height: 2;
    }
    CollectionPanel #cp-status.-saved {
        color: $success;
        text-style: bold;
    }
    """

    @dataclass
    class PlanAgreed(Message):
        """A payment plan was set up (journal kind suggested: "collection.plan")."""

        plan_id: int
        customer_id: int
        total_amount: str
        instalments: int
        first_due_on: str
        method: str
        call_id: str | None
        #: Seconds from the first edit to the agreed plan, on the desk's clock.
        duration_s: float
        #: Field or rule errors shown before the plan was agreed.
        errors: int
        #: Quotes computed before the one agreed (the negotiation's rounds).
        quotes: int

    @dataclass
    class PromiseRecorded(Message):
        """A promise to pay was recorded (journal kind suggested: "collection.promise")."""

        interaction_id: int
        customer_id: int
        amount: str
        promised_on: str
        call_id: str | None

    @dataclass
    class CallbackScheduled(Message):
        """A callback was set on the customer's collection entry ("collection.callback")."""

        entry_id: int
        customer_id: int
        callback_at: str

    @dataclass
    class FormError(Message):
        """Input refused, nothing written (journal kind suggested: "collection.error")."""

        action: str
        errors: tuple[FieldError, ...]

    @dataclass
    class _Listed(Message):
        items: tuple[CollectionItem, ...]
        total: int

    @dataclass
    class _Done(Message):
        action: str
        result: Any

    @dataclass
    class _Refused(Message):
        action: str
        error: CrmError

    def __init__(
        self,
        desk: CampaignDesk,
        *,
        agent_id: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self.agent_id = agent_id
        #: The call in progress (the PBX's Linkedid), kept with the promise.
        self.call_id: str | None = None
        self.call_started_at: datetime | None = None
        self.items: tuple[CollectionItem, ...] = ()
        self.customer_id: int | None = None
        #: The last plan computed for the selected customer, shown before confirming.
        self.quote: PlanQuote | None = None
        self._busy = False
        self._measure = FormMeter(desk.clock)
        self._reset_measures()

    def _reset_measures(self) -> None:
        self._measure.started()
        self._quotes = 0

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Recouvrement — factures échues"), classes="cp-title")
            table: DataTable[str] = DataTable(id="cp-list", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("", id="cp-customer", markup=False)
            yield Static(_("Échéancier"), classes="cp-title cp-row")
            with Horizontal(classes="cp-row"):
                yield Label(_("Nombre d'échéances"))
                yield Input(id="cp-count", placeholder=_("ex. 3"), compact=True)
            with Horizontal(classes="cp-row"):
                yield Label(_("1re échéance"))
                yield Input(id="cp-first-due", placeholder=_("JJ/MM/AAAA"), compact=True)
            with Horizontal(classes="cp-row"):
                yield Label(_("Mode de paiement"))
                yield Select(
                    [(_(label), code) for code, label in PLAN_METHODS],
                    value="card",
                    allow_blank=False,
                    id="cp-method",
                    compact=True,
                )
            with Horizontal(classes="cp-row"):
                yield Button(_("Calculer (Ctrl+L)"), id="cp-quote")
                yield Button(_("Confirmer (Ctrl+O)"), id="cp-agree", variant="primary")
            instalments: DataTable[str] = DataTable(id="cp-instalments", cursor_type="none")
            yield instalments
            yield Static(_("Promesse de règlement"), classes="cp-title cp-row")
            with Horizontal(classes="cp-row"):
                yield Label(_("Montant promis"))
                yield Input(id="cp-promise-amount", placeholder=_("ex. 45,90"), compact=True)
            with Horizontal(classes="cp-row"):
                yield Label(_("Au plus tard le"))
                yield Input(id="cp-promise-date", placeholder=_("JJ/MM/AAAA"), compact=True)
                yield Button(_("Enregistrer"), id="cp-promise")
            with Horizontal(classes="cp-row"):
                yield Label(_("Rappel le"))
                yield Input(id="cp-callback", placeholder=_("JJ/MM/AAAA HH:MM"), compact=True)
                yield Button(_("Programmer"), id="cp-callback-button")
        # Below the scrolling form, always in sight: a refused plan's rule or "Échéancier
        # enregistré" must not land under the fold where the agent never looks.
        yield Static("", id="cp-error", markup=False)
        yield Static("", id="cp-status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#cp-list", DataTable)
        table.add_columns(_("Client"), _("Dû"), _("Retard"), _("Relances"), _("Contacts"))
        self.query_one("#cp-instalments", DataTable).add_columns(
            _("Échéance"), _("Date"), _("Montant")
        )
        self.query_one("#cp-agree", Button).disabled = True
        self.refresh_list()

    # -- what the desk calls ----------------------------------------------------------------

    def set_call_id(self, call_id: str | None, started_at: datetime | None = None) -> None:
        """The call in progress, recorded with the promise to pay."""
        self.call_id = call_id
        self.call_started_at = started_at

    def refresh_list(self) -> None:
        """Read the collection list again."""
        self._load_list()

    def show_customer(self, customer_id: int) -> None:
        """Select a customer of the list and start a new negotiation with them."""
        self.customer_id = customer_id
        self.quote = None
        self._reset_measures()
        self._show_quote()
        self._show_customer()
        table = self.query_one("#cp-list", DataTable)
        for index, item in enumerate(self.items):
            if item.customer.id == customer_id:
                table.move_cursor(row=index)

    # -- list -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="collection-list", exit_on_error=False)
    def _load_list(self) -> None:
        try:
            page = self._desk.collection_list(page_size=50)
        except CrmError as error:
            self.post_message(self._Refused("list", error))
            return
        self.post_message(self._Listed(page.items, page.total))

    def on_collection_panel__listed(self, message: _Listed) -> None:
        self.items = message.items
        table = self.query_one("#cp-list", DataTable)
        # Rebuilding the table moves its cursor: the customer being worked stays selected.
        with self.prevent(DataTable.RowHighlighted):
            table.clear()
            for item in message.items:
                customer = item.customer
                name = customer.company_name or f"{customer.last_name} {customer.first_name}"
                table.add_row(
                    f"{name} ({customer.number})",
                    euros(item.amount_due),
                    _("{days} j").format(days=item.days_late),
                    str(len(item.reminders)),
                    str(item.collection_contacts),
                    key=str(customer.id),
                )
            ids = [item.customer.id for item in self.items]
            if self.customer_id in ids:
                table.move_cursor(row=ids.index(self.customer_id))
        if self.customer_id is None and self.items:
            self.show_customer(self.items[0].customer.id)
        else:
            self._show_customer()

    @on(DataTable.RowHighlighted, "#cp-list")
    @on(DataTable.RowSelected, "#cp-list")
    def _row_highlighted(self, event: DataTable.RowHighlighted | DataTable.RowSelected) -> None:
        # Entrée too: when the desk's customer is not in the list, the cursor already sits on
        # the first row and moving onto it again highlights nothing.
        event.stop()
        key = event.row_key.value
        if key is not None and int(key) != self.customer_id:
            self.show_customer(int(key))

    def _item(self) -> CollectionItem | None:
        return next((i for i in self.items if i.customer.id == self.customer_id), None)

    def _show_customer(self) -> None:
        item = self._item()
        if item is None:
            if self.customer_id is not None:
                text = _(
                    "Le client affiché n'a aucune facture échue hors échéancier : "
                    "choisissez un client dans la liste (flèches, Entrée)."
                )
            elif self.items:
                text = _("Aucun client sélectionné.")
            else:
                text = _("Aucune facture échue.")
        else:
            customer = item.customer
            reminders = ", ".join(item.reminders) or _("aucune")
            last = (
                item.last_contact_at.strftime("%d/%m/%Y")
                if item.last_contact_at is not None
                else _("jamais")
            )
            # A company is listed by its name: say it first, then who to ask for.
            company = f"{customer.company_name}, " if customer.company_name else ""
            text = _(
                "{company}{civility} {first} {last_name} ({number}) — {amount} dus depuis le "
                "{oldest} "
                "({days} jours de retard)\nFactures : {invoices}\nÉtapes franchies : "
                "{reminders}\nContacts de recouvrement : {contacts} (dernier : {last})"
            ).format(
                company=company,
                civility=customer.civility,
                first=customer.first_name,
                last_name=customer.last_name,
                number=customer.number,
                amount=euros(item.amount_due),
                oldest=item.oldest_due_on.strftime("%d/%m/%Y"),
                days=item.days_late,
                invoices=", ".join(item.invoice_numbers),
                reminders=reminders,
                contacts=item.collection_contacts,
                last=last,
            )
        self.query_one("#cp-customer", Static).update(text)

    # -- negotiation ------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        self._measure.edited()

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        event.stop()
        self._measure.edited()
        control = event.control
        if control is not None and control.id in ("cp-count", "cp-first-due", "cp-method"):
            # A changed term voids the plan shown: it must be computed again.
            self.quote = None
            self._show_quote()

    def _request(self) -> PlanRequest | None:
        if self.customer_id is None:
            self._show_errors("plan", (FieldError("client", _("Choisissez un client.")),))
            return None
        method = self.query_one("#cp-method", Select).value
        return PlanRequest(
            customer_id=self.customer_id,
            instalments=self.query_one("#cp-count", Input).value,
            first_due_on=self.query_one("#cp-first-due", Input).value,
            method=method if isinstance(method, str) else "card",
            agent_id=self.agent_id,
        )

    def action_quote(self) -> None:
        """Compute the plan with the company's rules and show its instalments."""
        self._measure.edited()
        request = self._request()
        if request is not None and self._start():
            self._run("quote", self._desk.quote_plan, request)

    def action_agree(self) -> None:
        """Set up the plan shown, once the customer has agreed to it."""
        self._measure.edited()
        if self.quote is None:
            self._show_errors(
                "plan",
                (FieldError("plan", _("Calculez d'abord l'échéancier et lisez-le au client.")),),
            )
            return
        request = self._request()
        if request is not None and self._start():
            self._run("agree", self._desk.agree_plan, request)

    def action_refresh(self) -> None:
        """Read the collection list again."""
        self.refresh_list()

    def record_promise(self) -> None:
        """Record the promise to pay typed in the panel."""
        if self.customer_id is None:
            self._show_errors("promise", (FieldError("client", _("Choisissez un client.")),))
            return
        if self._start():
            self._run(
                "promise",
                self._promise,
                self.customer_id,
                self.query_one("#cp-promise-amount", Input).value,
                self.query_one("#cp-promise-date", Input).value,
            )

    def _promise(self, customer_id: int, amount: str, day: str) -> Any:
        return self._desk.record_promise(
            customer_id,
            amount,
            day,
            started_at=self.call_started_at or self._desk.clock.now(),
            call_id=self.call_id,
            agent_id=self.agent_id,
        )

    def schedule_callback(self) -> None:
        """Schedule the callback typed in the panel on the customer's collection entry."""
        if self.customer_id is None:
            self._show_errors("callback", (FieldError("client", _("Choisissez un client.")),))
            return
        if self._start():
            self._run(
                "callback",
                self._desk.collection_callback,
                self.customer_id,
                self.query_one("#cp-callback", Input).value,
            )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions: dict[str | None, Callable[[], None]] = {
            "cp-quote": self.action_quote,
            "cp-agree": self.action_agree,
            "cp-promise": self.record_promise,
            "cp-callback-button": self.schedule_callback,
        }
        action = actions.get(event.button.id)
        if action is not None:
            action()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ("cp-count", "cp-first-due"):
            self.action_quote()
        elif event.input.id in ("cp-promise-amount", "cp-promise-date"):
            self.record_promise()
        elif event.input.id == "cp-callback":
            self.schedule_callback()

    def _start(self) -> bool:
        if self._busy:
            return False
        self._busy = True
        self.query_one("#cp-error", Static).update("")
        status = self.query_one("#cp-status", Static)
        status.update(_("Enregistrement…"))
        status.remove_class("-saved")
        return True

    @work(thread=True, exclusive=True, group="collection", exit_on_error=False)
    def _run(self, action: str, call: Callable[..., Any], *args: Any) -> None:
        try:
            result = call(*args)
        except CrmError as error:
            self.post_message(self._Refused(action, error))
            return
        self.post_message(self._Done(action, result))

    def on_collection_panel__refused(self, message: _Refused) -> None:
        self._busy = False
        self.query_one("#cp-status", Static).update("")
        if message.action == "quote":
            self.quote = None
            self._show_quote()
        self._show_errors(message.action, field_errors(message.error))

    def on_collection_panel__done(self, message: _Done) -> None:
        self._busy = False
        status = self.query_one("#cp-status", Static)
        result = message.result
        if message.action == "quote":
            self._quotes += 1
            self.quote = result
            self._show_quote()
            status.update(_("Échéancier conforme aux règles : lisez-le au client, puis confirmez."))
            return
        status.add_class("-saved")
        if message.action == "agree":
            self.quote = None
            self._show_quote(result.instalments)
            measure = self._measure.done()
            status.update(
                _("Échéancier enregistré : {count} échéances, {total} au total.").format(
                    count=len(result.instalments), total=euros(result.total_amount)
                )
            )
            self.post_message(
                self.PlanAgreed(
                    plan_id=result.id,
                    customer_id=result.customer_id,
                    total_amount=str(result.total_amount),
                    instalments=len(result.instalments),
                    first_due_on=result.instalments[0].due_on.isoformat(),
                    method=result.method,
                    call_id=self.call_id,
                    duration_s=measure.duration_s,
                    errors=measure.errors,
                    quotes=max(self._quotes - 1, 0),
                )
            )
            self.refresh_list()
        elif message.action == "promise":
            status.update(
                _("Promesse enregistrée : {amount} au plus tard le {day}.").format(
                    amount=euros(result.amount), day=result.promised_on.strftime("%d/%m/%Y")
                )
            )
            self.post_message(
                self.PromiseRecorded(
                    interaction_id=result.interaction_id,
                    customer_id=result.customer_id,
                    amount=str(result.amount),
                    promised_on=result.promised_on.isoformat(),
                    call_id=self.call_id,
                )
            )
        elif message.action == "callback":
            assert result.callback_at is not None
            status.update(
                _("Rappel programmé le {when}.").format(
                    when=result.callback_at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
                )
            )
            self.post_message(
                self.CallbackScheduled(
                    entry_id=result.id,
                    customer_id=result.customer.id,
                    callback_at=result.callback_at.astimezone(UTC).isoformat(),
                )
            )

    def _show_errors(self, action: str, errors: tuple[FieldError, ...]) -> None:
        self._measure.refused(errors)
        self.query_one("#cp-error", Static).update("\n".join(item.message for item in errors))
        self.post_message(self.FormError(action, errors))

    def _show_quote(self, instalments: tuple = ()) -> None:
        rows = self.quote.instalments if self.quote is not None else instalments
        table = self.query_one("#cp-instalments", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                _("{n}/{count}").format(n=row.number, count=len(rows)),
                row.due_on.strftime("%d/%m/%Y"),
                euros(row.amount),
            )
        self.query_one("#cp-agree", Button).disabled = self.quote is None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._busy = False
        self.query_one("#cp-error", Static).update(unexpected_error_text(event.worker.error))
