"""Small modal dialogs of the desk; each returns its value with `dismiss` (None: cancelled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from crm.views import ServiceView
from workstation.clock import Clock, TimerHandle
from workstation.dispositions import DISPOSITIONS

#: Pause reasons offered to the agent (a free reason can be typed too).
PAUSE_REASONS = (
    _("Pause déjeuner"),
    _("Pause"),
    _("Brief d'équipe"),
    _("Formation"),
    _("Tâches administratives"),
    _("Fin de vacation"),
)


T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    """Escape cancels every dialog."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Annuler"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


def buttons(ok: str, *extra: tuple[str, str]) -> Horizontal:
    """The dialog's button row: extra buttons, then OK and Cancel."""
    row = [Button(label, id=button_id) for button_id, label in extra]
    row += [Button(ok, id="ok", variant="primary"), Button(_("Annuler"), id="cancel")]
    return Horizontal(*row, classes="dialog-buttons")


class QueueLoginDialog(Dialog[list[str]]):
    """Choose the queues to log in to (C2.1 "se connecter")."""

    def __init__(self, queues: Sequence[tuple[str, str]], selected: Sequence[str]) -> None:
        super().__init__()
        self._queues = queues
        self._selected = set(selected)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Connexion aux files d'attente"), classes="dialog-title")
            yield SelectionList[str](
                *((label, code, code in self._selected) for code, label in self._queues),
                id="queues",
            )
            yield Static("", classes="dialog-error")
            yield buttons(_("Se connecter"))

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.query_one(".dialog-error", Static).update(_("Choisissez au moins une file."))
            return
        self.dismiss(chosen)


class PauseDialog(Dialog[str]):
    """Choose (or type) the reason of a pause."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Motif de la pause"), classes="dialog-title")
            yield OptionList(*PAUSE_REASONS, id="reasons")
            yield Input(placeholder=_("ou saisissez un autre motif"), id="other")
            yield buttons(_("Se mettre en pause"))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.prompt))

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        typed = self.query_one("#other", Input).value.strip()
        options = self.query_one(OptionList)
        if typed:
            self.dismiss(typed)
        elif options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).prompt))


@dataclass(frozen=True)
class TransferChoice:
    extension: str
    label: str
    consultative: bool


class TransferDialog(Dialog[TransferChoice]):
    """The destination from the org chart (C2.2 "sélectionner le poste destinataire").

    Enter on a service starts a consultative transfer (talk to the colleague first); Ctrl+D
    transfers directly (blind).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+d", "blind", _("Transfert direct"), priority=True),
    ]

    def __init__(self, services: Sequence[ServiceView]) -> None:
        super().__init__()
        self._services = services

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Transférer l'appel — le client est en attente"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{service.extension}  {service.name}", service.extension)
                    for service in self._services
                ),
                id="services",
            )
            yield Label(_("ou un autre poste :"))
            yield Input(placeholder=_("ex. 210"), id="extension", restrict=r"[0-9]*", max_length=6)
            yield Static("", classes="dialog-error")
            yield buttons(
                _("Avec présentation (Entrée)"), ("blind", _("Transfert direct (Ctrl+D)"))
            )

    def _choice(self, consultative: bool) -> None:
        typed = self.query_one("#extension", Input).value.strip()
        options = self.query_one(OptionList)
        if typed:
            label = next((s.name for s in self._services if s.extension == typed), typed)
            self.dismiss(TransferChoice(typed, label, consultative))
            return
        if options.highlighted is None:
            self.query_one(".dialog-error", Static).update(_("Choisissez le service destinataire."))
            return
        service = self._services[options.highlighted]
        self.dismiss(TransferChoice(service.extension, service.name, consultative))

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _consult(self) -> None:
        self._choice(consultative=True)

    @on(Button.Pressed, "#blind")
    def action_blind(self) -> None:
        self._choice(consultative=False)


class DialDialog(Dialog[str]):
    """Type a number to call (C2.2 "lancer un appel")."""

    def __init__(self, number: str = "") -> None:
        super().__init__()
        self._number = number

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Composer un numéro"), classes="dialog-title")
            yield Input(self._number, placeholder=_("ex. 01 40 00 00 01"), id="number")
            yield Static("", classes="dialog-error")
            yield buttons(_("Appeler"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        number = "".join(ch for ch in self.query_one(Input).value if ch.isdigit())
        if len(number) != 10 or not number.startswith("0"):
            self.query_one(".dialog-error", Static).update(
                _("Numéro à 10 chiffres commençant par 0 attendu.")
            )
            return
        self.dismiss(number)


class WrapUpDialog(Dialog[str]):
    """After-call work: the disposition code of the call that ended (C2.2 "clôturer")."""

    def __init__(
        self, clock: Clock, countdown: int | None = None, default_code: str = "INFORMATION"
    ) -> None:
        super().__init__()
        self._clock = clock
        self._timer: TimerHandle | None = None
        self._remaining = countdown
        self._default = default_code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Post-appel : code de clôture"), classes="dialog-title")
            yield OptionList(
                *(Option(f"{d.code:<13} {d.label}", d.code) for d in DISPOSITIONS), id="codes"
            )
            yield Static("", id="countdown")
            yield buttons(_("Valider"))

    def on_mount(self) -> None:
        if self._remaining is not None:
            self._tick()

    def _tick(self) -> None:
        # Ticks on the injected clock, so tests run the countdown on virtual time.
        if self._remaining is None:
            return
        if self._remaining <= 0:
            self.dismiss(self._default)
            return
        self.query_one("#countdown", Static).update(
            _("Code par défaut ({code}) dans {n} s").format(code=self._default, n=self._remaining)
        )
        self._remaining -= 1
        self._timer = self._clock.call_later(1.0, self._tick)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
