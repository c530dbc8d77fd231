"""The call-note bar (C3.1 "prendre des notes"): one line under the tabs, opened with F10.

A student on the phone notes a fact without leaving the tab they are working in: F10 opens
the bar and puts the cursor in it, Enter keeps the note with the call in the customer history
(`NotesDesk`), and the cursor goes back where it was; Escape closes without saving. A refused
note (empty, too long, no call) keeps the bar open with the reason and saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, field_errors
from crm.views import InteractionView
from workstation.notes_desk import NotesDesk
from workstation.tui.widgets.failures import unexpected_error_text

PARIS = ZoneInfo("Europe/Paris")


class NoteBar(Widget):
    """Quick notes kept with the current call (hidden until opened)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", _("Fermer la note"), id="notes.close"),
    ]

    DEFAULT_CSS = """
    NoteBar {
        height: auto;
        display: none;
        background: $boost;
        border-top: solid $accent;
    }
    NoteBar.-open {
        display: block;
    }
    NoteBar Horizontal {
        height: 1;
    }
    NoteBar Label {
        width: auto;
        padding: 0 1;
        text-style: bold;
        color: $accent;
    }
    NoteBar Input {
        width: 1fr;
    }
    NoteBar #nb-status {
        padding: 0 1;
        color: $text-muted;
    }
    NoteBar #nb-status.-error {
        color: $error;
    }
    """

    @dataclass
    class NoteAdded(Message):
        """A note was kept with the call (journal kind "note.add")."""

        note_id: int
        call_id: str
        customer_id: int | None
        text: str
        #: When it was taken, ISO 8601 UTC (the desk clock).
        taken_at: str
        #: Notes of this call so far, this one included.
        count: int
        #: The history entry written (for the card on screen; not journaled).
        entry: InteractionView

    @dataclass
    class Invalid(Message):
        """A note was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Saved(Message):
        note: InteractionView

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: NotesDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        #: The call the notes go to: the current one, or the last one until the next starts.
        self.call_id: str | None = None
        #: The caller, once identified.
        self.customer_id: int | None = None
        #: Notes kept with `call_id`.
        self.count = 0
        self._unclaimed = False
        self._busy = False
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(_("Note d'appel"))
            yield Input(
                id="nb-text",
                placeholder=_("Tapez la note, Entrée pour l'enregistrer, Échap pour fermer"),
                compact=True,
                max_length=1000,
            )
        yield Static("", id="nb-status", markup=False)

    # -- what the desk calls ----------------------------------------------------------------

    def start_call(self, call_id: str) -> None:
        """A call starts (rings or is dialled): the notes go to it from now on."""
        if call_id == self.call_id:
            return
        self.call_id = call_id
        self.customer_id = None
        self.count = 0
        self._unclaimed = False
        self._show_context()

    def set_customer(self, customer_id: int | None) -> None:
        """The caller is identified: the call's notes taken before join their history."""
        if customer_id == self.customer_id:
            return
        self.customer_id = customer_id
        if customer_id is not None and self.call_id is not None and self._unclaimed:
            self._unclaimed = False
            self._claim(self.call_id, customer_id)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar and put the cursor in it (F10 on the desk)."""
        focused = self.screen.focused
        if focused is not None and self not in focused.ancestors_with_self:
            self._return_to = focused
        self.add_class("-open")
        self._show_context()
        self.query_one("#nb-text", Input).focus()

    def action_close(self) -> None:
        """Hide the bar; the cursor goes back to where it was (Escape)."""
        self.remove_class("-open")
        target, self._return_to = self._return_to, None
        if target is not None and target.is_attached and target.focusable:
            target.focus()

    # -- saving -----------------------------------------------------------------------------

    @on(Input.Submitted, "#nb-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._busy:
            return
        self._busy = True
        self._save(self.call_id, self.customer_id, event.value)

    @work(thread=True, exclusive=True, group="note-save", exit_on_error=False)
    def _save(self, call_id: str | None, customer_id: int | None, text: str) -> None:
        try:
            note = self._desk.add(call_id, customer_id, text)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Saved(note))

    @work(thread=True, exclusive=True, group="note-claim", exit_on_error=False)
    def _claim(self, call_id: str, customer_id: int) -> None:
        self._desk.claim(call_id, customer_id)

    def on_note_bar__saved(self, message: _Saved) -> None:
        self._busy = False
        note = message.note
        if note.call_id != self.call_id:
            return  # a note of the previous call, saved after the next one started
        self.count += 1
        if note.customer_id is None:
            self._unclaimed = True
        self.query_one("#nb-text", Input).value = ""
        self.post_message(
            self.NoteAdded(
                note_id=note.id,
                call_id=note.call_id,
                customer_id=note.customer_id,
                text=note.summary,
                taken_at=note.started_at.isoformat(),
                count=self.count,
                entry=note,
            )
        )
        time = note.started_at.astimezone(PARIS).strftime("%H:%M")
        self.notify(_("Note enregistrée à {time} dans l'historique du client.").format(time=time))
        self.action_close()

    def on_note_bar__refused(self, message: _Refused) -> None:
        self._busy = False
        errors = field_errors(message.error, "note")
        self._status(" ".join(error.message for error in errors), error=True)
        self.post_message(self.Invalid(errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._busy = False
        self._status(
            unexpected_error_text(event.worker.error),
            error=True,
        )

    # -- display ----------------------------------------------------------------------------

    def _show_context(self) -> None:
        if self.call_id is None:
            self._status(_("Aucun appel : une note se prend pendant un appel ou son post-appel."))
        elif self.count == 0:
            self._status(_("Aucune note pour cet appel."))
        else:
            self._status(_("Notes déjà prises pour cet appel : {n}.").format(n=self.count))

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#nb-status", Static)
        status.update(text)
        status.set_class(error, "-error")
