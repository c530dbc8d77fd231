"""`acvd journal`: list, show and verify the action journal (DESIGN principle 3)."""

from __future__ import annotations

import json
from gettext import gettext as _
from zoneinfo import ZoneInfo

import click
from babel.dates import format_datetime
from sqlalchemy import Engine

from crm import journal
from workstation.cli import db_option, fail, settings_from
from workstation.database import DatabaseUnavailable, open_database

# The shifts happen in France: times are shown in Paris time.
DISPLAY_ZONE = ZoneInfo("Europe/Paris")


def _engine(ctx: click.Context, db_url: str | None) -> Engine:
    settings = settings_from(ctx, db_url=db_url)
    try:
        return open_database(settings.db_url)
    except DatabaseUnavailable as error:
        fail(str(error))


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def format_timeline(shift: journal.Shift, entries: list[journal.JournalEntry]) -> list[str]:
    """A readable timeline: local time, elapsed seconds, call, kind, payload."""
    started = format_datetime(
        shift.started_at, "EEEE d MMMM y HH:mm:ss", tzinfo=DISPLAY_ZONE, locale="fr_FR"
    )
    lines = [
        _("Vacation {shift} — agent {agent}{title}").format(
            shift=shift.shift_id,
            agent=shift.agent,
            title=f" — {shift.title}" if shift.title else "",
        ),
        _("Début : {start} (heure de Paris), {n} entrées{state}").format(
            start=started,
            n=len(entries),
            state="" if shift.ended_at else _(" — vacation non clôturée"),
        ),
        "",
    ]
    origin = entries[0].mono_ns if entries else 0
    for entry in entries:
        local = entry.wall_time.astimezone(DISPLAY_ZONE).strftime("%H:%M:%S.%f")[:-3]
        elapsed = f"+{(entry.mono_ns - origin) / 1e9:9.3f} s".replace(".", ",")
        call = entry.call_id or "-"
        details = " ".join(f"{key}={_text(value)}" for key, value in entry.payload.items())
        lines.append(
            f"{entry.seq:5d}  {local}  {elapsed}  {call:<16}  {entry.kind:<22}  {details}".rstrip()
        )
    return lines


@click.group()
def journal_group() -> None:
    """Journal des actions : consulter et vérifier les vacations."""


@journal_group.command("list")
@db_option
@click.option("--agent", help="Seulement les vacations de cet agent (identifiant).")
@click.pass_context
def list_command(ctx: click.Context, db_url: str | None, agent: str | None) -> None:
    """Liste les vacations, de la plus récente à la plus ancienne."""
    engine = _engine(ctx, db_url)
    shifts = journal.list_shifts(engine, agent=agent)
    if not shifts:
        click.echo(_("Aucune vacation enregistrée."))
    for shift in shifts:
        started = shift.started_at.astimezone(DISPLAY_ZONE).strftime("%d/%m/%Y %H:%M")
        count = journal.count_entries(engine, shift.shift_id)
        state = "" if shift.ended_at else _(" (en cours ou interrompue)")
        click.echo(
            f"{shift.shift_id}  {started}  {shift.agent:<12} {count:5d}  {shift.title}{state}"
        )


@journal_group.command("show")
@click.argument("shift_id")
@db_option
@click.pass_context
def show_command(ctx: click.Context, shift_id: str, db_url: str | None) -> None:
    """Affiche la chronologie d'une vacation."""
    engine = _engine(ctx, db_url)
    try:
        shift = journal.get_shift(engine, shift_id)
    except journal.JournalError as error:
        fail(str(error))
    for line in format_timeline(shift, list(journal.iter_entries(engine, shift_id))):
        click.echo(line)


@journal_group.command("verify")
@click.argument("shift_id", required=False)
@db_option
@click.pass_context
def verify_command(ctx: click.Context, shift_id: str | None, db_url: str | None) -> None:
    """Vérifie le chaînage du journal (toutes les vacations, ou une seule).

    Code de sortie 1 et première entrée fautive nommée si une entrée a été modifiée,
    supprimée ou insérée.
    """
    engine = _engine(ctx, db_url)
    try:
        if shift_id:
            problem = journal.verify_shift(engine, shift_id)
            problems = [problem] if problem else []
            checked = 1
        else:
            problems = journal.verify_all(engine)
            checked = len(journal.list_shifts(engine))
    except journal.JournalError as error:
        fail(str(error))
    for problem in problems:
        click.echo(_("Journal altéré : {what}").format(what=problem.describe()), err=True)
    if problems:
        ctx.exit(1)
    click.echo(_("Journal intact : {n} vacation(s) vérifiée(s).").format(n=checked))
