"""The memo form (C3.1 "rédiger un mémo", C4.3 "signaler les anomalies, les réactions client").

The agent picks a service or a colleague from the org chart, a priority and a kind (mémo,
anomalie, réaction client), writes the subject and the text, and sends. The `InboxDesk` does
the work in a worker thread; refused fields show beside them and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError
from crm.services.inbox import MemoView, Recipient
from workstation.inbox_desk import InboxDesk
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter

#: The form's fields, in screen order (also the names the service reports errors under).
FIELDS = ("destinataire", "priorite", "nature", "objet", "message")
#: What the lists show before the agent chooses (their Select posts it when mounted).
DEFAULTS = {"priorite": "normal", "nature": "memo"}


class MemoForm(Widget):
    """Write a memo to a service or a colleague (C3.1, C4.3)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", _("Envoyer le mémo"), id="memo.send"),
    ]

    DEFAULT_CSS = """
    MemoForm {
        height: 1fr;
        width: 1fr;
    }
    MemoForm > VerticalScroll {
        height: 1fr;
    }
    MemoForm .mf-title {
        text-style: bold;
        color: $accent;
    }
    MemoForm .mf-row {
        height: auto;
    }
    MemoForm .mf-row > Label {
        width: 14;
    }
    MemoForm .mf-row > Input, MemoForm .mf-row > Select {
        width: 1fr;
    }
    MemoForm #mf-message {
        height: 6;
    }
    MemoForm .field-error {
        color: $error;
        display: none;
    }
    MemoForm .field-error.-shown {
        display: block;
    }
    MemoForm #mf-send {
        margin-top: 1;
    }
    MemoForm #mf-status {
        height: auto;
    }
    MemoForm #mf-status.-saved {
        color: $success;
        text-style: bold;
    }
    """

    @dataclass
    class MemoSent(Message):
        """A memo left (for the journal)."""

        memo_id: int
        #: The recipient's key: service:<code> or user:<login>.
        recipient: str
        kind: str
        priority: str
        #: Seconds from the first edit to the valid send, on the desk's clock.
        duration_s: float
        #: Field errors reported by the refused sends before this one.
        errors: int
        #: Fields changed after a refused send (each field once per refused send).
        corrections: int

    @dataclass
    class Invalid(Message):
        """A send was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Loaded(Message):
        recipients: tuple[Recipient, ...]

    @dataclass
    class _Sent(Message):
        memo: MemoView
        recipient: str

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: InboxDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        #: The customer the memo is about (the one on the desk), if any.
        self.customer_id: int | None = None
        self.recipients: tuple[Recipient, ...] = ()
        self._busy = False
        self._measure = FormMeter(desk.clock)
        #: The value each list shows, so that one the program set is not taken for an edit.
        self._shown: dict[str, str] = dict(DEFAULTS)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Mémo interne"), classes="mf-title")
            with Horizontal(classes="mf-row"):
                yield Label(_("Destinataire"))
                yield Select([], prompt=_("Service ou collègue"), id="mf-destinataire",
                             compact=True)  # fmt: skip
            yield self._error("destinataire")
            with Horizontal(classes="mf-row"):
                yield Label(_("Priorité"))
                yield Select(self._options(self._desk.priorities()), value=DEFAULTS["priorite"],
                             allow_blank=False, id="mf-priorite", compact=True)  # fmt: skip
            yield self._error("priorite")
            with Horizontal(classes="mf-row"):
                yield Label(_("Nature"))
                yield Select(self._options(self._desk.kinds()), value=DEFAULTS["nature"],
                             allow_blank=False, id="mf-nature", compact=True)  # fmt: skip
            yield self._error("nature")
            with Horizontal(classes="mf-row"):
                yield Label(_("Objet"))
                yield Input(id="mf-objet", placeholder=_("ex. Coupures répétées"), compact=True)
            yield self._error("objet")
            yield Label(_("Message"))
            yield TextArea(id="mf-message", soft_wrap=True)
            yield self._error("message")
            yield Button(_("Envoyer le mémo (Ctrl+S)"), id="mf-send", variant="primary")
        # Under the scrolled fields, not among them: in the Mémo tab the form has half the
        # height, and « Mémo envoyé » must show without scrolling.
        yield Static("", id="mf-status", markup=False)

    @staticmethod
    def _options(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        return [(label, code) for code, label in pairs]

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"mf-{field}-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="memo-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            recipients = self._desk.recipients()
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Loaded(recipients))

    def on_memo_form__loaded(self, message: _Loaded) -> None:
        self.recipients = message.recipients
        self.query_one("#mf-destinataire", Select).set_options(
            (recipient.label, recipient.key) for recipient in message.recipients
        )

    # -- what the desk calls ----------------------------------------------------------------

    def about_customer(self, customer_id: int | None) -> None:
        """Attach the memos sent from now on to this customer (None: no customer)."""
        self.customer_id = customer_id

    # -- editing and sending ----------------------------------------------------------------

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Select.Changed | Input.Changed | TextArea.Changed) -> None:
        event.stop()
        value = event.text_area.text if isinstance(event, TextArea.Changed) else event.value
        if not isinstance(value, str) or not value:
            return  # a list filled or a form emptied by the program, not an edit
        control = event.control
        field = control.id.removeprefix("mf-") if control is not None and control.id else ""
        if self._shown.get(field, "") == value:
            # The priority and kind lists post their default when mounted: taking that for
            # the first edit made a memo's duration_s run from the desk's opening.
            return
        if field in self._shown:
            self._shown[field] = value
        self._measure.edited(field)
        for label in self.query(f"#mf-{field}-error"):
            label.remove_class("-shown")

    def action_send(self) -> None:
        """Check the fields and send the memo (Ctrl+S)."""
        if self._busy:
            return
        self._busy = True
        for label in self.query(".field-error"):
            label.remove_class("-shown")
        recipient = self.query_one("#mf-destinataire", Select).value
        priority = self.query_one("#mf-priorite", Select).value
        kind = self.query_one("#mf-nature", Select).value
        self._status(_("Envoi du mémo…"))
        self._send(
            recipient if isinstance(recipient, str) else "",
            priority if isinstance(priority, str) else "",
            kind if isinstance(kind, str) else "",
            self.query_one("#mf-objet", Input).value,
            self.query_one("#mf-message", TextArea).text,
        )

    @on(Button.Pressed, "#mf-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    @work(thread=True, exclusive=True, group="memo-send", exit_on_error=False)
    def _send(self, recipient: str, priority: str, kind: str, subject: str, body: str) -> None:
        try:
            memo = self._desk.send_memo(recipient, priority, kind, subject, body, self.customer_id)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Sent(memo, recipient))

    def on_memo_form__sent(self, message: _Sent) -> None:
        self._busy = False
        memo = message.memo
        measure = self._measure.done()
        self.post_message(
            self.MemoSent(
                memo_id=memo.id,
                recipient=message.recipient,
                kind=memo.kind,
                priority=memo.priority,
                duration_s=measure.duration_s,
                errors=measure.errors,
                corrections=measure.corrections,
            )
        )
        self._status(_("Mémo envoyé à {recipient}.").format(recipient=memo.recipient), saved=True)
        self.query_one("#mf-objet", Input).value = ""
        self.query_one("#mf-message", TextArea).text = ""
        self._measure.started()

    def on_memo_form__refused(self, message: _Refused) -> None:
        self._busy = False
        error = message.error
        if not isinstance(error, ValidationError):
            self._status(str(error))
            return
        self._measure.refused(
            error.errors, {item.field for item in error.errors if item.field in FIELDS}
        )
        self._status(place_field_errors(self, error.errors, lambda f: f"mf-{f}-error"))
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is WorkerState.ERROR:
            self._busy = False
            self._status(unexpected_error_text(event.worker.error))

    def _status(self, text: str, *, saved: bool = False) -> None:
        status = self.query_one("#mf-status", Static)
        status.update(text)
        status.set_class(saved, "-saved")
