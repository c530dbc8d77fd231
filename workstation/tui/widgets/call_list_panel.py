"""The call-list panel (C1.3 "préparer et lancer les appels", C2.2 "lancer un appel").

Choose a running campaign (prospection, satisfaction survey, collection), read its script,
consult the next contacts (due callbacks first) with their number, previous attempts and
callback time, preview one, skip it or ask the desk to dial it, then record the outcome of the
attempt (answered with its result, busy, no answer, wrong number, do not call, callback at a
date and time). The `CampaignDesk` reads and writes in workers; the panel never dials: it
posts `DialRequested` and the desk places the call through the agent.
"""

from __future__ import annotations

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

from crm import validation
from crm.errors import CrmError, FieldError, field_errors
from crm.services.outbound import CampaignView
from crm.views import CallListEntryView
from workstation.campaign_desk import (
    ATTEMPT_CHOICES,
    MAX_ATTEMPTS,
    PARIS,
    RESULT_CHOICES,
    CampaignDesk,
)
from workstation.dispositions import N_
from workstation.tui.widgets.customer_panel import euros
from workstation.tui.widgets.failures import unexpected_error_text
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

_ATTEMPT_LABELS = {choice.code: choice for choice in ATTEMPT_CHOICES}
_RESULT_LABELS = {choice.code: choice for choice in RESULT_CHOICES}


def _when(moment: datetime | None) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if moment is not None else "—"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _name(entry: CallListEntryView) -> str:
    customer = entry.customer
    return customer.company_name or f"{customer.last_name} {customer.first_name}"


#: Where the script goes, before a campaign is chosen (an empty bar looked like a glitch).
_NO_CAMPAIGN = N_("Choisissez une campagne : son script et ses prochains contacts s'affichent ici.")


class CallListPanel(Widget):
    """Work a campaign's call list (C1.3, C2.2)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "dial", _("Appeler le contact"), id="calllist.dial"),
        Binding("ctrl+n", "skip", _("Passer au contact suivant"), id="calllist.skip"),
        Binding("ctrl+o", "record", _("Enregistrer l'issue"), id="calllist.record"),
        Binding("ctrl+r", "refresh", _("Actualiser la liste"), id="calllist.refresh"),
    ]

    DEFAULT_CSS = """
    CallListPanel {
        height: 1fr;
        width: 1fr;
    }
    CallListPanel > VerticalScroll {
        height: 1fr;
    }
    CallListPanel .cl-title {
        text-style: bold;
        color: $accent;
    }
    CallListPanel #cl-script {
        border-left: thick $accent;
        padding-left: 1;
        max-height: 6;
    }
    CallListPanel #cl-contacts {
        height: auto;
        max-height: 8;
    }
    CallListPanel .cl-row {
        height: auto;
        margin-top: 1;
    }
    CallListPanel .cl-row > Label {
        width: 16;
    }
    CallListPanel .cl-row > Input, CallListPanel .cl-row > Select {
        width: 1fr;
    }
    CallListPanel Button {
        width: auto;
        min-width: 10;
    }
    CallListPanel #cl-error {
        color: $error;
    }
    CallListPanel #cl-status.-saved {
        color: $success;
        text-style: bold;
    }
    """

    @dataclass
    class DialRequested(Message):
        """The agent asks to call the contact (the desk dials; journal "campaign.dial")."""

        number: str
        entry_id: int
        campaign_code: str

    @dataclass
    class AttemptRecorded(Message):
        """An attempt's outcome was saved (journal kind suggested: "campaign.attempt")."""

        entry_id: int
        campaign_code: str
        customer_id: int
        outcome: str
        result: str | None
        #: Attempts so far, this one included.
        attempts: int
        #: The entry's status after it: pending (to retry), callback, done or excluded.
        status: str
        callback_at: str | None
        call_id: str | None

    @dataclass
    class CallbackScheduled(Message):
        """A callback was set without an attempt ("campaign.callback")."""

        entry_id: int
        campaign_code: str
        customer_id: int
        callback_at: str

    @dataclass
    class ContactSkipped(Message):
        """The agent passed over a contact for now ("campaign.skip")."""

        entry_id: int
        campaign_code: str
        customer_id: int

    @dataclass
    class FormError(Message):
        """Input refused, nothing written ("campaign.error")."""

        action: str
        errors: tuple[FieldError, ...]

    @dataclass
    class _Campaigns(Message):
        campaigns: tuple[CampaignView, ...]

    @dataclass
    class _Contacts(Message):
        campaign_code: str
        entries: tuple[CallListEntryView, ...]

    @dataclass
    class _Done(Message):
        action: str
        entry: CallListEntryView

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
        self.call_id: str | None = None
        self.campaigns: tuple[CampaignView, ...] = ()
        self.campaign_code: str | None = None
        self.entries: tuple[CallListEntryView, ...] = ()
        #: The contact previewed (and dialled, recorded…).
        self.entry: CallListEntryView | None = None
        #: Contacts passed over in this session, hidden until the list is read again.
        self.skipped: set[int] = set()
        self._busy = False
        self._attempt: tuple[str, str | None] = ("", None)
        self._load_on_mount = False

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Horizontal(classes="cl-row"):
                yield Label(_("Campagne"))
                yield Select([], prompt=_("Choisir la campagne"), id="cl-campaign", compact=True)
            yield Static(_(_NO_CAMPAIGN), id="cl-script", markup=False)
            yield Static(_("Prochains contacts"), classes="cl-title")
            table: DataTable[str] = DataTable(id="cl-contacts", cursor_type="row")
            yield table
            yield Static("", id="cl-preview", markup=False)
            with Horizontal(classes="cl-row"):
                yield Button(_("Appeler (Ctrl+G)"), id="cl-dial", variant="primary")
                yield Button(_("Passer (Ctrl+N)"), id="cl-skip")
            with Horizontal(classes="cl-row"):
                yield Label(_("Issue"))
                yield Select(
                    [(choice.label, choice.code) for choice in ATTEMPT_CHOICES],
                    prompt=_("Issue de l'appel"),
                    id="cl-outcome",
                    compact=True,
                )
            with Horizontal(classes="cl-row"):
                yield Label(_("Résultat"))
                yield Select(
                    [(choice.label, choice.code) for choice in RESULT_CHOICES],
                    prompt=_("Si le client a répondu"),
                    id="cl-result",
                    compact=True,
                )
            with Horizontal(classes="cl-row"):
                yield Label(_("Rappel le"))
                yield Input(id="cl-callback", placeholder=_("JJ/MM/AAAA HH:MM"), compact=True)
            with Horizontal(classes="cl-row"):
                yield Label(_("Commentaire"))
                yield Input(id="cl-note", compact=True)
            with Horizontal(classes="cl-row"):
                yield Button(_("Enregistrer l'issue (Ctrl+O)"), id="cl-record", variant="primary")
                yield Button(_("Programmer le rappel"), id="cl-schedule")
            yield Static("", id="cl-error", markup=False)
            yield Static("", id="cl-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cl-contacts", DataTable).add_columns(
            _("Contact"), _("Numéro"), _("Tentatives"), _("Rappel"), _("Dû")
        )
        self._load_campaigns()

    # -- what the desk calls ----------------------------------------------------------------

    def set_call_id(self, call_id: str | None) -> None:
        """The call placed to the contact (the PBX's Linkedid), reported with the outcome."""
        self.call_id = call_id

    def choose_campaign(self, campaign_code: str) -> None:
        """Work `campaign_code`: its script and next contacts."""
        self.campaign_code = campaign_code
        self.skipped.clear()
        if not self.is_mounted:
            self._load_on_mount = True
            return
        self._show_campaign()
        self.refresh_contacts()

    def _show_campaign(self) -> None:
        code = self.campaign_code
        select = self.query_one("#cl-campaign", Select)
        if select.value != code and any(c.code == code for c in self.campaigns):
            with self.prevent(Select.Changed):
                select.value = code
        campaign = next((c for c in self.campaigns if c.code == code), None)
        script = campaign.script if campaign else _(_NO_CAMPAIGN)
        self.query_one("#cl-script", Static).update(script)

    def refresh_contacts(self) -> None:
        """Read the campaign's next contacts again."""
        if self.campaign_code is not None:
            self._load_contacts(self.campaign_code)

    def preview(self, entry_id: int) -> None:
        """Show a contact of the list before calling."""
        self.entry = next((e for e in self.entries if e.id == entry_id), None)
        self._show_preview()

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="calllist-campaigns", exit_on_error=False)
    def _load_campaigns(self) -> None:
        try:
            found = self._desk.campaigns()
        except CrmError as error:
            self.post_message(self._Refused("campaigns", error))
            return
        self.post_message(self._Campaigns(found))

    @work(thread=True, exclusive=True, group="calllist-contacts", exit_on_error=False)
    def _load_contacts(self, campaign_code: str) -> None:
        try:
            entries = self._desk.next_contacts(campaign_code, limit=20)
        except CrmError as error:
            self.post_message(self._Refused("contacts", error))
            return
        self.post_message(self._Contacts(campaign_code, entries))

    def on_call_list_panel__campaigns(self, message: _Campaigns) -> None:
        self.campaigns = message.campaigns
        with self.prevent(Select.Changed):
            self.query_one("#cl-campaign", Select).set_options(
                (f"{campaign.name} ({campaign.code})", campaign.code)
                for campaign in message.campaigns
            )
        if self.campaign_code is not None:
            self._show_campaign()
        if self._load_on_mount:
            self._load_on_mount = False
            self.refresh_contacts()

    @on(Select.Changed, "#cl-campaign")
    def _campaign_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.campaign_code:
            self.choose_campaign(event.value)

    def on_call_list_panel__contacts(self, message: _Contacts) -> None:
        if message.campaign_code != self.campaign_code:
            return
        self.entries = tuple(e for e in message.entries if e.id not in self.skipped)
        table = self.query_one("#cl-contacts", DataTable)
        # Rebuilding the table moves its cursor: the contact previewed stays selected.
        with self.prevent(DataTable.RowHighlighted):
            table.clear()
            for entry in self.entries:
                table.add_row(
                    _name(entry),
                    validation.phone_display(entry.phone_e164),
                    str(entry.attempts),
                    _when(entry.callback_at),
                    euros(entry.amount_due) if entry.amount_due is not None else "",
                    key=str(entry.id),
                )
            kept = self.entry is not None and any(e.id == self.entry.id for e in self.entries)
            if not kept:
                self.entry = self.entries[0] if self.entries else None
            if self.entry is not None:
                table.move_cursor(row=[e.id for e in self.entries].index(self.entry.id))
        self._show_preview()

    @on(DataTable.RowHighlighted, "#cl-contacts")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.preview(int(event.row_key.value))

    def _show_preview(self) -> None:
        entry = self.entry
        if entry is None:
            text = (
                _("Aucun contact à appeler pour le moment.")
                if self.campaign_code
                else _("Choisissez une campagne.")
            )
        else:
            customer = entry.customer
            lines = [
                _(
                    "{name} ({number}), {postcode} {city} — contact : {civility} {first} {last}"
                ).format(
                    name=_name(entry),
                    number=customer.number,
                    postcode=customer.postcode,
                    city=customer.city,
                    civility=customer.civility,
                    first=customer.first_name,
                    last=customer.last_name,
                ),
                _("Numéro : {phone} · Tentatives : {attempts} sur {max}").format(
                    phone=validation.phone_display(entry.phone_e164),
                    attempts=entry.attempts,
                    max=MAX_ATTEMPTS,
                ),
                _("Dernière tentative : {last} · Rappel prévu : {callback}").format(
                    last=_when(entry.last_attempt_at), callback=_when(entry.callback_at)
                ),
            ]
            if entry.amount_due is not None:
                lines.append(
                    _("Montant dû : {amount} ({days} jours de retard)").format(
                        amount=euros(entry.amount_due), days=entry.days_late
                    )
                )
            if entry.note:
                lines.append(_("Notes : {note}").format(note=entry.note))
            text = "\n".join(lines)
        self.query_one("#cl-preview", Static).update(text)

    # -- actions ----------------------------------------------------------------------------

    def _require_entry(self, action: str) -> CallListEntryView | None:
        if self.entry is None or self.campaign_code is None:
            self._show_errors(
                action,
                (FieldError("contact", _("Choisissez un contact.")),),
            )
            return None
        return self.entry

    def action_dial(self) -> None:
        """Ask the desk to call the previewed contact."""
        entry = self._require_entry("dial")
        if entry is None:
            return
        self.query_one("#cl-status", Static).update(
            _("Appel de {name} au {phone}…").format(
                name=_name(entry), phone=validation.phone_display(entry.phone_e164)
            )
        )
        self.post_message(self.DialRequested(entry.phone_e164, entry.id, entry.campaign_code))

    def action_skip(self) -> None:
        """Pass over the previewed contact for now (nothing is written)."""
        entry = self._require_entry("skip")
        if entry is None:
            return
        self.skipped.add(entry.id)
        self.entry = None
        self.post_message(self.ContactSkipped(entry.id, entry.campaign_code, entry.customer.id))
        self.query_one("#cl-status", Static).update(
            _("Contact passé : {name}.").format(name=_name(entry))
        )
        self.refresh_contacts()

    def action_record(self) -> None:
        """Record the outcome of the attempt on the previewed contact."""
        entry = self._require_entry("attempt")
        if entry is None or not self._start():
            return
        outcome = self._choice("#cl-outcome") or ""
        result = self._choice("#cl-result") if outcome == "answered" else None
        self._attempt = (outcome, result)
        self._run(
            "attempt",
            self._desk.record_attempt,
            entry.id,
            outcome,
            result=result,
            callback=self.query_one("#cl-callback", Input).value,
            note=self.query_one("#cl-note", Input).value,
            agent_id=self.agent_id,
            call_id=self.call_id,
        )

    def schedule_callback(self) -> None:
        """Move the previewed contact to a callback without counting an attempt."""
        entry = self._require_entry("callback")
        if entry is None or not self._start():
            return
        self._run(
            "callback",
            self._desk.schedule_callback,
            entry.id,
            self.query_one("#cl-callback", Input).value,
            agent_id=self.agent_id,
        )

    def action_refresh(self) -> None:
        """Read the next contacts again (skipped ones come back)."""
        self.skipped.clear()
        self.refresh_contacts()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "cl-dial": self.action_dial,
            "cl-skip": self.action_skip,
            "cl-record": self.action_record,
            "cl-schedule": self.schedule_callback,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def _choice(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def _start(self) -> bool:
        if self._busy:
            return False
        self._busy = True
        self.query_one("#cl-error", Static).update("")
        status = self.query_one("#cl-status", Static)
        status.update(_("Enregistrement…"))
        status.remove_class("-saved")
        return True

    @work(thread=True, exclusive=True, group="calllist-save", exit_on_error=False)
    def _run(self, action: str, call: Any, *args: Any, **kwargs: Any) -> None:
        try:
            entry = call(*args, **kwargs)
        except CrmError as error:
            self.post_message(self._Refused(action, error))
            return
        self.post_message(self._Done(action, entry))

    def on_call_list_panel__done(self, message: _Done) -> None:
        self._busy = False
        entry = message.entry
        status = self.query_one("#cl-status", Static)
        status.add_class("-saved")
        if message.action == "callback":
            assert entry.callback_at is not None
            status.update(_("Rappel programmé le {when}.").format(when=_when(entry.callback_at)))
            self.post_message(
                self.CallbackScheduled(
                    entry.id,
                    entry.campaign_code,
                    entry.customer.id,
                    entry.callback_at.astimezone(UTC).isoformat(),
                )
            )
        else:
            outcome, result = self._attempt
            status.update(self._outcome_text(entry, outcome))
            self.post_message(
                self.AttemptRecorded(
                    entry_id=entry.id,
                    campaign_code=entry.campaign_code,
                    customer_id=entry.customer.id,
                    outcome=outcome,
                    result=result,
                    attempts=entry.attempts,
                    status=entry.status,
                    callback_at=_iso(entry.callback_at),
                    call_id=self.call_id,
                )
            )
        self._clear_form()
        self.entry = None
        self.refresh_contacts()

    @staticmethod
    def _outcome_text(entry: CallListEntryView, outcome: str) -> str:
        label = _ATTEMPT_LABELS[outcome].label if outcome in _ATTEMPT_LABELS else outcome
        if entry.status == "pending":
            return _("{outcome} : nouvelle tentative plus tard (tentative {n} sur {max}).").format(
                outcome=label, n=entry.attempts, max=MAX_ATTEMPTS
            )
        if entry.status == "callback":
            return _("{outcome} : rappel le {when}.").format(
                outcome=label, when=_when(entry.callback_at)
            )
        if entry.status == "excluded" and outcome in ("busy", "no_answer"):
            return _(
                "{outcome} : {max} tentatives sans réponse, contact retiré de la liste."
            ).format(outcome=label, max=MAX_ATTEMPTS)
        return _("{outcome} : contact traité.").format(outcome=label)

    def _clear_form(self) -> None:
        with self.prevent(Select.Changed, Input.Changed):
            self.query_one("#cl-outcome", Select).clear()
            self.query_one("#cl-result", Select).clear()
            self.query_one("#cl-callback", Input).value = ""
            self.query_one("#cl-note", Input).value = ""

    def on_call_list_panel__refused(self, message: _Refused) -> None:
        self._busy = False
        self.query_one("#cl-status", Static).update("")
        self._show_errors(message.action, field_errors(message.error))

    def _show_errors(self, action: str, errors: tuple[FieldError, ...]) -> None:
        self.query_one("#cl-error", Static).update("\n".join(item.message for item in errors))
        self.post_message(self.FormError(action, errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._busy = False
        self.query_one("#cl-error", Static).update(unexpected_error_text(event.worker.error))
