"""The memo tray (C4.1 "transmettre l'information", C3.1, C4.3): the memos a service received.

The Mémo tab shows the memo form and, beside it, the tray of the agent's own service (any
service of the org chart can be chosen): most urgent then newest first, with the priority,
the kind (mémo, anomalie, réaction client), the sender and the time. Enter opens a memo and
marks it read; Ctrl+O files it as done. The `TrayDesk` works in worker threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Label, Select, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, field_errors
from crm.services.inbox import MemoView
from workstation.inbox_desk import InboxDesk
from workstation.memo_tray_desk import TrayDesk
from workstation.tui.widgets.failures import unexpected_error_text
from workstation.tui.widgets.memo_form import MemoForm

PARIS = ZoneInfo("Europe/Paris")
_PRIORITY_MARKS = {"urgent": "‼ ", "high": "! "}
_STATUS_MARKS = {"unread": "●", "read": " ", "done": "✓"}


def _when(memo: MemoView) -> str:
    return memo.created_at.astimezone(PARIS).strftime("%d/%m %H:%M")


class MemoTray(Widget):
    """The tray of one service: read the memos, mark them read, file them as done."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "done", _("Classer traité"), id="tray.done"),
    ]

    DEFAULT_CSS = """
    MemoTray {
        height: 1fr;
        width: 1fr;
        padding: 0 1;
    }
    MemoTray .mt-title {
        text-style: bold;
        color: $accent;
    }
    MemoTray Horizontal {
        height: auto;
    }
    MemoTray Horizontal > Label {
        width: auto;
        padding-right: 2;
    }
    MemoTray Horizontal > Select {
        width: 1fr;
    }
    MemoTray #mt-list {
        height: 1fr;
        min-height: 5;
    }
    MemoTray #mt-detail-box {
        height: auto;
        max-height: 8;
        border-top: solid $panel;
    }
    MemoTray #mt-status.-error {
        color: $error;
    }
    """

    @dataclass
    class TrayShown(Message):
        """A service's tray was read (journal kind "memo.tray")."""

        service_code: str
        memos: int
        unread: int

    @dataclass
    class MemoRead(Message):
        """A memo was opened (journal kind "memo.read"); `was_unread`: first reading."""

        memo_id: int
        service_code: str
        kind: str
        priority: str
        was_unread: bool

    @dataclass
    class MemoDone(Message):
        """A memo was filed as done (journal kind "memo.done")."""

        memo_id: int
        service_code: str

    @dataclass
    class Invalid(Message):
        """A request was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Services(Message):
        services: tuple[tuple[str, str], ...]

    @dataclass
    class _Loaded(Message):
        service_code: str
        memos: tuple[MemoView, ...]
        announce: bool

    @dataclass
    class _Changed(Message):
        memo: MemoView
        status: str
        was_unread: bool

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: TrayDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        #: The service whose tray is shown.
        self.service_code: str | None = desk.own_service
        self.memos: tuple[MemoView, ...] = ()
        #: The memo opened last (its text is shown under the list).
        self.opened: MemoView | None = None
        #: What the last change did, shown before the tray's counts once it is read again.
        self._done_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(_("Bannette du service"), classes="mt-title")
            yield Select([], prompt=_("Choisissez un service"), id="mt-service", compact=True)
        table: DataTable[str] = DataTable(id="mt-list", cursor_type="row", zebra_stripes=True)
        table.add_column(" ", key="status", width=1)
        table.add_column(_("Priorité"), key="priority", width=10)
        table.add_column(_("Nature"), key="kind", width=15)
        table.add_column(_("Objet"), key="subject")
        table.add_column(_("De"), key="author", width=16)
        table.add_column(_("Reçu le"), key="time", width=11)
        yield table
        with VerticalScroll(id="mt-detail-box"):
            yield Static(_("Entrée : lire le mémo · Ctrl+O : classer traité"), id="mt-detail",
                         markup=False)  # fmt: skip
        yield Static("", id="mt-status", markup=False)

    def on_mount(self) -> None:
        self._load_services()
        self.refresh_tray()

    def on_show(self) -> None:
        """The tab is shown again: memos may have arrived meanwhile."""
        self.refresh_tray()

    def refresh_tray(self, *, announce: bool = True) -> None:
        """Read the tray of the chosen service again; `announce`: journal it as a reading
        of the tray (not when it only follows the agent's own change)."""
        if self.service_code is None:
            self._status(_("Choisissez un service pour lire sa bannette."))
            return
        self._load(self.service_code, announce)

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="tray-services", exit_on_error=False)
    def _load_services(self) -> None:
        self.post_message(self._Services(self._desk.services()))

    @work(thread=True, exclusive=True, group="tray-load", exit_on_error=False)
    def _load(self, service_code: str, announce: bool) -> None:
        try:
            memos = self._desk.tray(service_code)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Loaded(service_code, memos, announce))

    def on_memo_tray__services(self, message: _Services) -> None:
        select = self.query_one("#mt-service", Select)
        with select.prevent(Select.Changed):
            select.set_options((label, code) for code, label in message.services)
            if self.service_code in {code for code, _label in message.services}:
                select.value = self.service_code

    @on(Select.Changed, "#mt-service")
    def _service_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.service_code:
            self.service_code = event.value
            self.opened = None
            self.refresh_tray()

    def on_memo_tray__loaded(self, message: _Loaded) -> None:
        if message.service_code != self.service_code:
            return  # another service was chosen meanwhile
        self.memos = message.memos
        table = self.query_one("#mt-list", DataTable)
        row = table.cursor_row
        table.clear()
        for memo in message.memos:
            table.add_row(
                _STATUS_MARKS.get(memo.status, " "),
                _PRIORITY_MARKS.get(memo.priority, "") + self._desk.priority_label(memo.priority),
                self._desk.kind_label(memo.kind),
                memo.subject,
                memo.author or _("(inconnu)"),
                _when(memo),
                key=str(memo.id),
            )
        if message.memos:
            table.move_cursor(row=min(row, len(message.memos) - 1))
        unread = sum(1 for memo in message.memos if memo.status == "unread")
        counts = (
            _("{n} mémo(s), dont {unread} non lu(s).").format(n=len(message.memos), unread=unread)
            if message.memos
            else _("Aucun mémo dans cette bannette.")
        )
        done_text, self._done_text = self._done_text, ""
        self._status(f"{done_text} {counts}".strip())
        if message.announce:
            self.post_message(self.TrayShown(message.service_code, len(message.memos), unread))

    # -- reading and filing -----------------------------------------------------------------

    def _highlighted(self) -> MemoView | None:
        table = self.query_one("#mt-list", DataTable)
        if not self.memos or not (0 <= table.cursor_row < len(self.memos)):
            return None
        return self.memos[table.cursor_row]

    @on(DataTable.RowSelected, "#mt-list")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_highlighted()

    def open_highlighted(self) -> None:
        """Show the highlighted memo's text and mark it read (Enter)."""
        memo = self._highlighted()
        if memo is None:
            return
        self._show(memo)
        self._change(memo.id, "read", memo.status == "unread")

    def action_done(self) -> None:
        """File the highlighted memo as done (Ctrl+O)."""
        memo = self._highlighted()
        if memo is None:
            text = _("Aucun mémo sélectionné : choisissez-en un dans la liste.")
            error = FieldError("memo", text)
            self._status(error.message, error=True)
            self.post_message(self.Invalid((error,)))
            return
        if memo.status == "done":
            self._status(_("Ce mémo est déjà classé traité."))
            return
        self._change(memo.id, "done", memo.status == "unread")

    @work(thread=True, group="tray-change", exit_on_error=False)
    def _change(self, memo_id: int, status: str, was_unread: bool) -> None:
        try:
            if status == "done":
                memo = self._desk.mark_done(memo_id)
            else:
                memo = self._desk.mark_read(memo_id)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Changed(memo, status, was_unread))

    def on_memo_tray__changed(self, message: _Changed) -> None:
        memo, code = message.memo, self.service_code or ""
        if message.status == "done":
            self.post_message(self.MemoDone(memo.id, code))
            self._done_text = _("Mémo « {subject} » classé traité.").format(subject=memo.subject)
        else:
            self.post_message(
                self.MemoRead(memo.id, code, memo.kind, memo.priority, message.was_unread)
            )
        self._show(memo)
        self.refresh_tray(announce=False)

    def on_memo_tray__refused(self, message: _Refused) -> None:
        errors = field_errors(message.error, "memo")
        self._status(" ".join(error.message for error in errors), error=True)
        self.post_message(self.Invalid(errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is WorkerState.ERROR:
            self._status(
                unexpected_error_text(event.worker.error),
                error=True,
            )

    # -- display ----------------------------------------------------------------------------

    def _show(self, memo: MemoView) -> None:
        self.opened = memo
        head = _("{subject}\nDe : {author} · reçu le {time} · {priority} · {kind} · {status}")
        text = head.format(
            subject=memo.subject,
            author=memo.author or _("(inconnu)"),
            time=_when(memo),
            priority=self._desk.priority_label(memo.priority),
            kind=self._desk.kind_label(memo.kind),
            status=self._desk.status_label(memo.status),
        )
        self.query_one("#mt-detail", Static).update(f"{text}\n\n{memo.body.strip()}")

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#mt-status", Static)
        status.update(text)
        status.set_class(error, "-error")


class MemoTab(Widget):
    """The Mémo tab: the memo form over the tray (full width, so the tray's columns read in
    full); a memo sent shows in the tray at once when it went to the service on screen."""

    DEFAULT_CSS = """
    MemoTab {
        height: 1fr;
    }
    MemoTab > MemoForm {
        height: 50%;
    }
    MemoTab > MemoTray {
        height: 1fr;
        border-top: solid $accent;
    }
    """

    def __init__(self, inbox: InboxDesk, trays: TrayDesk) -> None:
        super().__init__(id="memo-tab")
        self._inbox = inbox
        self._trays = trays

    def compose(self) -> ComposeResult:
        yield MemoForm(self._inbox, id="memo")
        yield MemoTray(self._trays, id="memo-tray")

    @on(MemoForm.MemoSent)
    def _memo_sent(self, message: MemoForm.MemoSent) -> None:
        # Not stopped: the desk journals it too.
        self.query_one(MemoTray).refresh_tray()
