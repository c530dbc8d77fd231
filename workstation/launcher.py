"""`acvd` with no sub-command: prepare the embedded default on first run, then the TUI."""

from __future__ import annotations

from gettext import gettext as _

import click
from sqlalchemy import Engine, text

from workstation.clock import SystemClock
from workstation.config import Settings
from workstation.database import DatabaseUnavailable
from workstation.runtime import Runtime, build_runtime
from workstation.telephony import Telephony


def prepare(settings: Settings) -> Runtime:
    """Open (and migrate) the database; on an empty one, create the demo company."""
    clock = SystemClock()
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


def run_workstation(settings: Settings) -> None:
    """Start the workstation on the settings' database and PBX."""
    runtime = prepare(settings)
    from workstation.tui.app import AcvdApp

    try:
        AcvdApp(runtime, Telephony(runtime.clock, settings.pbx_url)).run()
    finally:
        runtime.close()
