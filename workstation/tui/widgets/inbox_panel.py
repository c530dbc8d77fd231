"""The inbox panel (C3.2 "répondre à un courrier électronique", C2.3 "archiver").

Folders (Reçus, Brouillons, Envoyés, Archivés), the message list with each message's language,
a search box, the reading pane with the agent's annotation, and a structured reply editor:
greeting and closing formula prefilled by language and civility, body typed by the student,
files attached from the letters folder or the tariff sheets. The `InboxDesk` does the work in
worker threads; refused fields show beside them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError
from crm.services.inbox import MessageView, SentReply
from workstation.inbox_desk import LANGUAGE_LABELS, InboxDesk, compose_reply, reply_frame
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text
from workstation.tui.widgets.form_measure import FormMeter
from workstation.tui.widgets.tab_focus import refuse_focus_while_hidden

#: A customer number inside a produced letter's file name.
_CUSTOMER_NUMBER = re.compile(r"CL\d{7}")
PARIS = ZoneInfo("Europe/Paris")


def _line(message: MessageView) -> str:
    """One row of the list: language, date, sender, subject."""
    when = message.received_at.astimezone(PARIS).strftime("%d/%m %H:%M")
    mark = "●" if message.status == "unread" else " "
    language = LANGUAGE_LABELS.get(message.language, message.language.upper())
    return f"{mark} [{language}] {when}  {message.sender[:24]} — {message.subject}"


class InboxPanel(Widget):
    """Read, annotate, answer and archive the customers' written messages (C3.2)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "send", _("Envoyer la réponse"), id="inbox.send"),
        Binding("ctrl+s", "save_draft", _("Enregistrer le brouillon"), id="inbox.draft"),
        Binding("ctrl+b", "archive", _("Archiver"), id="inbox.archive"),
        Binding("ctrl+f", "search", _("Rechercher"), id="inbox.search"),
    ]

    DEFAULT_CSS = """
    InboxPanel {
        height: 1fr;
        width: 1fr;
    }
    InboxPanel > VerticalScroll {
        height: 1fr;
    }
    InboxPanel .ip-row {
        height: auto;
    }
    InboxPanel .ip-row > Label {
        width: 16;
    }
    InboxPanel .ip-row > Input, InboxPanel .ip-row > Select {
        width: 1fr;
    }
    InboxPanel #ip-folder {
        width: 22;
    }
    InboxPanel #ip-list {
        height: 6;
    }
    InboxPanel #ip-reading {
        border: round $primary;
        height: auto;
        max-height: 10;
        overflow-y: auto;
    }
    InboxPanel .ip-section {
        text-style: bold;
        margin-top: 1;
    }
    InboxPanel #ip-body {
        height: 6;
    }
    InboxPanel #ip-closing {
        height: 3;
    }
    InboxPanel .field-error {
        color: $error;
        display: none;
    }
    InboxPanel .field-error.-shown {
        display: block;
    }
    InboxPanel #ip-buttons {
        height: auto;
        margin-top: 1;
    }
    InboxPanel #ip-buttons Button {
        margin-right: 1;
    }
    InboxPanel #ip-status.-saved {
        color: $success;
        text-style: bold;
    }
    """

    @dataclass
    class MessageOpened(Message):
        """A message was opened; `waited_s`: seconds since it arrived, on the desk's clock."""

        message_id: int
        language: str
        waited_s: float
        #: The customer who wrote (None: unknown sender), for the desk to show their card, so
        #: that a letter produced in Courrier is addressed to them.
        customer_id: int | None = None

    @dataclass
    class MessageAnswered(Message):
        """A reply left (C3.2)."""

        message_id: int
        language: str
        #: Seconds from the message's arrival to the answer.
        answer_delay_s: float
        #: File names attached to the reply.
        attachments: tuple[str, ...]
        #: Seconds from opening the message to sending the reply.
        duration_s: float

    @dataclass
    class MessageArchived(Message):
        """A message was filed in "Archivés" (C2.3)."""

        message_id: int
        language: str
        status_before: str

    @dataclass
    class Invalid(Message):
        """An action was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Done(Message):
        kind: str
        result: object

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
        self.folder = "inbox"
        #: The messages listed, in list order.
        self.shown: tuple[MessageView, ...] = ()
        #: The message in the reading pane.
        self.current: MessageView | None = None
        #: Absolute paths of the files attached to the reply being written.
        self.attachments: list[str] = []
        #: The reply's measure (C2.3): it runs from the message's opening.
        self._measure = FormMeter(desk.clock)
        self._status_before = ""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Ctrl+T to another tab: a focus handed inside this hidden tab must not pull it back.
        refuse_focus_while_hidden(self, event)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Horizontal(classes="ip-row"):
                yield Select(
                    [(label, code) for code, label in self._desk.folders()],
                    value="inbox",
                    allow_blank=False,
                    id="ip-folder",
                    compact=True,
                )
                yield Input(
                    placeholder=_("Rechercher (objet, texte, expéditeur) — Entrée"),
                    id="ip-search",
                    compact=True,
                )
            yield self._error("recherche")
            yield OptionList(id="ip-list", compact=True)
            yield Static(
                _("Choisissez un message (Entrée pour le lire)."), id="ip-reading", markup=False
            )
            with Horizontal(classes="ip-row"):
                yield Label(_("Annotation"))
                yield Input(
                    placeholder=_("Note gardée avec le message — Entrée"),
                    id="ip-annotation",
                    compact=True,
                )
            yield self._error("annotation")
            yield Static(_("Réponse"), classes="ip-section")
            with Horizontal(classes="ip-row"):
                yield Label(_("Formule d'appel"))
                yield Input(id="ip-greeting", compact=True)
            yield TextArea(id="ip-body", soft_wrap=True)
            yield self._error("reponse")
            yield TextArea(id="ip-closing", soft_wrap=True)
            with Horizontal(classes="ip-row"):
                yield Label(_("Joindre"))
                yield Select([], prompt=_("Courrier produit ou fiche tarifaire"), id="ip-file",
                             compact=True)  # fmt: skip
            yield Static("", id="ip-attached", markup=False)
            yield self._error("piece_jointe")
            with Horizontal(id="ip-buttons"):
                yield Button(_("Envoyer (Ctrl+R)"), id="ip-send", variant="primary")
                yield Button(_("Brouillon (Ctrl+S)"), id="ip-draft")
                yield Button(_("Archiver (Ctrl+B)"), id="ip-archive")
                yield Button(_("Retirer les pièces jointes"), id="ip-detach")
            yield Static("", id="ip-status", markup=False)

    @staticmethod
    def _error(field: str) -> Static:
        return Static("", id=f"ip-{field}-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self.refresh_list()

    # -- what the desk calls ----------------------------------------------------------------

    def refresh_list(self) -> None:
        """Read the current folder again (and the files that can be attached)."""
        folder = self.folder
        self._run("list", lambda: (self._desk.messages(folder), self._desk.attachable_files()))

    def show_folder(self, folder: str) -> None:
        """Show the folder `folder` (inbox, drafts, sent, archive)."""
        self.query_one("#ip-folder", Select).value = folder

    # -- workers ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inbox-call", exit_on_error=False)
    def _run(self, kind: str, call: Callable[[], object]) -> None:
        try:
            result = call()
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Done(kind, result))

    def on_inbox_panel__done(self, message: _Done) -> None:
        handler = getattr(self, f"_after_{message.kind}")
        handler(message.result)

    def on_inbox_panel__refused(self, message: _Refused) -> None:
        error = message.error
        if not isinstance(error, ValidationError):
            self._status(str(error))
            return
        self._status(place_field_errors(self, error.errors, lambda f: f"ip-{f}-error"))
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is WorkerState.ERROR:
            self._status(unexpected_error_text(event.worker.error))

    # -- list and search --------------------------------------------------------------------

    @on(Select.Changed, "#ip-folder")
    def _folder_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.folder = event.value
            self.refresh_list()

    def action_search(self) -> None:
        """Search every folder for the words typed in the search box (Ctrl+F, Entrée)."""
        box = self.query_one("#ip-search", Input)
        if not box.has_focus:
            box.focus()
            if not box.value.strip():
                return
        self._clear_errors()
        text = box.value
        self._run("search", lambda: self._desk.search(text))

    @on(Input.Submitted, "#ip-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_search()

    def _after_list(self, result: object) -> None:
        messages, files = result  # type: ignore[misc]
        self._show_list(messages)
        self.query_one("#ip-file", Select).set_options((path.name, str(path)) for path in files)

    def _after_search(self, result: object) -> None:
        found: tuple[MessageView, ...] = result  # type: ignore[assignment]
        self._show_list(found)
        self._status(
            _("{count} message(s) trouvé(s).").format(count=len(found))
            if found
            else _("Aucun message ne correspond à la recherche.")
        )

    def _show_list(self, messages: tuple[MessageView, ...]) -> None:
        self.shown = messages
        options = self.query_one("#ip-list", OptionList)
        options.clear_options()
        options.add_options(Option(Text(_line(m)), id=str(m.id)) for m in messages)
        if not messages:
            options.add_option(Option(_("(aucun message)"), disabled=True))
        else:
            # Entrée on the list opens the first message at once: with nothing highlighted
            # it did nothing, and a newcomer thought the list was broken.
            options.highlighted = 0

    # -- reading and annotation -------------------------------------------------------------

    @on(OptionList.OptionSelected, "#ip-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.open_message(int(event.option.id))

    def open_message(self, message_id: int) -> None:
        """Read the message `message_id` in the reading pane (marks it read)."""
        self._status_before = next((m.status for m in self.shown if m.id == message_id), "")
        # The letters folder is read again: a letter produced since the list was loaded must
        # be offered in "Joindre".
        self._run("open", lambda: (self._desk.open(message_id), self._desk.attachable_files()))

    def _after_open(self, result: object) -> None:
        message: MessageView
        message, files = result  # type: ignore[misc]
        self.query_one("#ip-file", Select).set_options((path.name, str(path)) for path in files)
        self.current = message
        # A reply is a new form, and the time to answer counts from reading the message.
        self._measure.started()
        self._measure.edited()
        self.attachments = []
        self._clear_errors()
        language = "Anglais" if message.language == "en" else "Français"
        header = _("De : {sender} — {when} — langue : {language}\nObjet : {subject}").format(
            sender=message.sender,
            when=message.received_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
            language=_(language),
            subject=message.subject,
        )
        if message.customer_number:
            header += "\n" + _("Client : {number}").format(number=message.customer_number)
        self.query_one("#ip-reading", Static).update(f"{header}\n\n{message.body}")
        self.query_one("#ip-annotation", Input).value = message.annotation
        frame = reply_frame(message)
        self.query_one("#ip-greeting", Input).value = frame.greeting
        self.query_one("#ip-body", TextArea).text = ""
        self.query_one("#ip-closing", TextArea).text = frame.closing
        self._show_attached()
        self._status("")
        waited = (self._desk.clock.now() - message.received_at).total_seconds()
        self.post_message(
            self.MessageOpened(message.id, message.language, max(0.0, waited), message.customer_id)
        )

    @on(Input.Submitted, "#ip-annotation")
    def _annotate(self, event: Input.Submitted) -> None:
        event.stop()
        if self.current is None:
            self._status(_("Ouvrez d'abord un message."))
            return
        message_id, note = self.current.id, event.value
        self._run("annotate", lambda: self._desk.annotate(message_id, note))

    def _after_annotate(self, result: object) -> None:
        self.current = result  # type: ignore[assignment]
        self._status(_("Annotation enregistrée."), saved=True)

    # -- attachments ------------------------------------------------------------------------

    @on(Select.Changed, "#ip-file")
    def _file_chosen(self, event: Select.Changed) -> None:
        event.stop()
        chosen = event.value
        if (
            isinstance(chosen, str)
            and chosen not in self.attachments
            and not self._other_customer(chosen)
        ):
            self.attachments.append(chosen)
            self._show_attached()
            self._clear_errors()  # a refused letter's message must not outlive the right one
        # Back to the prompt: the list adds a file each time, even the one just refused.
        with self.prevent(Select.Changed):
            event.select.clear()

    def _other_customer(self, path: str) -> bool:
        """Refuse a produced letter addressed to another customer than the sender (its file
        name carries the customer number, e.g. relance-impaye-1-CL0000696-Pruvost.docx)."""
        name = path.rsplit("/", 1)[-1]
        numbers = set(_CUSTOMER_NUMBER.findall(name))
        expected = self.current.customer_number if self.current is not None else None
        if not numbers or expected in numbers:
            return False
        self._clear_errors()
        label = self.query_one("#ip-piece_jointe-error", Static)
        if expected is None:
            text = _(
                "« {name} » est un courrier adressé à un client ({number}) : l'expéditeur de "
                "ce message n'est pas un client identifié."
            )
        else:
            text = _(
                "« {name} » est adressé au client {number}, pas à l'expéditeur ({expected}) : "
                "produisez la lettre pour {expected} dans l'onglet Courrier."
            )
        message = text.format(name=name, number=", ".join(sorted(numbers)), expected=expected)
        label.update(message)
        label.add_class("-shown")
        self.post_message(self.Invalid((FieldError("piece_jointe", message),)))
        return True

    def attach(self, path: str) -> None:
        """Attach the file `path` to the reply (checked when the reply is saved or sent)."""
        if path not in self.attachments:
            self.attachments.append(path)
            self._show_attached()

    @on(Button.Pressed, "#ip-detach")
    def _detach_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.attachments = []
        self._show_attached()

    def _show_attached(self) -> None:
        names = ", ".join(path.rsplit("/", 1)[-1] for path in self.attachments)
        self.query_one("#ip-attached", Static).update(
            _("Pièces jointes : {names}").format(names=names) if names else ""
        )

    # -- reply, draft and archive -----------------------------------------------------------

    def _reply_text(self) -> str:
        return compose_reply(
            self.query_one("#ip-greeting", Input).value,
            self.query_one("#ip-body", TextArea).text,
            self.query_one("#ip-closing", TextArea).text,
        )

    def action_send(self) -> None:
        """Send the reply to the message being read (Ctrl+R)."""
        if self.current is None:
            self._status(_("Ouvrez d'abord un message."))
            return
        self._clear_errors()
        message_id, text, files = self.current.id, self._reply_text(), tuple(self.attachments)
        self._run("send", lambda: self._desk.send(message_id, text, files))

    def _after_send(self, result: object) -> None:
        sent: SentReply = result  # type: ignore[assignment]
        measure = self._measure.done()
        self.current = sent.original
        self.query_one("#ip-body", TextArea).text = ""
        self._status(
            _("Réponse envoyée à {recipient}.").format(recipient=sent.reply.recipient), saved=True
        )
        self.post_message(
            self.MessageAnswered(
                message_id=sent.original.id,
                language=sent.original.language,
                answer_delay_s=sent.answer_delay_s,
                attachments=tuple(path.rsplit("/", 1)[-1] for path in sent.reply.attachments),
                duration_s=measure.duration_s,
            )
        )
        self.attachments = []
        self._show_attached()
        self.refresh_list()

    def action_save_draft(self) -> None:
        """Save the reply being written in "Brouillons" (Ctrl+S)."""
        if self.current is None:
            self._status(_("Ouvrez d'abord un message."))
            return
        self._clear_errors()
        message_id, text, files = self.current.id, self._reply_text(), tuple(self.attachments)
        self._run("draft", lambda: self._desk.save_draft(message_id, text, files))

    def _after_draft(self, result: object) -> None:
        self._status(_("Brouillon enregistré."), saved=True)

    def action_archive(self) -> None:
        """File the message being read in "Archivés" (Ctrl+B)."""
        if self.current is None:
            self._status(_("Ouvrez d'abord un message."))
            return
        self._status_before = self.current.status
        message_id = self.current.id
        self._run("archive", lambda: self._desk.archive(message_id))

    def _after_archive(self, result: object) -> None:
        message: MessageView = result  # type: ignore[assignment]
        self.current = message
        self._status(_("Message archivé."), saved=True)
        self.post_message(self.MessageArchived(message.id, message.language, self._status_before))
        self.refresh_list()

    @on(Button.Pressed, "#ip-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    @on(Button.Pressed, "#ip-draft")
    def _draft_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save_draft()

    @on(Button.Pressed, "#ip-archive")
    def _archive_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_archive()

    # -- helpers ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            label.remove_class("-shown")

    def _status(self, text: str, *, saved: bool = False) -> None:
        status = self.query_one("#ip-status", Static)
        status.update(text)
        status.set_class(saved, "-saved")
