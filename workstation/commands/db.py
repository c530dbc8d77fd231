"""`acvd db`: bring the database schema up to date and say where it stands."""

from __future__ import annotations

from gettext import gettext as _

import click
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from crm import schema
from crm.models import Customer
from crm.seeding import is_seeded
from workstation.cli import db_option, fail, settings_from
from workstation.database import DatabaseUnavailable, open_database


def _engine(ctx: click.Context, db_url: str | None) -> Engine:
    settings = settings_from(ctx, db_url=db_url)
    try:
        return open_database(settings.db_url, upgrade=False)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from error


def _unreachable(engine: Engine, error: Exception) -> None:
    fail(
        _(
            "Base de données injoignable ({url}) : {reason}. Vérifiez que le serveur est "
            "démarré et l'adresse passée à --db."
        ).format(
            url=engine.url.render_as_string(hide_password=True),
            reason=getattr(error, "orig", error),
        )
    )


@click.group("db")
def db_group() -> None:
    """Base de données : schéma et migrations."""


@db_group.command("upgrade")
@db_option
@click.pass_context
def upgrade_command(ctx: click.Context, db_url: str | None) -> None:
    """Met le schéma de la base à jour (sans effet si elle l'est déjà)."""
    engine = _engine(ctx, db_url)
    try:
        before = schema.current_revision(engine)
        after = schema.upgrade(engine)
    except OperationalError as error:
        _unreachable(engine, error)
        return
    finally:
        engine.dispose()
    if before == after:
        click.echo(_("La base est déjà à jour (révision {revision}).").format(revision=after))
    else:
        click.echo(
            _("Base mise à jour : {before} → {after}.").format(
                before=before or _("base vide"), after=after
            )
        )


@db_group.command("status")
@db_option
@click.pass_context
def status_command(ctx: click.Context, db_url: str | None) -> None:
    """Indique la base utilisée, sa révision et si l'entreprise de démonstration y est."""
    engine = _engine(ctx, db_url)
    head = schema.head_revision()
    try:
        current = schema.current_revision(engine)
        seeded = customers = None
        if current == head:
            seeded = is_seeded(engine)
            with engine.connect() as connection:
                customers = connection.execute(
                    select(func.count()).select_from(Customer)
                ).scalar_one()
    except (OperationalError, ProgrammingError) as error:
        _unreachable(engine, error)
        return
    finally:
        engine.dispose()
    click.echo(_("Base : {url}").format(url=engine.url.render_as_string(hide_password=True)))
    if current is None:
        click.echo(_("Schéma : base vide — lancez « acvd db upgrade »."))
    elif current != head:
        click.echo(
            _("Schéma : révision {current}, en retard sur {head} — lancez « acvd db upgrade ».")
            .format(current=current, head=head)
        )  # fmt: skip
    else:
        click.echo(_("Schéma : à jour (révision {head}).").format(head=head))
    if seeded:
        click.echo(
            _("Entreprise de démonstration : présente ({count} clients).").format(count=customers)
        )
    elif seeded is not None:
        click.echo(_("Entreprise de démonstration : absente — lancez « acvd seed »."))
