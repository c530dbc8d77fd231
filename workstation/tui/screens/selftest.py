"""The self-test the student runs and reads before taking calls (C2.1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from gettext import gettext as _
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from workstation.selftest import Check

RunChecks = Callable[[], Awaitable[list[Check]]]


def render_check(check: Check) -> Text:
    """One check as the student reads it: status, label, detail, then what to do."""
    text = Text()
    text.append(
        " OK " if check.ok else " ÉCHEC ",
        style="bold black on green" if check.ok else "bold white on red",
    )
    text.append(f" {check.label} : ", style="bold")
    text.append(check.detail)
    if check.remedy:
        text.append("\n      → " + check.remedy, style="italic")
    return text


class SelfTestScreen(Screen[list[Check]]):
    """Runs the checks, shows them, and lets the student go on or run them again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", _("Relancer le test"), id="selftest.rerun"),
        Binding("c", "proceed", _("Continuer"), id="selftest.proceed"),
    ]

    @dataclass
    class Done(Message):
        checks: list[Check]

    def __init__(self, run_checks: RunChecks) -> None:
        super().__init__()
        self._run_checks = run_checks
        self._checks: list[Check] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="selftest-box"):
            yield Static(_("Test du poste de travail"), id="selftest-title")
            yield Static(_("Vérification en cours…"), id="selftest-results")
            yield Static("", id="selftest-summary")
            with Horizontal(id="selftest-buttons"):
                yield Button(_("Relancer le test"), id="rerun")
                yield Button(_("Continuer"), id="proceed", variant="primary", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_rerun()

    def action_rerun(self) -> None:
        self.query_one("#selftest-results", Static).update(_("Vérification en cours…"))
        self.query_one("#proceed", Button).disabled = True
        self._run()

    @work(exclusive=True, group="selftest", exit_on_error=False)
    async def _run(self) -> None:
        self.post_message(self.Done(await self._run_checks()))

    def on_self_test_screen_done(self, message: Done) -> None:
        self._checks = message.checks
        lines = Text("\n").join(render_check(check) for check in message.checks)
        self.query_one("#selftest-results", Static).update(lines)
        failed = [check for check in message.checks if not check.ok]
        summary = (
            _("Poste prêt : tous les tests sont validés.")
            if not failed
            else _("{n} test(s) en échec : suivez les indications ci-dessus ou rendez compte au "
                   "formateur. Vous pouvez continuer, mais certaines fonctions manqueront.").format(
                n=len(failed)
            )
        )  # fmt: skip
        self.query_one("#selftest-summary", Static).update(summary)
        proceed = self.query_one("#proceed", Button)
        proceed.disabled = False
        proceed.focus()

    @on(Button.Pressed, "#rerun")
    def _rerun_pressed(self) -> None:
        self.action_rerun()

    @on(Button.Pressed, "#proceed")
    def _proceed_pressed(self) -> None:
        self.action_proceed()

    def action_proceed(self) -> None:
        if self._checks:
            self.dismiss(self._checks)
