"""The workstation application: a thin shell that wires services and chains the screens.

Behaviour lives in the screens and in the application services (`workstation/*.py`); the
App knows the order (log in, run the self-test, work at the desk), the journal of the shift,
and how the last action was given (keyboard or mouse, C2.3).
"""

from __future__ import annotations

import asyncio
import importlib
import random
from gettext import gettext as _
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

from cti.ami.errors import AmiError
from workstation.tui.screens.login import LoginScreen

# Only the login screen is drawn at start-up: what comes after it (the CRM models, the
# self-test, the desk's services, the journal) is imported when it is needed, so the
# student sees the screen sooner (bench_cold_start.py).
if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from crm.services.callers import Caller
    from crm.views import UserView
    from cti.agent import Agent
    from workstation.action_journal import ActionJournal
    from workstation.demo_calls import DemoCaller
    from workstation.desk_services import DeskServices
    from workstation.practice.debrief import Debrief
    from workstation.practice.scenario import ShiftScenario
    from workstation.practice.scenario_file import ScenarioLibrary
    from workstation.practice.shift import PracticeShift
    from workstation.runtime import Runtime
    from workstation.selftest import Check
    from workstation.telephony import Telephony

#: What the screens after login need first (the journal, the self-test and its probe of the
#: PBX), imported in the login worker once the password is accepted.
AFTER_LOGIN = ("workstation.action_journal", "workstation.tui.screens.selftest", "cti.agent",
               "cti.pbx")  # fmt: skip


class AcvdApp(App[None]):
    """One student (or trainer) at one workstation for one shift."""

    CSS_PATH = "app.tcss"
    TITLE = "Orbelia Télécom"

    def __init__(
        self,
        runtime: Runtime,
        telephony: Telephony,
        demo_calls: bool = True,
        practice: tuple[ShiftScenario, ScenarioLibrary] | None = None,
    ) -> None:
        super().__init__()
        self.runtime = runtime
        self.telephony = telephony
        self.demo_calls = demo_calls
        #: The practice shift to run (issue 8); without one, demo customers call now and then.
        self.practice = practice
        self.practice_shift: PracticeShift | None = None
        self.user: UserView | None = None
        self.journal: ActionJournal | None = None
        self.demo_caller: DemoCaller | None = None
        #: "keyboard" or "mouse": how the last action was given (C2.3, keyboard use).
        self.input_source = "keyboard"

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.input_source = "keyboard"
        elif isinstance(event, events.MouseDown):
            self.input_source = "mouse"
        await super().on_event(event)

    def on_mount(self) -> None:
        self.sub_title = _("Poste de travail ACVD")
        login = LoginScreen(self._authenticate, company="Orbelia Télécom")
        self.push_screen(login, self._logged_in)

    def _authenticate(self, name: str, password: str) -> UserView:
        """The login screen's check. It runs in the screen's worker thread: the CRM models,
        then the modules of the next screens, are imported there, off the UI loop."""
        from crm.services.users import authenticate

        user = authenticate(self.runtime.session_factory, name, password)
        for module in AFTER_LOGIN:
            importlib.import_module(module)
        return user

    def record(
        self, kind: str, payload: dict[str, Any] | None = None, call_id: str | None = None
    ) -> None:
        """Journal one action or event of the shift (DESIGN principle 3)."""
        if self.journal is not None:
            self.journal.record(kind, payload, call_id)
        if self.practice_shift is not None:  # the simulated customer reacts to desk actions
            self.practice_shift.observe(kind, payload or {}, call_id)

    def action_help(self) -> None:
        """F1: the keys of the screen, in French, beside it."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # --- the sequence of screens ------------------------------------------------------------

    def _logged_in(self, user: UserView | None) -> None:
        if user is None:
            return
        self.user = user
        self.sub_title = f"{user.display_name} — " + (
            _("poste {ext}").format(ext=user.extension) if user.extension else _("sans poste")
        )
        self.run_worker(self._open_shift(user), group="shift", exit_on_error=False)

    async def _open_shift(self, user: UserView) -> None:
        from workstation.action_journal import ActionJournal
        from workstation.tui.screens.selftest import SelfTestScreen

        title = _("Vacation de {name}").format(name=user.display_name)
        self.journal = await asyncio.to_thread(
            ActionJournal.start, self.runtime.engine, user.login, self.runtime.clock, title
        )
        self.record("shift.start", {"pbx": self.telephony.description})
        self.record("session.login", {"login": user.login, "role": user.role,
                                      "source": self.input_source})  # fmt: skip
        self.push_screen(SelfTestScreen(self._selftest), self._selftest_done)

    async def _selftest(self) -> list[Check]:
        from workstation.selftest import run_selftest

        assert self.user is not None
        checks = await run_selftest(self.runtime, self.user, self.telephony.probe)
        self.record("selftest.result", {c.code: "ok" if c.ok else c.detail for c in checks})
        return checks

    def _selftest_done(self, checks: list[Check] | None) -> None:
        self.record("selftest.accepted", {"failed": [c.code for c in checks or [] if not c.ok]})
        self.run_worker(self._open_desk(), group="shift", exit_on_error=False)

    async def _open_desk(self) -> None:
        from workstation.tui.screens.desk import DeskScreen
        from workstation.tui.screens.selftest import SelfTestScreen

        assert self.user is not None
        if not self.user.extension:
            self.notify(
                _("Ce compte n'a pas de poste téléphonique : le poste de travail demande une "
                  "extension. Consultez les vacations avec « acvd journal »."),
                severity="warning", timeout=15,
            )  # fmt: skip
            return
        try:
            agent = await self.telephony.agent_for(self.user.extension, self.user.display_name)
        except AmiError as error:  # shown to the student, who can rerun the self-test
            self.notify(_("Téléphonie indisponible : {e}").format(e=error), severity="error")
            self.push_screen(SelfTestScreen(self._selftest), self._selftest_done)
            return
        shift_id = self.journal.shift_id if self.journal else None
        services = await asyncio.to_thread(_desk_services, self.runtime, self.user, shift_id)
        if self.practice is not None:
            services.team.practice_objectives = dict(self.practice[0].objectives)
        await self.push_screen(DeskScreen(agent, services, self.user.role, self.user.id))
        if self.practice is not None:
            await self._start_practice(agent)
        elif self.demo_calls and self.telephony.server is not None:
            callers = await asyncio.to_thread(_callers, self.runtime.session_factory, 300)
            from workstation.demo_calls import DemoCaller  # its imports are loaded now

            self.demo_caller = DemoCaller(
                self.telephony.server, agent, self.runtime.clock, callers, random.Random()
            )
            self.run_worker(self.demo_caller.run(), group="demo-calls", exit_on_error=False)

    async def _start_practice(self, agent: Agent) -> None:
        from workstation.practice.shift import PracticeDesk, PracticeShift, services_by_extension

        assert self.practice is not None and self.user is not None
        shift, library = self.practice
        extensions = await asyncio.to_thread(services_by_extension, self.runtime.session_factory)
        desk = PracticeDesk(
            clock=self.runtime.clock,
            agent=agent,
            open_client=self.telephony.open_customer_client,
            record=self.record,
            session_factory=self.runtime.session_factory,
            student_login=self.user.login,
            student_name=self.user.display_name,
            services_by_extension=extensions,
            on_debrief=lambda result: self._show_debrief(library, result),
        )
        self.practice_shift = PracticeShift(shift, library, desk)
        self.notify(
            _("Vacation d'entraînement « {title} » : connectez-vous aux files (F3), les clients "
              "appellent dès que vous êtes disponible ; F12 pour leur parler.").format(
                title=shift.title),
            timeout=15,
        )  # fmt: skip
        self.run_worker(self._run_practice(self.practice_shift), group="practice",
                        exit_on_error=False)  # fmt: skip

    def _show_debrief(self, library: ScenarioLibrary, result: Debrief) -> None:
        from workstation.practice.debrief import summary

        title = library.call(result.scenario).title
        self.notify(summary(result, title), title=_("Débriefing de l'appel"), timeout=20)

    async def _run_practice(self, practice: PracticeShift) -> None:
        try:
            await practice.run()
        except AmiError as error:
            self.notify(_("Vacation interrompue : {e}").format(e=error), severity="error")
            return
        self.notify(
            _("Fin de la vacation « {title} » : {n} appel(s). Consultez le journal avec "
              "« acvd journal show ».").format(title=practice.shift.title,
                                                n=len(practice.endings)),
            timeout=30,
        )  # fmt: skip

    async def on_unmount(self) -> None:
        if self.practice_shift is not None:
            await self.practice_shift.close()
            self.practice_shift = None
        await self.telephony.close()
        if self.journal is not None:
            self.record("session.logout", {"source": self.input_source})
            journal, self.journal = self.journal, None
            await asyncio.to_thread(journal.close, {"reason": "fin de session"})


# Called through asyncio.to_thread: their modules (a tenth of a second) load in the thread.
def _desk_services(runtime: Runtime, user: UserView, shift_id: str | None) -> DeskServices:
    from workstation.desk_services import build_desk_services

    return build_desk_services(runtime, user, shift_id)


def _callers(session_factory: sessionmaker, count: int) -> tuple[Caller, ...]:
    from crm.services.callers import sample_callers

    return sample_callers(session_factory, count)
