"""Logging in to the workstation (C2.1 "se connecter")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from gettext import gettext as _
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from crm.errors import CrmError

if TYPE_CHECKING:  # the CRM's views load with the check of the password, after drawing
    from crm.views import UserView

Authenticate = Callable[[str, str], "UserView"]


class LoginScreen(Screen["UserView"]):
    """Login and password; dismisses with the authenticated user."""

    AUTO_FOCUS = "#login"

    @dataclass
    class Refused(Message):
        reason: str

    def __init__(self, authenticate: Authenticate, company: str) -> None:
        super().__init__()
        self._authenticate = authenticate
        self._company = company

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(self._company, id="login-company")
            yield Static(_("Poste de travail du téléconseiller"), id="login-title")
            yield Label(_("Identifiant"))
            yield Input(id="login", placeholder=_("ex. eleve"))
            yield Label(_("Mot de passe"))
            yield Input(id="password", password=True)
            yield Button(_("Se connecter"), id="connect", variant="primary")
            yield Static("", id="login-error")
            yield Static(
                _("Comptes de démonstration : eleve / eleve · formateur / formateur · jury / jury"),
                id="login-hint",
            )
        yield Footer()

    @on(Input.Submitted, "#login")
    def _next_field(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#connect")
    def _submit(self) -> None:
        login = self.query_one("#login", Input).value
        password = self.query_one("#password", Input).value
        self.query_one("#login-error", Static).update(_("Connexion…"))
        self._check(login, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def _check(self, login: str, password: str) -> None:
        try:
            user = self._authenticate(login, password)
        except CrmError as error:
            self.post_message(self.Refused(str(error)))
            return
        self.app.call_from_thread(self.dismiss, user)

    def on_login_screen_refused(self, message: Refused) -> None:
        self.query_one("#login-error", Static).update(message.reason)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
