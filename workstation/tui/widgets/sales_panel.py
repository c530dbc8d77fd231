"""The sales panel (C1.6 "vendre : prospecter, négocier et fidéliser").

From the customer's needs to a closed sale, on the customer shown on the desk: the catalogue
filtered by need, budget and fibre eligibility (a yes/no the agent sets after the eligibility
test), a side-by-side comparison of 2 or 3 offers, the argument and objection cards of the
`scripts` base for the highlighted offer, the order (offer, options, equipment, quantities),
the installation slot of a box and the payment, then the summary read back to the customer
with the additional sale to propose, and the confirmation. Prices, rules and checks belong to
`SalesDesk` / `crm.services.sales`; every database or index call runs in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from gettext import gettext as _
from typing import ClassVar

from rich.table import Table
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError, field_errors
from crm.services.sales import SaleOffer, SaleQuote, SaleResult, Suggestion
from crm.views import CustomerSummary, Slot
from kb.articles import Article
from workstation.sales_desk import (
    NEED_LABELS,
    PAYMENT_LABELS,
    SaleForm,
    SalesDesk,
    engagement_text,
    euros,
    offer_label,
    slot_label,
)
from workstation.tui.widgets.article_view import ArticleView
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter
from workstation.tui.widgets.kb_panel import KnowledgeSource, error_text, knowledge_getter
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

#: Fields that can carry an error, in screen order (the desk reports errors under these).
FIELDS = (
    "budget",
    "comparaison",
    "offres",
    "quantite_mobile",
    "options",
    "equipements",
    "quantite_equipement",
    "creneau",
    "mode_paiement",
    "reference",
    "iban",
)
#: The order fields: editing one makes the summary stale.
ORDER_CONTROLS = {
    "sp-box": "offres",
    "sp-mobile": "offres",
    "sp-mobile-count": "quantite_mobile",
    "sp-options": "options",
    "sp-equipment": "equipements",
    "sp-equipment-count": "quantite_equipement",
    "sp-slot": "creneau",
    "sp-method": "mode_paiement",
    "sp-reference": "reference",
    "sp-iban": "iban",
}
FORM_NAME = "vente"


class SalesPanel(Widget):
    """Sell to the customer on the desk (C1.6); the desk calls `show_customer(id)`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "compare", _("Comparer"), id="sales.compare"),
        Binding("ctrl+r", "summary", _("Récapitulatif"), id="sales.summary"),
        Binding("ctrl+y", "add_suggestion", _("Ajouter la suggestion"), id="sales.upsell"),
        Binding("ctrl+s", "confirm", _("Confirmer la vente"), id="sales.confirm"),
        Binding("ctrl+n", "new_sale", _("Nouvelle vente"), id="sales.new"),
    ]

    DEFAULT_CSS = """
    SalesPanel {
        height: 1fr;
        width: 1fr;
    }
    SalesPanel > VerticalScroll {
        height: 1fr;
    }
    SalesPanel .sp-title {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    SalesPanel .sp-row {
        height: auto;
    }
    SalesPanel .sp-row > Label {
        width: 16;
    }
    SalesPanel .sp-row > Input, SalesPanel .sp-row > Select {
        width: 1fr;
    }
    SalesPanel .sp-row > .sp-count {
        width: 8;
    }
    SalesPanel SelectionList {
        height: auto;
        max-height: 8;
    }
    SalesPanel #sp-argument {
        height: 12;
        border: round $panel;
    }
    SalesPanel .field-error {
        color: $error;
        display: none;
    }
    SalesPanel .field-error.-shown {
        display: block;
    }
    SalesPanel #sp-suggestion {
        color: $warning;
    }
    SalesPanel #sp-status {
        height: auto;
        max-height: 3;
    }
    SalesPanel #sp-status.-done {
        color: $success;
        text-style: bold;
    }
    SalesPanel Button {
        margin: 1 1 0 0;
    }
    """

    @dataclass
    class OfferCompared(Message):
        """The agent compared these offers side by side."""

        customer_id: int | None
        codes: tuple[str, ...]

    @dataclass
    class ArgumentOpened(Message):
        """An argument or objection card was shown for an offer."""

        article_id: str
        offer_code: str

    @dataclass
    class UpsellSuggested(Message):
        """The summary proposed this additional sale."""

        customer_id: int
        code: str

    @dataclass
    class OrderPlaced(Message):
        """The sale was confirmed and written (order, visit, payment)."""

        order_number: str
        customer_id: int
        #: "code×quantity" of every line, activation fee included.
        lines: tuple[str, ...]
        monthly_total: Decimal
        one_off_total: Decimal
        #: Whether the proposed additional sale was added before confirming.
        upsell_accepted: bool
        call_id: str | None
        #: Seconds from the first edit to the confirmation, on the desk's clock.
        duration_s: float
        #: Field errors reported by the refused summaries or confirmations before this one.
        errors: int
        #: Fields changed after a refusal (each field once per refusal).
        corrections: int

    @dataclass
    class AppointmentBooked(Message):
        """The installation visit of the order's box."""

        appointment_id: int
        customer_id: int
        order_number: str
        slot_start: str
        slot_end: str

    @dataclass
    class PaymentRecorded(Message):
        """How the sale is paid: the one-off total taken now, and/or a SEPA mandate."""

        customer_id: int
        order_number: str
        method: str
        amount: Decimal
        reference: str
        invoice_number: str | None

    @dataclass
    class FormError(Message):
        """A field was refused; nothing was written."""

        form: str
        field: str
        message: str

    @dataclass
    class _CatalogueLoaded(Message):
        offers: tuple[SaleOffer, ...]

    @dataclass
    class _OffersFiltered(Message):
        offers: tuple[SaleOffer, ...]

    @dataclass
    class _CustomerLoaded(Message):
        customer: CustomerSummary
        slots: tuple[Slot, ...]

    @dataclass
    class _ArgumentsLoaded(Message):
        offer_code: str
        articles: tuple[Article, ...]

    @dataclass
    class _Quoted(Message):
        quote: SaleQuote
        form: SaleForm

    @dataclass
    class _Closed(Message):
        result: SaleResult
        form: SaleForm
        confirmed_at: float

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: SalesDesk,
        knowledge: KnowledgeSource,
        role: str = "student",
        *,
        agent_id: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self._knowledge = knowledge_getter(knowledge)
        self.role = role
        self.agent_id = agent_id
        #: The call the sale is made on (the PBX's Linkedid), journaled with the order.
        self.call_id: str | None = None
        self._customer_id: int | None = None
        self._catalogue: dict[str, SaleOffer] = {}
        self._articles: dict[str, Article] = {}
        self._argument_offer = ""
        self._slots: tuple[Slot, ...] = ()
        self._measure = FormMeter(desk.clock)
        self._reset_sale()

    @property
    def customer_id(self) -> int | None:
        """The customer the sale is for (set by `show_customer`)."""
        return self._customer_id

    def _reset_sale(self) -> None:
        self._quote: SaleQuote | None = None
        self._suggested: Suggestion | None = None
        self._upsell_accepted = False
        self._measure.started()
        self._busy = False
        self._done = False

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Aucun client affiché."), id="sp-context", markup=False)
            yield Static(_("1. Besoins et offres"), classes="sp-title")
            with Horizontal(classes="sp-row"):
                yield Label(_("Besoin"))
                yield Select(
                    [(_(label), code) for code, label in NEED_LABELS],
                    prompt=_("Tous les besoins"),
                    id="sp-need",
                    compact=True,
                )
            with Horizontal(classes="sp-row"):
                yield Label(_("Budget max/mois"))
                yield Input(id="sp-budget", placeholder=_("ex. 40"), compact=True)
            yield self._error("budget")
            yield Checkbox(
                _("Éligible fibre (test d'éligibilité fait)"), True, id="sp-fibre", compact=True
            )
            yield Label(_("Offres (espace : cocher pour comparer)"))
            yield SelectionList[str](id="sp-offers", compact=True)
            yield self._error("comparaison")
            yield Button(_("Comparer (Ctrl+G)"), id="sp-compare-button", compact=True)
            yield Static("", id="sp-compare")
            yield Static(_("2. Argumentaire et objections"), classes="sp-title")
            yield Select([], prompt=_("Surlignez une offre"), id="sp-article", compact=True)
            yield ArticleView(id="sp-argument")
            yield Static(_("3. Commande"), classes="sp-title")
            with Horizontal(classes="sp-row"):
                yield Label(_("Box"))
                yield Select([], prompt=_("Aucune box"), id="sp-box", compact=True)
            with Horizontal(classes="sp-row"):
                yield Label(_("Forfait mobile"))
                yield Select([], prompt=_("Aucun forfait"), id="sp-mobile", compact=True)
                yield Input(
                    "1",
                    id="sp-mobile-count",
                    classes="sp-count",
                    compact=True,
                    tooltip=_("Nombre de forfaits"),
                )
            yield self._error("offres")
            yield self._error("quantite_mobile")
            yield Label(_("Options (espace : cocher)"))
            yield SelectionList[str](id="sp-options", compact=True)
            yield self._error("options")
            with Horizontal(classes="sp-row"):
                yield Label(_("Équipement"))
                yield Select([], prompt=_("Aucun équipement"), id="sp-equipment", compact=True)
                yield Input(
                    "1",
                    id="sp-equipment-count",
                    classes="sp-count",
                    compact=True,
                    tooltip=_("Quantité"),
                )
            yield self._error("equipements")
            yield self._error("quantite_equipement")
            yield Static(_("4. Installation et paiement"), classes="sp-title")
            with Horizontal(classes="sp-row"):
                yield Label(_("Installation"))
                yield Select([], prompt=_("Choisir le créneau"), id="sp-slot", compact=True)
            yield self._error("creneau")
            with Horizontal(classes="sp-row"):
                yield Label(_("Paiement"))
                yield Select(
                    [(_(label), code) for code, label in PAYMENT_LABELS],
                    prompt=_("Choisir le mode"),
                    id="sp-method",
                    compact=True,
                )
            yield self._error("mode_paiement")
            with Horizontal(classes="sp-row"):
                yield Label(_("Autorisation CB"))
                yield Input(id="sp-reference", placeholder=_("ex. AUT-448812"), compact=True)
            yield self._error("reference")
            with Horizontal(classes="sp-row"):
                yield Label(_("IBAN"))
                yield Input(id="sp-iban", placeholder="FR76 …", compact=True)
            yield self._error("iban")
            yield Button(
                _("Récapitulatif (Ctrl+R)"),
                id="sp-summary-button",
                variant="primary",
                compact=True,
            )
            yield Static(_("5. Récapitulatif à lire au client"), classes="sp-title")
            yield Static("", id="sp-summary", markup=False)
            yield Static("", id="sp-suggestion", markup=False)
            with Horizontal(classes="sp-row"):
                yield Button(
                    _("Ajouter la suggestion (Ctrl+Y)"), id="sp-upsell-button", compact=True
                )
                yield Button(
                    _("Confirmer la vente (Ctrl+S)"),
                    id="sp-confirm-button",
                    variant="success",
                    compact=True,
                )
        # Below the scrolling form, always in sight: "Vente confirmée" or "Corrigez les champs
        # signalés" fell under the fold (and under the conversation panel) at the desk.
        yield Static("", id="sp-status", markup=False)

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"sp-{field}-error", classes="field-error", markup=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    def on_mount(self) -> None:
        self._show_buttons()
        self._load_catalogue()

    # -- what the desk calls ----------------------------------------------------------------

    def show_customer(self, customer_id: int | None) -> None:
        """Sell to this customer: a new, empty sale (the catalogue filters stay)."""
        self._customer_id = customer_id
        self.new_sale()
        if customer_id is None:
            self.query_one("#sp-context", Static).update(_("Aucun client affiché."))
        else:
            self.query_one("#sp-context", Static).update(_("Chargement du client…"))
            self._load_customer(customer_id)

    def new_sale(self) -> None:
        """Empty the order, visit and payment fields and restart the measures."""
        with self.prevent(Select.Changed, Input.Changed, SelectionList.SelectedChanged):
            for widget_id in ("sp-box", "sp-mobile", "sp-equipment", "sp-slot", "sp-method"):
                self.query_one(f"#{widget_id}", Select).clear()
            self.query_one("#sp-options", SelectionList).deselect_all()
            for widget_id, value in (
                ("sp-mobile-count", "1"),
                ("sp-equipment-count", "1"),
                ("sp-reference", ""),
                ("sp-iban", ""),
            ):
                self.query_one(f"#{widget_id}", Input).value = value
        self._reset_sale()
        self._clear_errors()
        self.query_one("#sp-summary", Static).update("")
        self.query_one("#sp-suggestion", Static).update("")
        self._status("")
        self._show_buttons()

    # -- workers ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sales-catalogue", exit_on_error=False)
    def _load_catalogue(self) -> None:
        self.post_message(self._CatalogueLoaded(self._desk.catalogue()))

    @work(thread=True, exclusive=True, group="sales-offers", exit_on_error=False)
    def _filter(self, need: str | None, budget: str, fibre: bool) -> None:
        try:
            offers = self._desk.offers(need, budget, fibre)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._OffersFiltered(offers))

    @work(thread=True, exclusive=True, group="sales-customer", exit_on_error=False)
    def _load_customer(self, customer_id: int) -> None:
        try:
            customer = self._desk.customer(customer_id)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._CustomerLoaded(customer, self._desk.free_slots()))

    @work(thread=True, exclusive=True, group="sales-arguments", exit_on_error=False)
    def _load_arguments(self, offer: SaleOffer) -> None:
        knowledge = self._knowledge()
        articles = tuple(
            knowledge.article(article_id, self.role)
            for article_id in self._desk.argument_ids(offer)
        )
        self.post_message(self._ArgumentsLoaded(offer.code, articles))

    @work(thread=True, exclusive=True, group="sales-save", exit_on_error=False)
    def _run_quote(self, form: SaleForm) -> None:
        try:
            quote = self._desk.quote(form)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Quoted(quote, form))

    @work(thread=True, exclusive=True, group="sales-save", exit_on_error=False)
    def _run_close(self, form: SaleForm, confirmed_at: float) -> None:
        try:
            result = self._desk.close(form)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Closed(result, form, confirmed_at))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "sales-save":
            self._busy = False
        if event.worker.group == "sales-arguments":
            self.query_one("#sp-argument", ArticleView).show(error_text(event.worker.error))
            return
        self._status(unexpected_error_text(event.worker.error))

    # -- catalogue, comparison, arguments ---------------------------------------------------

    def on_sales_panel__catalogue_loaded(self, message: _CatalogueLoaded) -> None:
        self._catalogue = {offer.code: offer for offer in message.offers}
        by_kind: dict[str, list[SaleOffer]] = {}
        for offer in message.offers:
            by_kind.setdefault(offer.kind, []).append(offer)
        with self.prevent(Select.Changed, SelectionList.SelectedChanged):
            for widget_id, kind in (
                ("sp-box", "box"),
                ("sp-mobile", "mobile"),
                ("sp-equipment", "equipment"),
            ):
                self.query_one(f"#{widget_id}", Select).set_options(
                    (offer_label(offer), offer.code) for offer in by_kind.get(kind, ())
                )
            options = self.query_one("#sp-options", SelectionList)
            options.clear_options()
            options.add_options(
                (offer_label(offer), offer.code) for offer in by_kind.get("option", ())
            )
        self._refilter()

    @on(Select.Changed, "#sp-need")
    @on(Input.Changed, "#sp-budget")
    @on(Checkbox.Changed, "#sp-fibre")
    def _filters_changed(self, event: Message) -> None:
        event.stop()
        self._hide_error("budget")
        self._refilter()

    def _refilter(self) -> None:
        need = self.query_one("#sp-need", Select).value
        self._filter(
            need if isinstance(need, str) else None,
            self.query_one("#sp-budget", Input).value,
            self.query_one("#sp-fibre", Checkbox).value,
        )

    def on_sales_panel__offers_filtered(self, message: _OffersFiltered) -> None:
        offers = self.query_one("#sp-offers", SelectionList)
        kept = set(offers.selected)
        with self.prevent(SelectionList.SelectedChanged, SelectionList.SelectionHighlighted):
            offers.clear_options()
            offers.add_options(
                (offer_label(offer), offer.code, offer.code in kept) for offer in message.offers
            )
            # Space ticks at once, without an arrow key first.
            offers.highlighted = 0 if message.offers else None
        if not message.offers:
            self._status(_("Aucune offre ne répond à ces critères."))

    def action_compare(self) -> None:
        """Show the ticked offers side by side (2 or 3)."""
        codes = tuple(self.query_one("#sp-offers", SelectionList).selected)
        self._hide_error("comparaison")
        try:
            offers = self._desk.compare(codes) if self._catalogue else ()
        except ValidationError as error:
            self._show_errors(error.errors)
            return
        if not offers:
            return
        table = Table(show_lines=True, expand=True)
        table.add_column("")
        for offer in offers:
            table.add_column(offer.name, overflow="fold")
        rows = (
            (_("Prix"), [offer_label(offer).split(" — ")[1] for offer in offers]),
            (_("Engagement"), [engagement_text(offer.engagement_months) for offer in offers]),
            (_("Technologie"), [self._technology(offer) for offer in offers]),
            (_("Inclus"), [offer.description or "—" for offer in offers]),
        )
        for title, cells in rows:
            table.add_row(title, *cells)
        self.query_one("#sp-compare", Static).update(table)
        self.post_message(self.OfferCompared(self._customer_id, codes))

    @staticmethod
    def _technology(offer: SaleOffer) -> str:
        if offer.technology == "fibre":
            return _("Fibre")
        if offer.technology == "adsl":
            return _("ADSL/VDSL")
        return "—"

    @on(SelectionList.SelectionHighlighted, "#sp-offers")
    def _offer_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        event.stop()
        offer = self._catalogue.get(event.selection.value)
        if offer is not None and offer.code != self._argument_offer:
            self._argument_offer = offer.code
            self._load_arguments(offer)

    @on(SelectionList.SelectedChanged, "#sp-offers")
    def _offer_ticked(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._hide_error("comparaison")

    def on_sales_panel__arguments_loaded(self, message: _ArgumentsLoaded) -> None:
        if message.offer_code != self._argument_offer:
            return
        self._articles = {article.id: article for article in message.articles}
        select = self.query_one("#sp-article", Select)
        with self.prevent(Select.Changed):
            select.set_options((article.title, article.id) for article in message.articles)
            if message.articles:
                select.value = message.articles[0].id
        if message.articles:
            self._open_article(message.articles[0].id)

    @on(Select.Changed, "#sp-article")
    def _article_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self._open_article(event.value)

    def _open_article(self, article_id: str) -> None:
        article = self._articles.get(article_id)
        if article is None:
            return
        self.query_one("#sp-argument", ArticleView).show(article.markdown)
        self.post_message(self.ArgumentOpened(article_id, self._argument_offer))

    # -- the customer -----------------------------------------------------------------------

    def on_sales_panel__customer_loaded(self, message: _CustomerLoaded) -> None:
        customer = message.customer
        if customer.id != self._customer_id:
            return
        person = f"{customer.civility} {customer.first_name} {customer.last_name}".strip()
        name = f"{customer.company_name} ({person})" if customer.company_name else person
        self.query_one("#sp-context", Static).update(
            _("Vente pour {name} — {number}").format(name=name, number=customer.number)
        )
        self._slots = message.slots
        with self.prevent(Select.Changed):
            self.query_one("#sp-slot", Select).set_options(
                (slot_label(slot), index) for index, slot in enumerate(message.slots)
            )

    # -- measures ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        self._measure.edited()

    @on(Select.Changed)
    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    def _order_edited(
        self, event: Select.Changed | Input.Changed | SelectionList.SelectedChanged
    ) -> None:
        control = event.control
        field = ORDER_CONTROLS.get(control.id or "") if control is not None else None
        if field is None:
            return
        event.stop()
        self._measure.edited(field)
        self._hide_error(field)
        if field == "offres":
            self._hide_error("quantite_mobile")
        if self._quote is not None and not self._done:
            self._quote = None
            self._status(_("Commande modifiée : refaites le récapitulatif (Ctrl+R)."))
            self._show_buttons()

    # -- summary, additional sale, confirmation ---------------------------------------------

    def _form(self) -> SaleForm | None:
        if self._customer_id is None:
            self._status(_("Affichez d'abord la fiche du client à qui vous vendez."))
            return None
        slot_index = self.query_one("#sp-slot", Select).value
        slot = self._slots[slot_index] if isinstance(slot_index, int) else None
        return SaleForm(
            customer_id=self._customer_id,
            box=self._choice("sp-box"),
            mobile=self._choice("sp-mobile"),
            mobile_count=self.query_one("#sp-mobile-count", Input).value,
            options=tuple(self.query_one("#sp-options", SelectionList).selected),
            equipment=self._choice("sp-equipment"),
            equipment_count=self.query_one("#sp-equipment-count", Input).value,
            slot=slot,
            payment_method=self._choice("sp-method") or "",
            reference=self.query_one("#sp-reference", Input).value,
            iban=self.query_one("#sp-iban", Input).value,
            agent_id=self.agent_id,
        )

    def action_summary(self) -> None:
        """Check and price the sale, then show the summary to read to the customer."""
        if self._done:
            self._status(_("Vente déjà confirmée : Ctrl+N pour une nouvelle vente."))
            return
        if self._busy:
            return
        form = self._form()
        if form is None:
            return
        self._measure.edited()
        self._busy = True
        self._clear_errors()
        self._status(_("Calcul du prix…"))
        self._run_quote(form)

    def on_sales_panel__quoted(self, message: _Quoted) -> None:
        self._busy = False
        quote = message.quote
        self._quote = quote
        self.query_one("#sp-summary", Static).update("\n".join(self._desk.summary(quote)))
        suggestion = quote.suggestion
        self._suggested = suggestion
        if suggestion is None:
            self.query_one("#sp-suggestion", Static).update("")
        else:
            price = (
                _("{amount}/mois").format(amount=euros(suggestion.monthly_price))
                if suggestion.monthly_price is not None
                else euros(suggestion.one_off_price or Decimal("0"))
            )
            self.query_one("#sp-suggestion", Static).update(
                _("À proposer : {name} ({price}). {reason}").format(
                    name=suggestion.name, price=price, reason=suggestion.reason
                )
            )
            self.post_message(self.UpsellSuggested(message.form.customer_id, suggestion.code))
        self._status(_("Lisez le récapitulatif au client, puis confirmez (Ctrl+S)."))
        self._show_buttons()

    def action_add_suggestion(self) -> None:
        """Add the proposed additional sale to the order and recompute the summary."""
        suggestion = self._suggested
        if suggestion is None or self._done or self._busy:
            return
        if suggestion.kind == "option":
            self.query_one("#sp-options", SelectionList).select(suggestion.code)
        elif suggestion.kind == "mobile" and self._choice("sp-mobile") is None:
            self.query_one("#sp-mobile", Select).value = suggestion.code
        elif suggestion.kind == "equipment" and self._choice("sp-equipment") is None:
            self.query_one("#sp-equipment", Select).value = suggestion.code
        else:
            return
        self._upsell_accepted = True
        self._suggested = None
        self.call_after_refresh(self.action_summary)

    def action_confirm(self) -> None:
        """Write the sale as summarised (order, installation visit, payment)."""
        if self._done:
            self._status(_("Vente déjà confirmée : Ctrl+N pour une nouvelle vente."))
            return
        if self._busy:
            return
        if self._quote is None:
            self._status(_("Faites d'abord le récapitulatif (Ctrl+R) et lisez-le au client."))
            return
        form = self._form()
        if form is None:
            return
        self._busy = True
        self._status(_("Enregistrement de la vente…"))
        self._run_close(form, self._desk.clock.monotonic())

    def on_sales_panel__closed(self, message: _Closed) -> None:
        self._busy = False
        self._done = True
        result = message.result
        order = result.order
        measure = self._measure.done(at=message.confirmed_at)
        self.post_message(
            self.OrderPlaced(
                order_number=order.number,
                customer_id=order.customer_id,
                lines=tuple(f"{line.offer_code}×{line.quantity}" for line in order.lines),
                monthly_total=order.total_monthly,
                one_off_total=order.total_one_off,
                upsell_accepted=self._upsell_accepted,
                call_id=self.call_id,
                duration_s=measure.duration_s,
                errors=measure.errors,
                corrections=measure.corrections,
            )
        )
        parts = [_("Commande {number} enregistrée.").format(number=order.number)]
        if result.appointment is not None:
            visit = result.appointment
            self.post_message(
                self.AppointmentBooked(
                    appointment_id=visit.id,
                    customer_id=visit.customer_id,
                    order_number=order.number,
                    slot_start=visit.slot_start.isoformat(),
                    slot_end=visit.slot_end.isoformat(),
                )
            )
            parts.append(_("Installation réservée."))
        payment = result.payment
        if payment is not None or message.form.payment_method == "direct_debit":
            self.post_message(
                self.PaymentRecorded(
                    customer_id=order.customer_id,
                    order_number=order.number,
                    method=message.form.payment_method,
                    amount=payment.amount if payment is not None else Decimal("0.00"),
                    reference=payment.reference if payment is not None else "",
                    invoice_number=result.invoice_number,
                )
            )
            parts.append(_("Paiement enregistré."))
        status = self.query_one("#sp-status", Static)
        status.update(" ".join(parts))
        status.add_class("-done")
        self._show_buttons()

    def on_sales_panel__refused(self, message: _Refused) -> None:
        self._busy = False
        error = message.error
        errors = field_errors(error)
        self._show_errors(errors)

    def _show_errors(self, errors: tuple[FieldError, ...]) -> None:
        self._measure.refused(errors, FIELDS)
        for item in errors:
            self.post_message(self.FormError(FORM_NAME, item.field, item.message))
        self._status(
            place_field_errors(self, errors, lambda f: f"sp-{f}-error" if f in FIELDS else None)
        )

    def action_new_sale(self) -> None:
        """Start a new sale for the same customer."""
        self.new_sale()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "sp-compare-button": self.action_compare,
            "sp-summary-button": self.action_summary,
            "sp-upsell-button": self.action_add_suggestion,
            "sp-confirm-button": self.action_confirm,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the additional sale and the confirmation only when they apply."""
        if action == "add_suggestion":
            return self._suggested is not None and not self._done
        if action == "confirm":
            return self._quote is not None and not self._done
        return True

    # -- helpers ----------------------------------------------------------------------------

    def _show_buttons(self) -> None:
        if not self.is_mounted:
            return
        upsell = self.query_one("#sp-upsell-button", Button)
        confirm = self.query_one("#sp-confirm-button", Button)
        upsell_off = self._suggested is None or self._done
        confirm_off = self._quote is None or self._done
        # A disabled button loses the focus, and the panel's keys with it: keep it in the panel.
        if (upsell.has_focus and upsell_off) or (confirm.has_focus and confirm_off):
            self.query_one("#sp-summary-button", Button).focus()
        upsell.disabled = upsell_off
        confirm.disabled = confirm_off
        self.refresh_bindings()

    def _choice(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return value if isinstance(value, str) else None

    def _status(self, text: str) -> None:
        status = self.query_one("#sp-status", Static)
        status.update(text)
        status.remove_class("-done")

    def _hide_error(self, field: str) -> None:
        label = self.query_one(f"#sp-{field}-error", Static)
        if label.has_class("-shown"):
            label.remove_class("-shown")
            label.update("")

    def _clear_errors(self) -> None:
        for field in FIELDS:
            self._hide_error(field)
