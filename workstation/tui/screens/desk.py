"""The desk: the softphone bar over the customer, knowledge-base, qualification and guide panels.

Keyboard first (C2.3 "le clavier est utilisé rationnellement"): every call operation has a
function key, shown in the footer only when it applies (`check_action`). Every action, state
change and telephony event is journaled with its call id. The telephony itself is the agent
call model of `cti`; this screen only turns keys into operations and events into display.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
from gettext import gettext as _
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from crm.services.callers import national_digits
from cti import agent as cti
from cti.ami.errors import AmiError
from workstation.call_journal import journal_record
from workstation.desk_services import DeskServices
from workstation.dispositions import BY_CODE, TRANSFER_CODE
from workstation.tui.bridge import AgentBridge, AgentEventMessage
from workstation.tui.commands import DeskCommands
from workstation.tui.screens.dialogs import (
    DialDialog,
    PauseDialog,
    QueueLoginDialog,
    TransferChoice,
    TransferDialog,
    WrapUpDialog,
)
from workstation.tui.widgets.call_list_panel import CallListPanel
from workstation.tui.widgets.collection_panel import CollectionPanel
from workstation.tui.widgets.contact_form import ContactForm
from workstation.tui.widgets.conversation_panel import ConversationPanel
from workstation.tui.widgets.customer_panel import CustomerPanel
from workstation.tui.widgets.guide_panel import GuidePanel
from workstation.tui.widgets.inbox_panel import InboxPanel
from workstation.tui.widgets.kb_panel import KbPanel
from workstation.tui.widgets.letter_panel import LetterPanel
from workstation.tui.widgets.memo_form import MemoForm
from workstation.tui.widgets.memo_tray import MemoTab, MemoTray
from workstation.tui.widgets.note_bar import NoteBar
from workstation.tui.widgets.qualification_form import QualificationForm
from workstation.tui.widgets.sales_panel import SalesPanel
from workstation.tui.widgets.softphone import SoftphoneBar
from workstation.tui.widgets.survey_panel import SurveyPanel
from workstation.tui.widgets.team_panel import TeamPanel

if TYPE_CHECKING:
    from workstation.tui.app import AcvdApp

State = cti.AgentState
IN_CALL = (State.TALKING, State.ON_HOLD, State.CONSULTING)

#: Which agent states allow each action (the footer shows only these).
ALLOWED: dict[str, tuple[cti.AgentState, ...]] = {
    "queue_login": (State.LOGGED_OUT,),
    "queue_logout": (State.READY, State.PAUSED),
    "ready": (State.PAUSED, State.WRAP_UP),
    "pause": (State.READY,),
    "answer": (State.RINGING,),
    "hold": (State.TALKING,),
    "retrieve": (State.ON_HOLD,),
    "cancel_transfer": (State.CONSULTING,),
    "transfer": (State.TALKING, State.ON_HOLD),
    "complete_transfer": (State.CONSULTING,),
    "hangup": (State.RINGING, *IN_CALL),
    "dial": (State.READY, State.PAUSED, State.LOGGED_OUT),
    "wrap_up": (State.WRAP_UP,),
    "speak": IN_CALL,
}


class DeskScreen(Screen[None]):
    """One agent's desk for the whole shift."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DeskCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "app.help", _("Aide"), id="desk.help"),
        Binding("f2", "ready", _("Prêt"), id="desk.ready"),
        Binding("f2", "pause", _("Pause"), id="desk.pause"),
        Binding("f3", "queue_login", _("Se connecter"), id="desk.queue_login"),
        Binding("f3", "queue_logout", _("Se déconnecter"), id="desk.queue_logout"),
        Binding("f4", "wrap_up", _("Post-appel"), id="desk.wrap_up"),
        Binding("f5", "answer", _("Décrocher"), id="desk.answer"),
        Binding("f6", "hold", _("Attente"), id="desk.hold"),
        Binding("f6", "retrieve", _("Reprendre"), id="desk.retrieve"),
        Binding("f6", "cancel_transfer", _("Reprendre le client"), id="desk.cancel_transfer"),
        Binding("f7", "transfer", _("Transférer"), id="desk.transfer"),
        Binding("f7", "complete_transfer", _("Terminer le transfert"), id="desk.complete"),
        Binding("f8", "hangup", _("Raccrocher"), id="desk.hangup"),
        Binding("f9", "dial", _("Composer"), id="desk.dial"),
        Binding("f10", "note", _("Note"), id="desk.note"),
        Binding("ctrl+t", "next_tab", _("Onglet suivant"), id="desk.next_tab"),
        # priority: a text field (the conversation line) would take Ctrl+K for "delete to end".
        Binding(
            "ctrl+k", "search_kb", _("Rechercher"), show=False, id="desk.search_kb", priority=True
        ),
        Binding("f12", "speak", _("Parler"), id="desk.speak"),
    ]

    def __init__(
        self, agent: cti.Agent, services: DeskServices, role: str, user_id: int | None = None
    ) -> None:
        super().__init__()
        self.agent = agent
        self.services = services
        self.customers = services.customers
        self.role = role
        self.user_id = user_id
        self._allowed: frozenset[str] = frozenset()
        #: The call-list entry being dialled (its survey starts when the customer answers).
        self._campaign_call: CallListPanel.DialRequested | None = None
        self._bridge = AgentBridge(agent, self)
        self._call_started: float | None = None
        #: Call id still waiting for its disposition code (after-call work).
        self._wrap_up_call: str | None = None
        self._wrap_up_dialog_open = False

    @property
    def acvd(self) -> AcvdApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SoftphoneBar(id="softphone")
        with TabbedContent(id="desk-tabs", initial="tab-customer"):
            with TabPane(_("Client"), id="tab-customer"):
                yield CustomerPanel(self.customers, id="customer")
            with TabPane(_("Bases"), id="tab-kb"):
                yield KbPanel(self.acvd.runtime.knowledge, self.role, id="kb")
            with TabPane(_("Qualification"), id="tab-qualification"):
                yield QualificationForm(self.customers, id="qualification")
            with TabPane(_("Guide"), id="tab-guide"):
                yield GuidePanel(self.acvd.runtime.knowledge, self.role, id="guide")
            with TabPane(_("Vente"), id="tab-sales"):
                yield SalesPanel(self.services.sales, self.acvd.runtime.knowledge, self.role,
                                 agent_id=self.user_id, id="sales")  # fmt: skip
            with TabPane(_("Appels"), id="tab-calls"):
                yield CallListPanel(self.services.campaigns, agent_id=self.user_id, id="calls")
            with TabPane(_("Enquête"), id="tab-survey"):
                yield SurveyPanel(self.services.campaigns, agent_id=self.user_id, id="survey")
            with TabPane(_("Recouvrement"), id="tab-collection"):
                yield CollectionPanel(self.services.campaigns, agent_id=self.user_id,
                                      id="collection")  # fmt: skip
            with TabPane(_("Messages"), id="tab-inbox"):
                yield InboxPanel(self.services.inbox, id="inbox")
            with TabPane(_("Mémo"), id="tab-memo"):
                yield MemoTab(self.services.inbox, self.services.trays)
            with TabPane(_("Courrier"), id="tab-letter"):
                yield LetterPanel(self.services.letters, id="letter")
            with TabPane(_("Fiche"), id="tab-file"):
                yield ContactForm(self.services.file, id="file")
            with TabPane(_("Équipe"), id="tab-team"):
                yield TeamPanel(self.services.team, id="team")
        yield ConversationPanel(id="conversation")
        yield NoteBar(self.services.notes, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self._bridge.start()
        self._show_state()
        self.set_interval(1.0, self._tick)

    def on_unmount(self) -> None:
        self._bridge.stop()

    # --- display ---------------------------------------------------------------------------

    def _tick(self) -> None:
        bar = self.query_one(SoftphoneBar)
        if self._call_started is not None:
            bar.elapsed = self.agent.clock.monotonic() - self._call_started

    def _show_state(self) -> None:
        bar = self.query_one(SoftphoneBar)
        bar.state = self.agent.state
        bar.pause_reason = self.agent.pause_reason
        bar.queues = tuple(sorted(self.agent.queues))
        # Rebuilding the footer costs tens of milliseconds: only when the keys change.
        allowed = frozenset(action for action in ALLOWED if self.check_action(action, ()))
        if allowed != self._allowed:
            self._allowed = allowed
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        states = ALLOWED.get(action)
        if states is None:
            return True
        if self.agent.state not in states:
            return False
        if action == "answer" and self.agent.call and self.agent.call.direction != "inbound":
            return False
        if action == "ready" and self.agent.state is State.WRAP_UP:
            return self._wrap_up_call is None
        if action == "wrap_up":
            return self._wrap_up_call is not None
        return True

    # --- journal -----------------------------------------------------------------------------

    def _call_id(self) -> str | None:
        call = self.agent.call
        return call.call_id if call is not None else self._wrap_up_call

    def record(self, kind: str, payload: dict[str, Any] | None = None) -> None:
        """Journal a desk event, tied to the current call."""
        self.acvd.record(kind, payload, self._call_id())

    def _record_action(self, action: str, **details: Any) -> None:
        self.record("ui.action", {"action": action, "source": self.acvd.input_source, **details})

    # --- telephony events (from the bridge) ---------------------------------------------------

    def on_agent_event_message(self, message: AgentEventMessage) -> None:
        event = message.event
        entry = journal_record(event)
        if entry is not None:
            self.acvd.record(*entry)
        bar = self.query_one(SoftphoneBar)
        match event:
            case cti.CallRinging():
                self._screen_pop(event)
            case cti.CallConnected():
                self._call_started = event.at
                self.query_one(ConversationPanel).start_call(bar.customer or bar.caller)
                self._campaign_call_answered(event.call_id)
            case cti.ConversationLine(speaker=speaker, text=text):
                self.query_one(ConversationPanel).add_line(speaker, text)
            case cti.CallHeld(held=held):
                self.query_one(ConversationPanel).note(
                    _("— client en attente —") if held else _("— client repris —")
                )
            case cti.CallEnded() | cti.CallMissed():
                self.query_one(ConversationPanel).note(_("— fin de l'appel —"))
                self._call_ended(event)
            case cti.DialResult(outcome=outcome) if outcome is not cti.DialOutcome.ANSWERED:
                text = _("Appel vers {number} : {outcome}.")
                self.notify(text.format(number=event.number, outcome=outcome.label))
            case cti.LinkChanged(state=state):
                bar.link_ok = state is cti.ConnectionState.CONNECTED
                if not bar.link_ok:
                    text = _("Liaison avec le PBX perdue : reconnexion en cours. Journal conservé.")
                    self.notify(text, severity="warning")
        self._show_state()

    def _screen_pop(self, event: cti.CallRinging) -> None:
        """Couplage: show who calls before the student answers (C1.1)."""
        bar = self.query_one(SoftphoneBar)
        bar.caller = event.number or event.name
        bar.customer = ""
        bar.elapsed = None
        self._call_started = None
        now = self.agent.clock.now()
        self.query_one(QualificationForm).start(
            event.call_id, None, direction=event.direction, started_at=now
        )
        self.query_one(SalesPanel).call_id = event.call_id
        self.query_one(NoteBar).start_call(event.call_id)
        self.query_one(CallListPanel).set_call_id(event.call_id)
        self.query_one(SurveyPanel).set_call_id(event.call_id)
        self.query_one(CollectionPanel).set_call_id(event.call_id, now)
        if self._campaign_call is None:
            self.query_one(TabbedContent).active = "tab-customer"
        self._lookup_caller(event.number, event.call_id)

    @work(thread=True, exclusive=True, group="screen-pop", exit_on_error=False)
    def _lookup_caller(self, number: str, call_id: str) -> None:
        try:
            customer = self.customers.find_by_phone(number) if number else None
        except Exception as error:  # reported on screen; the call goes on without a pop
            self.app.call_from_thread(
                self.notify, _("Recherche de l'appelant impossible : {e}").format(e=error)
            )
            customer = None
        self.app.call_from_thread(self._show_caller, number, call_id, customer)

    def _show_caller(self, number: str, call_id: str, customer: Any) -> None:
        panel = self.query_one(CustomerPanel)
        bar = self.query_one(SoftphoneBar)
        if customer is None:
            panel.show_unknown(number)
            bar.customer = _("numéro inconnu")
        else:
            # The other panels follow once the card is on screen (CardShown): the student
            # sees the customer first.
            panel.show_customer(customer.id)
            self.query_one(QualificationForm).customer_id = customer.id
            bar.customer = f"{customer.display_name} ({customer.number})"
        self.acvd.record(
            "crm.screen_pop",
            {"number": number, "customer": customer.number if customer else None},
            call_id,
        )

    def _campaign_call_answered(self, call_id: str) -> None:
        """A survey campaign's contact answered: the questionnaire opens (C1.7)."""
        request, self._campaign_call = self._campaign_call, None
        if request is None:
            return
        calls = self.query_one(CallListPanel)
        entry = calls.entry
        campaign = next((c for c in calls.campaigns if c.code == request.campaign_code), None)
        if entry is not None and campaign is not None and campaign.kind == "survey":
            self.query_one(SurveyPanel).start(
                request.campaign_code, entry.customer.id, call_id=call_id,
                started_at=self.agent.clock.now(),
            )  # fmt: skip
            self.query_one(TabbedContent).active = "tab-survey"

    def _call_ended(self, event: cti.CallEnded | cti.CallMissed) -> None:
        self._call_started = None
        bar = self.query_one(SoftphoneBar)
        bar.elapsed = None
        if isinstance(event, cti.CallMissed):
            bar.caller = bar.customer = ""
            self.query_one(CustomerPanel).clear()
            if event.reason == "no_answer":
                self.notify(_("Appel non décroché : il a été présenté à un autre conseiller."))
            return
        self._wrap_up_call = event.call_id
        if event.by == "transfer":
            self._close_call(TRANSFER_CODE, automatic=True)
        else:
            # Draw the new state first; the dialog follows on the next frames.
            self.set_timer(0.05, self.action_wrap_up)

    # --- after-call work ----------------------------------------------------------------------

    def action_wrap_up(self) -> None:
        if self._wrap_up_call is None or self._wrap_up_dialog_open:
            return
        self._wrap_up_dialog_open = True
        settings = self.acvd.runtime.settings
        countdown = settings.wrapup_seconds if settings.wrapup_mode == "timed" else None
        self.app.push_screen(WrapUpDialog(self.agent.clock, countdown), self._wrap_up_chosen)

    def _wrap_up_chosen(self, code: str | None) -> None:
        self._wrap_up_dialog_open = False
        if code is None:
            if self.acvd.runtime.settings.wrapup_mode == "optional":
                self._close_call(None, automatic=False)
            return
        self._close_call(code, automatic=False)

    def _close_call(self, code: str | None, automatic: bool) -> None:
        call_id = self._wrap_up_call
        disposition = BY_CODE.get(code) if code else None
        self.acvd.record(
            "wrapup.done",
            {
                "disposition": code,
                "label": disposition.description if disposition else None,
                "automatic": automatic,
                "source": self.acvd.input_source,
            },
            call_id,
        )
        self._wrap_up_call = None
        bar = self.query_one(SoftphoneBar)
        bar.caller = bar.customer = ""
        # The call is closed: what the panels record from now on belongs to no call.
        self.query_one(SalesPanel).call_id = None
        self.query_one(CallListPanel).set_call_id(None)
        self.query_one(SurveyPanel).set_call_id(None)
        self.query_one(CollectionPanel).set_call_id(None)
        self._show_state()

    # --- actions ------------------------------------------------------------------------------

    def _operate(self, label: str, operation: Callable[[], Awaitable[object]]) -> None:
        """Run one agent operation; a refusal is shown in French and journaled."""

        async def run() -> None:
            try:
                await operation()
            except AmiError as error:
                text = _("{label} impossible : {error}").format(label=label, error=error)
                self.notify(text, severity="error")
                self.record("ui.error", {"action": label, "error": str(error)})
            self._show_state()

        self.run_worker(run(), group="telephony", exit_on_error=False)

    def action_queue_login(self) -> None:
        self._record_action("queue_login_open")
        queues = [(s.queue, f"{s.queue} — {s.name}") for s in self.customers.services() if s.queue]
        default = [q for q, _label in queues if q == "accueil"] or [q for q, _l in queues[:1]]

        def chosen(names: list[str] | None) -> None:
            if names:
                self._record_action("queue_login", queues=names)
                self._operate(_("Connexion aux files"), lambda: self.agent.login(names))

        self.app.push_screen(QueueLoginDialog(queues, default), chosen)

    def action_queue_logout(self) -> None:
        self._record_action("queue_logout")
        self._operate(_("Déconnexion des files"), self.agent.logout)

    def action_ready(self) -> None:
        self._record_action("ready")
        self._operate(_("Passage en prêt"), self.agent.ready)

    def action_pause(self) -> None:
        def chosen(reason: str | None) -> None:
            if reason:
                self._record_action("pause", reason=reason)
                self._operate(_("Mise en pause"), lambda: self.agent.pause(reason))

        self.app.push_screen(PauseDialog(), chosen)

    def action_answer(self) -> None:
        self._record_action("answer")
        self._operate(_("Décrocher"), self.agent.answer)

    def action_hold(self) -> None:
        self._record_action("hold")
        self._operate(_("Mise en attente"), self.agent.hold)

    def action_retrieve(self) -> None:
        self._record_action("retrieve")
        self._operate(_("Reprise de l'appel"), self.agent.retrieve)

    def action_hangup(self) -> None:
        ringing = self.agent.state is State.RINGING
        self._record_action("reject" if ringing else "hangup")
        operation = self.agent.reject if ringing and self._inbound() else self.agent.hangup
        self._operate(_("Raccrocher"), operation)

    def _inbound(self) -> bool:
        return self.agent.call is not None and self.agent.call.direction == "inbound"

    def action_transfer(self) -> None:
        """Hold the caller first, then choose the destination (what real desktops do)."""
        self._record_action("transfer_open")
        if self.agent.state is State.TALKING:
            self._operate(_("Mise en attente"), self.agent.hold)

        def chosen(choice: TransferChoice | None) -> None:
            if choice is None:
                self._record_action("transfer_cancelled")
                return
            mode = "attended" if choice.consultative else "blind"
            self._record_action("transfer", target=choice.extension, mode=mode)
            self._operate(_("Transfert"), lambda: self._transfer(choice))

        self.app.push_screen(TransferDialog(self.customers.services()), chosen)

    async def _transfer(self, choice: TransferChoice) -> None:
        if not choice.consultative:
            await self.agent.blind_transfer(choice.extension)
            return
        # Atxfer starts from a talking call: it holds the caller itself.
        if self.agent.state is State.ON_HOLD:
            await self.agent.retrieve()
            await self.agent.wait_for_state(State.TALKING, timeout=5.0)
        await self.agent.consult(choice.extension)

    def action_complete_transfer(self) -> None:
        self._record_action("transfer_complete")
        self._operate(_("Transfert"), self.agent.complete_transfer)

    def action_cancel_transfer(self) -> None:
        self._record_action("transfer_cancel")
        self._operate(_("Annulation du transfert"), self.agent.cancel_consultation)

    def action_dial(self) -> None:
        """Dial; from a customer card, its main number is offered (C2.2 "lancer un appel")."""

        def chosen(number: str | None) -> None:
            if number:
                self._record_action("dial", number=number)
                self._operate(_("Appel sortant"), lambda: self.agent.dial(number))

        self.app.push_screen(DialDialog(self._card_number()), chosen)

    def _card_number(self) -> str:
        card = self.query_one(CustomerPanel).card
        if card is None or not card.phones:
            return ""
        phone = next((p for p in card.phones if p.is_primary), card.phones[0])
        return national_digits(phone.e164)

    @on(CallListPanel.DialRequested)
    def _campaign_dial(self, message: CallListPanel.DialRequested) -> None:
        """The call list asks to call a contact: the agent dials it (C1.3, C2.2)."""
        self._journal_message("campaign.dial", message)
        if not self.check_action("dial", ()):
            self.notify(_("Terminez l'appel en cours avant d'appeler le contact suivant."))
            return
        self._campaign_call = message
        number = national_digits(message.number)  # the trunk dials the national format
        self._operate(_("Appel sortant"), lambda: self.agent.dial(number))

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        self.set_focus(None)  # the old tab's field must not pull the focus back to it
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]
        self._record_action("tab", tab=tabs.active)
        self.call_after_refresh(self._focus_first_field, tabs.get_pane(tabs.active))

    def _focus_first_field(self, pane: TabPane) -> None:
        """Keys go to the new tab at once: its first field takes the focus."""
        inside = [w for w in self.focus_chain if pane in w.ancestors]
        # A scrolling container takes the focus too; the student wants the first field.
        fields = [w for w in inside if not isinstance(w, ScrollableContainer)]
        first = (fields or inside or [None])[0]
        if first is not None:
            first.focus()

    def action_note(self) -> None:
        """F10: a quick note kept with the call, from any tab (C3.1)."""
        self._record_action("note_open")
        self.query_one(NoteBar).open()

    def action_search_kb(self) -> None:
        self.query_one(TabbedContent).active = "tab-kb"
        self.query_one(KbPanel).focus_search()

    def action_speak(self) -> None:
        """F12: type what to say to the customer (practice calls, issue 8)."""
        self.query_one(ConversationPanel).focus_input()

    @on(ConversationPanel.Left)
    def _conversation_left(self) -> None:
        tabs = self.query_one(TabbedContent)
        self._focus_first_field(tabs.get_pane(tabs.active))

    @on(ConversationPanel.Spoken)
    def _spoken(self, message: ConversationPanel.Spoken) -> None:
        if self.agent.state not in IN_CALL:
            self.notify(_("Aucun client en ligne : décrochez d'abord (F5)."), severity="warning")
            return
        # The line comes back as a ConversationLine from the PBX, which shows and journals it:
        # what the panel shows is what the customer received.
        self._operate(_("Parler"), lambda: self.agent.say(message.text))

    # --- panels -> journal ----------------------------------------------------------------------

    def _journal_message(self, kind: str, message: Message) -> None:
        """Journal a panel's message with all its fields."""
        self.record(
            kind, {field.name: plain(getattr(message, field.name)) for field in fields(message)}
        )

    @on(KbPanel.Searched)
    def _kb_searched(self, message: KbPanel.Searched) -> None:
        self._journal_message("kb.search", message)

    @on(KbPanel.ArticleOpened)
    def _kb_opened(self, message: KbPanel.ArticleOpened) -> None:
        self._journal_message("kb.open", message)

    @on(KbPanel.BasesChanged)
    def _kb_bases(self, message: KbPanel.BasesChanged) -> None:
        self._journal_message("kb.bases", message)

    @on(GuidePanel.GuideOpened)
    def _guide(self, message: GuidePanel.GuideOpened) -> None:
        self._journal_message("guide.open", message)

    @on(CustomerPanel.CardShown)
    def _card_shown(self, message: CustomerPanel.CardShown) -> None:
        self._journal_message("crm.card", message)
        self._customer_changed(message.customer_id)

    @on(CustomerPanel.IdentityChecked)
    def _identity(self, message: CustomerPanel.IdentityChecked) -> None:
        self.query_one(QualificationForm).identity_items = tuple(message.checked_items)
        self._journal_message("crm.identity_check", message)

    @on(CustomerPanel.CustomerSelected)
    def _selected(self, message: CustomerPanel.CustomerSelected) -> None:
        self._journal_message("crm.customer_selected", message)

    def _customer_changed(self, customer_id: int) -> None:
        """The customer on the line is known: every activity panel works on them."""
        self.query_one(QualificationForm).customer_id = customer_id
        self.query_one(SalesPanel).show_customer(customer_id)
        self.query_one(CollectionPanel).show_customer(customer_id)
        self.query_one(MemoForm).about_customer(customer_id)
        self.query_one(NoteBar).set_customer(customer_id)
        self.query_one(LetterPanel).show_customer(customer_id)
        self.query_one(ContactForm).show_customer(customer_id)

    @on(CustomerPanel.Failed)
    def _panel_failed(self, message: CustomerPanel.Failed) -> None:
        self.notify(message.message, severity="error")
        self._journal_message("ui.error", message)

    @on(CustomerPanel.SearchDone)
    def _searched(self, message: CustomerPanel.SearchDone) -> None:
        self._journal_message("crm.search", message)

    @on(CustomerPanel.ProspectCreated)
    def _prospect(self, message: CustomerPanel.ProspectCreated) -> None:
        self._journal_message("crm.prospect_created", message)

    @on(CustomerPanel.FormError)
    def _form_error(self, message: CustomerPanel.FormError) -> None:
        self._journal_message("form.error", message)

    @on(QualificationForm.Submitted)
    def _qualified(self, message: QualificationForm.Submitted) -> None:
        self._journal_message("form.submit", message)

    @on(QualificationForm.Invalid)
    def _qualification_invalid(self, message: QualificationForm.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(SalesPanel.OfferCompared)
    def _offers_compared(self, message: SalesPanel.OfferCompared) -> None:
        self._journal_message("sales.compare", message)

    @on(SalesPanel.ArgumentOpened)
    def _argument(self, message: SalesPanel.ArgumentOpened) -> None:
        self._journal_message("sales.argument", message)

    @on(SalesPanel.UpsellSuggested)
    def _upsell(self, message: SalesPanel.UpsellSuggested) -> None:
        self._journal_message("sales.upsell", message)

    @on(SalesPanel.OrderPlaced)
    def _order(self, message: SalesPanel.OrderPlaced) -> None:
        self._journal_message("sales.order", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(SalesPanel.AppointmentBooked)
    def _appointment(self, message: SalesPanel.AppointmentBooked) -> None:
        self._journal_message("sales.appointment", message)

    @on(SalesPanel.PaymentRecorded)
    def _payment(self, message: SalesPanel.PaymentRecorded) -> None:
        self._journal_message("sales.payment", message)

    @on(SalesPanel.FormError)
    def _sale_error(self, message: SalesPanel.FormError) -> None:
        self._journal_message("form.error", message)

    @on(CallListPanel.AttemptRecorded)
    def _attempt(self, message: CallListPanel.AttemptRecorded) -> None:
        self._journal_message("campaign.attempt", message)

    @on(CallListPanel.CallbackScheduled)
    def _campaign_callback(self, message: CallListPanel.CallbackScheduled) -> None:
        self._journal_message("campaign.callback", message)

    @on(CallListPanel.ContactSkipped)
    def _skipped(self, message: CallListPanel.ContactSkipped) -> None:
        self._journal_message("campaign.skip", message)

    @on(CallListPanel.FormError)
    def _campaign_error(self, message: CallListPanel.FormError) -> None:
        self._journal_message("form.error", message)

    @on(SurveyPanel.SurveyCompleted)
    def _survey(self, message: SurveyPanel.SurveyCompleted) -> None:
        self._journal_message("survey.completed", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(SurveyPanel.FormError)
    def _survey_error(self, message: SurveyPanel.FormError) -> None:
        self._journal_message("form.error", message)

    @on(CollectionPanel.PlanAgreed)
    def _plan(self, message: CollectionPanel.PlanAgreed) -> None:
        self._journal_message("collection.plan", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(CollectionPanel.PromiseRecorded)
    def _promise(self, message: CollectionPanel.PromiseRecorded) -> None:
        self._journal_message("collection.promise", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(CollectionPanel.CallbackScheduled)
    def _collection_callback(self, message: CollectionPanel.CallbackScheduled) -> None:
        self._journal_message("collection.callback", message)

    @on(CollectionPanel.FormError)
    def _collection_error(self, message: CollectionPanel.FormError) -> None:
        self._journal_message("form.error", message)

    @on(InboxPanel.MessageOpened)
    def _message_opened(self, message: InboxPanel.MessageOpened) -> None:
        self._journal_message("message.opened", message)
        # Between calls, the writer becomes the desk's customer: a letter produced in Courrier
        # is then addressed to them (C3.2, C3.3). During a call the caller stays on screen.
        if message.customer_id is not None and self.agent.call is None:
            self.query_one(CustomerPanel).show_customer(message.customer_id)

    @on(InboxPanel.MessageAnswered)
    def _message_answered(self, message: InboxPanel.MessageAnswered) -> None:
        self._journal_message("message.answered", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(InboxPanel.MessageArchived)
    def _message_archived(self, message: InboxPanel.MessageArchived) -> None:
        self._journal_message("message.archived", message)

    @on(InboxPanel.Invalid)
    def _inbox_invalid(self, message: InboxPanel.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(MemoForm.MemoSent)
    def _memo(self, message: MemoForm.MemoSent) -> None:
        self._journal_message("memo.sent", message)

    @on(MemoForm.Invalid)
    def _memo_invalid(self, message: MemoForm.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(LetterPanel.LetterProduced)
    def _letter(self, message: LetterPanel.LetterProduced) -> None:
        self._journal_message("letter.produced", message)

    @on(LetterPanel.LetterRecorded)
    def _letter_recorded(self, message: LetterPanel.LetterRecorded) -> None:
        self._journal_message("letter.recorded", message)
        self.query_one(CustomerPanel).refresh_activity()  # the card shows it at once

    @on(LetterPanel.Invalid)
    def _letter_invalid(self, message: LetterPanel.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(ContactForm.ContactUpdated)
    def _contact(self, message: ContactForm.ContactUpdated) -> None:
        self._journal_message("crm.file_updated", message)

    @on(ContactForm.Invalid)
    def _contact_invalid(self, message: ContactForm.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(TeamPanel.ProposalSent)
    def _proposal(self, message: TeamPanel.ProposalSent) -> None:
        self._journal_message("team.proposal", message)

    @on(TeamPanel.Invalid)
    def _team_invalid(self, message: TeamPanel.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(NoteBar.NoteAdded)
    def _note(self, message: NoteBar.NoteAdded) -> None:
        # Under the note's own call: after wrap-up the desk has no current call any more.
        payload = {
            f.name: plain(getattr(message, f.name)) for f in fields(message) if f.name != "entry"
        }
        self.acvd.record("note.add", payload, message.call_id)
        self.query_one(CustomerPanel).add_to_history(message.entry)

    @on(NoteBar.Invalid)
    def _note_invalid(self, message: NoteBar.Invalid) -> None:
        self._journal_message("form.invalid", message)

    @on(MemoTray.TrayShown)
    def _tray(self, message: MemoTray.TrayShown) -> None:
        self._journal_message("memo.tray", message)

    @on(MemoTray.MemoRead)
    def _tray_read(self, message: MemoTray.MemoRead) -> None:
        self._journal_message("memo.read", message)

    @on(MemoTray.MemoDone)
    def _tray_done(self, message: MemoTray.MemoDone) -> None:
        self._journal_message("memo.done", message)

    @on(MemoTray.Invalid)
    def _tray_invalid(self, message: MemoTray.Invalid) -> None:
        self._journal_message("form.invalid", message)


def plain(value: object) -> object:
    """A message field as JSON: tuples become lists, unknown objects their text."""
    if isinstance(value, float):
        return round(value, 3)
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)
