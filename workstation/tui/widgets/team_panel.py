"""The team panel (C4.1 "situer son activité dans l'organisation", C4.4 objectives).

The org chart (services, roles, extensions, members), the agent's objectives and evaluation
rules, the shift's live progress computed from the journal, and a short form to send the team
a proposal (a memo to the supervision service). The `TeamDesk` reads and writes in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from crm.errors import CrmError, FieldError, ValidationError
from crm.services.inbox import MemoView
from crm.views import ObjectiveView
from workstation.shift_progress import ShiftProgress
from workstation.team_desk import TeamDesk, TeamView

_FIELDS = ("objet", "message")
_COMPARISONS = {"at_least": "≥", "at_most": "≤"}


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{int(seconds) // 60} min {int(seconds) % 60:02d} s"


def _objective_line(objective: ObjectiveView) -> str:
    if objective.target is None:
        return f"• {objective.label} : {objective.description}"
    target = f"{objective.target.normalize():f}".replace(".", ",")
    sign = _COMPARISONS.get(objective.comparison or "", "")
    return f"• {objective.label} : {sign} {target} {objective.unit or ''}".rstrip()


def _progress_lines(progress: ShiftProgress) -> list[str]:
    return [
        _("Appels traités : {n}").format(n=progress.calls_handled),
        _("Durée moyenne de traitement : {t}").format(t=_minutes(progress.average_handle_s)),
        _("Délai moyen de décroché : {t}").format(
            t="—"
            if progress.average_answer_delay_s is None
            else f"{progress.average_answer_delay_s:.1f} s".replace(".", ",")
        ),
        _("Appels manqués : {n}").format(n=progress.missed_calls),
        _("Ventes : {n}").format(n=progress.sales),
        _("Formulaires enregistrés : {n}").format(n=progress.forms_submitted),
    ]


class TeamPanel(Widget):
    """The team, the agent's objectives and the shift's progress; proposals to supervision."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "refresh", _("Actualiser"), id="team.refresh"),
        Binding("ctrl+s", "send", _("Envoyer la proposition"), id="team.propose"),
    ]

    DEFAULT_CSS = """
    TeamPanel {
        height: 1fr;
        width: 1fr;
    }
    TeamPanel > VerticalScroll {
        height: 1fr;
    }
    TeamPanel .tp-title {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    TeamPanel #tp-body {
        height: 4;
    }
    TeamPanel .field-error {
        color: $error;
        display: none;
    }
    TeamPanel .field-error.-shown {
        display: block;
    }
    TeamPanel #tp-status.-saved {
        color: $success;
        text-style: bold;
    }
    """

    @dataclass
    class ProposalSent(Message):
        """A proposal went to supervision as memo `memo_id` (for the journal)."""

        memo_id: int
        subject: str
        recipient: str

    @dataclass
    class Invalid(Message):
        """A proposal was refused; nothing was written."""

        errors: tuple[FieldError, ...]

    @dataclass
    class _Loaded(Message):
        view: TeamView

    @dataclass
    class _Sent(Message):
        memo: MemoView

    @dataclass
    class _Refused(Message):
        error: CrmError

    def __init__(
        self,
        desk: TeamDesk,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._desk = desk
        self._sending = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Progression du poste"), classes="tp-title")
            yield Static(_("Chargement…"), id="tp-progress", markup=False)
            yield Static(_("Mes objectifs et règles d'évaluation"), classes="tp-title")
            yield Static("", id="tp-objectives", markup=False)
            yield Static(_("Organigramme"), classes="tp-title")
            yield Static("", id="tp-org", markup=False)
            yield Static(_("Proposition à la supervision"), classes="tp-title")
            yield Label(_("Objet"))
            yield Input(id="tp-subject", placeholder=_("ex. Script de relance"), compact=True)
            yield Static("", id="tp-objet-error", classes="field-error", markup=False)
            yield Label(_("Proposition"))
            yield TextArea(id="tp-body", soft_wrap=True)
            yield Static("", id="tp-message-error", classes="field-error", markup=False)
            yield Button(_("Envoyer (Ctrl+S)"), id="tp-send", variant="primary")
            yield Static("", id="tp-status", markup=False)

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """Read the team, objectives and progress again (Ctrl+R)."""
        self._load()

    def action_refresh(self) -> None:
        self.refresh_view()

    @work(thread=True, exclusive=True, group="team-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self._Loaded(self._desk.view()))

    def on_team_panel__loaded(self, message: _Loaded) -> None:
        view = message.view
        self.query_one("#tp-progress", Static).update("\n".join(_progress_lines(view.progress)))
        objectives = [_objective_line(o) for o in view.objectives]
        self.query_one("#tp-objectives", Static).update(
            "\n".join(objectives) if objectives else _("Aucun objectif en vigueur.")
        )
        org = []
        for service in view.services:
            members = ", ".join(service.members) if service.members else "—"
            org.append(
                _("{name} (poste {extension}) — {role} : {members}").format(
                    name=service.name,
                    extension=service.extension,
                    role=service.role,
                    members=members,
                )
            )
        self.query_one("#tp-org", Static).update("\n".join(org))

    def action_send(self) -> None:
        """Send the proposal to supervision (Ctrl+S)."""
        if self._sending:
            return
        self._sending = True
        for label in self.query(".field-error"):
            label.remove_class("-shown")
        self._send(
            self.query_one("#tp-subject", Input).value, self.query_one("#tp-body", TextArea).text
        )

    @on(Button.Pressed, "#tp-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    @work(thread=True, exclusive=True, group="team-propose", exit_on_error=False)
    def _send(self, subject: str, body: str) -> None:
        try:
            memo = self._desk.propose(subject, body)
        except CrmError as error:
            self.post_message(self._Refused(error))
            return
        self.post_message(self._Sent(memo))

    def on_team_panel__sent(self, message: _Sent) -> None:
        self._sending = False
        self.query_one("#tp-subject", Input).value = ""
        self.query_one("#tp-body", TextArea).clear()
        status = self.query_one("#tp-status", Static)
        status.update(_("Proposition envoyée à {to}.").format(to=message.memo.recipient))
        status.add_class("-saved")
        self.post_message(
            self.ProposalSent(message.memo.id, message.memo.subject, message.memo.recipient)
        )

    def on_team_panel__refused(self, message: _Refused) -> None:
        self._sending = False
        error = message.error
        status = self.query_one("#tp-status", Static)
        status.remove_class("-saved")
        if not isinstance(error, ValidationError):
            status.update(str(error))
            return
        unplaced = []
        for item in error.errors:
            if item.field in _FIELDS:
                label = self.query_one(f"#tp-{item.field}-error", Static)
                label.update(item.message)
                label.add_class("-shown")
            else:
                unplaced.append(item.message)
        status.update(" ".join(unplaced) if unplaced else _("Corrigez les champs signalés."))
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        self._sending = False
        self.query_one("#tp-status", Static).update(
            _(
                "Erreur inattendue ({error}). Réessayez ; si elle persiste, prévenez le formateur."
            ).format(error=type(event.worker.error).__name__)
        )
