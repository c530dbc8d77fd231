"""The team panel (C4.1 "situer son activité dans l'organisation", C4.4 objectives).

The org chart (services, roles, extensions, members), the agent's objectives and evaluation
rules, the shift's live progress computed from the journal, and a short form to send the team
a proposal (a memo to the supervision service). The `TeamDesk` reads and writes in workers.

The progress is live without polling: the panel listens to the shift's journal (the app's
`ActionJournal`) and reads the progress again when an entry is committed while it is shown,
or when it is shown again after entries were committed behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from gettext import gettext as _
from typing import Any, ClassVar

from textual import events, on, work
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
from workstation.shift_progress import GoalProgress, ShiftProgress
from workstation.team_desk import TeamDesk, TeamView
from workstation.tui.widgets.failures import place_field_errors, unexpected_error_text

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


def _number(value: float | Decimal | int, unit: str) -> str:
    """A value as French reads it: 299,90 €, 12 appels, 42,5 secondes."""
    if unit == "€":
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))} €".replace(".", ",")
    if isinstance(value, int):
        text = str(value)
        if value in (0, 1) and len(unit) > 2 and unit.endswith("s"):
            unit = unit[:-1]  # 1 appel, 0 vente: French keeps 0 and 1 singular
    else:
        text = f"{Decimal(str(value)).normalize():f}".replace(".", ",")
    return f"{text} {unit}".rstrip()


def _goal_line(goal: GoalProgress) -> str:
    """One objective: the value so far against its target, and where it stands (C4.4)."""
    sign = _COMPARISONS.get(goal.comparison, "")
    target = _number(goal.target.normalize(), goal.unit)
    current = "—" if goal.current is None else _number(goal.current, goal.unit)
    if goal.met is None:
        verdict = _("pas encore mesuré")
    elif goal.comparison == "at_least":
        verdict = _("atteint") if goal.met else _("en cours")
    else:
        verdict = _("respecté") if goal.met else _("dépassé")
    return _("{mark} {label} : {current} / objectif {sign} {target} — {verdict}").format(
        mark="✔" if goal.met else "•",
        label=goal.label,
        current=current,
        sign=sign,
        target=target,
        verdict=verdict,
    )


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
        _("Questionnaires complets : {n}").format(n=progress.surveys_completed),
        _("Sommes obtenues en recouvrement : {amount}").format(
            amount=_number(progress.amount_collected, "€")
        ),
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

    class _JournalGrew(Message):
        """An entry of the shift was committed (posted from the journal's writer thread)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TeamPanel._JournalGrew)  # a burst reads once

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
        #: Journal entries were committed since the progress on screen was read.
        self._stale = False
        self._loading = False
        self._stop_listening: Callable[[], None] | None = None
        #: How many times the view was read (the tests count the reads a burst costs).
        self.loads = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Objectifs de la vacation : réalisé / objectif"), classes="tp-title")
            yield Static("", id="tp-goals", markup=False)
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
        # The shift's journal, when the app keeps one (a harness without journal: no live
        # refresh, Ctrl+R still reads the progress).
        journal: Any = getattr(self.app, "journal", None)
        if journal is not None and hasattr(journal, "listen"):
            self._stop_listening = journal.listen(self._entry_committed)

    def on_unmount(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None

    def _entry_committed(self, _entry: object) -> None:
        """Called on the journal's writer thread: only hand over to the event loop."""
        self.post_message(self._JournalGrew())

    def journal_grew(self) -> None:
        """The shift's journal grew: read the progress now if it is on screen, else when the
        panel is shown again (no reading for a tab nobody looks at)."""
        self._stale = True
        if self.is_on_screen:
            self.refresh_view()

    def on_team_panel__journal_grew(self, message: _JournalGrew) -> None:
        message.stop()
        self.journal_grew()

    def on_show(self, event: events.Show) -> None:
        if self._stale:
            self.refresh_view()

    def refresh_view(self) -> None:
        """Read the team, objectives and progress again (Ctrl+R). While one reading runs,
        further requests make one more reading after it, never a queue of them."""
        self._stale = True
        if self._loading:
            return
        self._loading = True
        self._stale = False
        self.loads += 1
        self._load()

    def action_refresh(self) -> None:
        self.refresh_view()

    @work(thread=True, exclusive=True, group="team-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self._Loaded(self._desk.view()))

    def on_team_panel__loaded(self, message: _Loaded) -> None:
        self._loading = False
        view = message.view
        goals = [_goal_line(goal) for goal in view.goals]
        self.query_one("#tp-goals", Static).update(
            "\n".join(goals) if goals else _("Aucun objectif chiffré pour cette vacation.")
        )
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
        if self._stale:  # entries committed while reading: read once more
            self.journal_grew()

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
        status.update(
            place_field_errors(
                self, error.errors, lambda f: f"tp-{f}-error" if f in _FIELDS else None
            )
        )
        self.post_message(self.Invalid(error.errors))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure: a French message, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "team-load":
            self._loading = False
        self._sending = False
        self.query_one("#tp-status", Static).update(unexpected_error_text(event.worker.error))
