"""The trainer's console (`acvd customer`): play the customer of a student's call, live.

Left, the set-up: the student's extension, the caller, where the call goes, and the calls the
student is placing (to take one). Right, the conversation: the customer's lines the trainer
types, the student's lines, and what happens to the call. The call logic and the journal are
in workstation.role_play; this screen only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from gettext import gettext as _
from typing import ClassVar

from rich.markup import escape
from sqlalchemy.orm import sessionmaker
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label, OptionList, RichLog, Select, Static
from textual.widgets.option_list import Option

from crm.journal import JournalWriter
from cti.ami.client import AmiClient, AmiUrl
from cti.ami.errors import AmiError
from cti.customer import StudentCall
from workstation.clock import Clock
from workstation.role_play import (
    LogLine,
    RolePlay,
    RolePlayError,
    Student,
    Target,
    resolve_caller,
)


class CustomerConsole(App[None]):
    """Place or take a student's call and speak as the customer."""

    CSS_PATH = "customer_console.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "place", _("Appeler l'élève")),
        Binding("f3", "take", _("Prendre son appel")),
        Binding("f9", "hang_up", _("Raccrocher")),
        Binding("ctrl+q", "quit", _("Quitter")),
    ]

    def __init__(
        self,
        url: AmiUrl,
        clock: Clock,
        *,
        students: Sequence[Student],
        targets: Sequence[Target],
        journal: JournalWriter | None = None,
        session_factory: sessionmaker | None = None,
        extension: str = "",
        client: AmiClient | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.clock = clock
        self.students = tuple(students)
        self.targets = tuple(targets)
        self.journal = journal
        self.session_factory = session_factory
        self.first_extension = extension
        self.client = client or AmiClient(url, clock)
        self.role_play = RolePlay(self.client, clock, journal, self._log_line, self._calls)
        #: Every line shown, as plain text ("Client : …"), for whoever reads the console back.
        self.lines: list[str] = []

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="cc-setup"):
                yield Label(_("Élève (poste)"))
                yield Select(
                    [(s.label, s.extension) for s in self.students],
                    prompt=_("Choisir le poste"),
                    id="cc-student",
                )
                yield Label(_("Appelant : numéro, n° client ou nom"))
                yield Input(placeholder="0612345678 / CL0000001 / Dubois", id="cc-caller")
                yield Label(_("Nom annoncé (facultatif)"))
                yield Input(id="cc-name")
                yield Label(_("Destination"))
                yield Select(
                    [(t.label, t.queue or "-") for t in self.targets],
                    allow_blank=False,
                    id="cc-target",
                )
                yield Static("", id="cc-error")
                yield Label(_("Appels sortants de l'élève"))
                yield OptionList(id="cc-calls")
            with Vertical(id="cc-talk"):
                yield Static(_("Connexion au PBX…"), id="cc-status")
                yield RichLog(id="cc-log", wrap=True, markup=True)
                yield Input(placeholder=_("Réplique du client, puis Entrée"), id="cc-line")
        yield Footer()

    async def on_mount(self) -> None:
        self.title = _("ACVD — console du formateur")
        self.sub_title = _("le formateur joue le client")
        self.run_worker(self._connect(), exclusive=True, group="connect")

    async def _connect(self) -> None:
        try:
            await self.client.connect()
        except AmiError as error:
            self._status(_("PBX injoignable ({url}) : {error}").format(url=self.url, error=error))
            return
        self.sub_title = _("connecté au PBX {url}").format(url=self.url)
        self._status(_("Connecté au PBX {url}. Choisissez l'élève.").format(url=self.url))
        if self.first_extension:
            self.query_one("#cc-student", Select).value = self.first_extension

    async def on_unmount(self) -> None:
        self.role_play.close()
        await self.client.close()

    # --- what the service reports -----------------------------------------------------------

    def _log_line(self, line: LogLine) -> None:
        stamp = local_time(line.at)
        if line.who == "customer":
            plain = _("Client : {text}").format(text=line.text)
            shown = f"[b $accent]{escape(plain)}[/]"
        elif line.who == "agent":
            plain = _("Élève : {text}").format(text=line.text)
            shown = f"[b]{escape(plain)}[/]"
        else:
            plain = f"— {line.text}"
            shown = f"[dim]{escape(plain)}[/]"
        self.lines.append(plain)
        self.query_one("#cc-log", RichLog).write(f"[dim]{stamp}[/] {shown}")
        self._status(self._call_state())

    def _calls(self, calls: tuple[StudentCall, ...]) -> None:
        options = self.query_one("#cc-calls", OptionList)
        options.clear_options()
        options.add_options(
            Option(_("{number} (appel en cours)").format(number=c.number), id=c.call_id)
            for c in calls
        )
        if calls:
            options.highlighted = 0

    def _call_state(self) -> str:
        call = self.role_play.call
        if call is None or call.ended:
            return _("Aucun appel en cours. F2 : appeler l'élève ; F3 : prendre son appel.")
        if call.held:
            return _("Client en attente.")
        if call.transferred_to:
            return _("Client transféré vers le poste {target}.").format(target=call.transferred_to)
        if call.answered:
            return _("En communication. F9 : raccrocher.")
        return _("Ça sonne chez l'élève…")

    def _status(self, text: str) -> None:
        self.query_one("#cc-status", Static).update(text)

    def _error(self, text: str) -> None:
        self.query_one("#cc-error", Static).update(text)

    # --- the trainer's actions --------------------------------------------------------------

    @on(Select.Changed, "#cc-student")
    async def _student_chosen(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK:
            return
        try:
            await self.role_play.watch(str(event.value))
        except RolePlayError as error:
            self._error(str(error))
            return
        self._error("")
        self._status(self._call_state())

    async def action_place(self) -> None:
        """Call the chosen student as the chosen caller."""
        value = self.query_one("#cc-target", Select).value
        target = next((t for t in self.targets if (t.queue or "-") == value), None)
        try:
            if not self.role_play.student:
                raise RolePlayError(_("Choisissez le poste de l'élève."))
            if target is None:
                raise RolePlayError(_("Choisissez la destination de l'appel."))
            caller = resolve_caller(
                self.session_factory,
                self.query_one("#cc-caller", Input).value,
                self.query_one("#cc-name", Input).value,
            )
            await self.role_play.place(caller, target)
        except RolePlayError as error:
            self._error(str(error))
            return
        self._error("")
        self._status(self._call_state())
        self.query_one("#cc-line", Input).focus()

    async def action_take(self) -> None:
        """Take the call highlighted in the student's outside calls."""
        options = self.query_one("#cc-calls", OptionList)
        index = options.highlighted
        try:
            if index is None or options.option_count == 0:
                raise RolePlayError(_("L'élève n'a aucun appel sortant en cours."))
            await self.role_play.take(str(options.get_option_at_index(index).id))
        except RolePlayError as error:
            self._error(str(error))
            return
        self._error("")
        self._status(self._call_state())
        self.query_one("#cc-line", Input).focus()

    @on(OptionList.OptionSelected, "#cc-calls")
    async def _call_selected(self) -> None:
        await self.action_take()

    @on(Input.Submitted, "#cc-line")
    async def _say(self, event: Input.Submitted) -> None:
        try:
            await self.role_play.say(event.value)
        except RolePlayError as error:
            self._error(str(error))
            return
        self._error("")
        event.input.value = ""

    @on(Input.Submitted, "#cc-caller, #cc-name")
    async def _place_from_input(self) -> None:
        await self.action_place()

    async def action_hang_up(self) -> None:
        """The customer hangs up."""
        try:
            await self.role_play.hang_up()
        except RolePlayError as error:
            self._error(str(error))
            return
        self._error("")


def local_time(moment: datetime) -> str:
    """HH:MM:SS in the machine's time zone."""
    return moment.astimezone().strftime("%H:%M:%S")


__all__ = ["CustomerConsole"]
