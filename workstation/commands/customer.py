"""`acvd customer`: the trainer's console, to play the customer of a student's call live.

It joins the class's PBX (`--ami`, else `--pbx` / ACVD_PBX, else `acvd pbx serve` on
127.0.0.1:5038) and journals the trainer's side in the class's database (`--db` / ACVD_DB),
where the grader finds it next to the student's shift. `acvd pbx customer` stays the
line-based variant for a plain terminal.
"""

from __future__ import annotations

from gettext import gettext as _

import click

from workstation.cli import db_option, fail, settings_from
from workstation.clock import SystemClock


@click.command()
@click.option(
    "--ami",
    "ami_url",
    metavar="URL",
    help="PBX : ami://utilisateur:secret@hote:port (défaut : --pbx / ACVD_PBX, sinon le PBX "
    "servi par « acvd pbx serve » sur 127.0.0.1:5038).",
)
@click.option("--poste", "extension", default="", help="Poste de l'élève choisi au départ.")
@click.option(
    "--login",
    "trainer",
    default="formateur",
    show_default=True,
    help="Nom du formateur dans le journal.",
)
@db_option
@click.pass_context
def customer(
    ctx: click.Context, ami_url: str | None, extension: str, trainer: str, db_url: str | None
) -> None:
    """Console du formateur : appeler un élève (ou prendre son appel) et jouer le client."""
    from crm.db import make_session_factory
    from cti.ami.client import parse_ami_url
    from cti.ami.errors import InvalidAmiUrl
    from cti.pbx.config import CTI_PLACEHOLDER_SECRET, CTI_USERNAME
    from seed_data import SEED_DIR
    from workstation.database import DatabaseUnavailable, open_database
    from workstation.role_play import company_setup, start_trainer_journal, students
    from workstation.tui.customer_console import CustomerConsole

    settings = settings_from(ctx, db_url=db_url)
    default = f"ami://{CTI_USERNAME}:{CTI_PLACEHOLDER_SECRET}@127.0.0.1:5038"
    try:
        url = parse_ami_url(ami_url or settings.pbx_url or default)
    except InvalidAmiUrl as error:
        fail(str(error))
    extensions, targets = company_setup(SEED_DIR / "company.yaml")
    if extension and (not extension.isdigit() or int(extension) not in extensions):
        fail(
            _("Poste d'élève inconnu : « {ext} » ({first} à {last}).").format(
                ext=extension, first=extensions[0], last=extensions[-1]
            )
        )
    try:
        engine = open_database(settings.db_url)
    except DatabaseUnavailable as error:
        fail(str(error))
    clock = SystemClock()
    factory = make_session_factory(engine)
    journal = start_trainer_journal(engine, trainer, clock)
    try:
        CustomerConsole(
            url,
            clock,
            students=students(extensions, factory),
            targets=targets,
            journal=journal,
            session_factory=factory,
            extension=extension,
        ).run()
    finally:
        journal.end_shift()
        journal.close()
        engine.dispose()
    click.echo(
        _("Jeu de rôle enregistré dans le journal : vacation {shift}.").format(
            shift=journal.shift_id
        )
    )
