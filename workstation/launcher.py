"""`acvd` with no sub-command: prepare the embedded default on first run, then the TUI."""

from __future__ import annotations

from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy import Engine, text

from workstation.clock import Clock, ScaledClock, SystemClock
from workstation.config import Settings
from workstation.database import DatabaseUnavailable
from workstation.runtime import Runtime, build_runtime
from workstation.telephony import Telephony

if TYPE_CHECKING:
    from workstation.practice.scenario import ShiftScenario
    from workstation.practice.scenario_file import ScenarioLibrary


def prepare(settings: Settings, speed: float = 1.0) -> Runtime:
    """Open (and migrate) the database; on an empty one, create the demo company."""
    clock: Clock = SystemClock() if speed == 1.0 else ScaledClock(speed)
    try:
        runtime = build_runtime(settings, clock)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from error

    if _has_users(runtime.engine):
        return runtime
    # Only an empty database needs the seeder (and Faker): ~10% of start-up imports.
    from crm.seeding import SeedError
    from workstation.demo_company import ensure_demo_company

    def progress(done: int, total: int) -> None:
        click.echo(
            "\r"
            + _("Création de l'entreprise de démonstration : {done} / {total} clients").format(
                done=done, total=total
            ),
            nl=done == total,
            err=True,
        )

    try:
        report = ensure_demo_company(runtime.engine, clock.now(), progress)
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    if report is not None:
        click.echo(_("Entreprise Orbelia Télécom prête ({n} clients).").format(n=report.customers))
    return runtime


def _has_users(engine: Engine) -> bool:
    """Whether someone can log in already: then the company is there (`is_seeded` holds)."""
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None


def load_practice(name: str) -> tuple[ShiftScenario, ScenarioLibrary]:
    """The practice shift `name`: a seed shift's id, or a shift file (issue 8)."""
    from workstation.practice.scenario import ShiftScenario
    from workstation.practice.scenario_file import (
        SCENARIOS_DIR,
        ScenarioError,
        load_file,
        load_library,
    )

    path = Path(name)
    try:
        if path.suffix in (".yaml", ".yml"):
            if not path.is_file():
                raise click.ClickException(_("Fichier introuvable : {path}").format(path=path))
            scenario, library = load_file(path)
            if not isinstance(scenario, ShiftScenario):
                raise click.ClickException(
                    _("{path} n'est pas une vacation (kind: shift).").format(path=path)
                )
            return scenario, library
        library = load_library(SCENARIOS_DIR)
    except ScenarioError as error:
        raise click.ClickException(str(error)) from error
    try:
        return library.shift(name), library
    except KeyError:
        known = ", ".join(shift.id for shift in library.shifts)
        raise click.ClickException(
            _("Vacation inconnue : « {name} ». Vacations disponibles : {known}.").format(
                name=name, known=known
            )
        ) from None


def run_workstation(settings: Settings, shift: str | None = None, speed: float = 1.0) -> None:
    """Start the workstation on the settings' database and PBX, with a practice shift if
    asked, its clock `speed` times faster if asked (demos, rehearsals)."""
    practice = load_practice(shift) if shift else None
    runtime = prepare(settings, speed)
    from workstation.tui.app import AcvdApp

    try:
        AcvdApp(runtime, Telephony(runtime.clock, settings.pbx_url), practice=practice).run()
    finally:
        runtime.close()
