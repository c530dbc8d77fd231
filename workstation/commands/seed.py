"""`acvd seed`: create the demo company Orbelia Télécom in an empty database."""

from __future__ import annotations

import sys
import time
from gettext import gettext as _

import click
from babel.numbers import format_decimal

from crm.seeding import SeedError
from workstation.cli import db_option, fail, settings_from
from workstation.clock import SystemClock
from workstation.database import DatabaseUnavailable, open_database
from workstation.demo_company import create_demo_company


def _number(value: float) -> str:
    return format_decimal(value, format="#,##0", locale="fr_FR")


class _Progress:
    """Progress on stderr: one updated line on a terminal, every 10 % otherwise."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.next_tenth = 1

    def __call__(self, done: int, total: int) -> None:
        rate = done / max(time.monotonic() - self.started, 1e-9)
        line = _("Clients : {done} / {total} ({rate} clients/s)").format(
            done=_number(done), total=_number(total), rate=_number(rate)
        )
        if self.tty:
            click.echo("\r" + line, nl=done == total, err=True)
        elif done * 10 >= self.next_tenth * total or done == total:
            click.echo(line, err=True)
            self.next_tenth = done * 10 // total + 1


@click.command("seed")
@click.option(
    "--customers",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Nombre de clients (les clients fixes de customers.yaml compris).",
)
@click.option(
    "--seed",
    "seed",
    type=int,
    default=42,
    show_default=True,
    help="Graine du tirage : la même graine donne la même entreprise.",
)
@db_option
@click.pass_context
def seed(ctx: click.Context, customers: int, seed: int, db_url: str | None) -> None:
    """Crée l'entreprise de démonstration Orbelia Télécom dans une base vide."""
    settings = settings_from(ctx, db_url=db_url)
    try:
        engine = open_database(settings.db_url)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from error
    started = time.monotonic()
    try:
        report = create_demo_company(
            engine, SystemClock().now(), customers=customers, seed=seed, progress=_Progress()
        )
    except SeedError as error:
        fail(str(error))
        return
    finally:
        engine.dispose()
    elapsed = time.monotonic() - started
    rows = report.rows
    click.echo(
        _(
            "Entreprise Orbelia Télécom créée : {customers} clients, {invoices} factures "
            "({overdue} clients en retard de paiement), {interactions} contacts dans "
            "l'historique, {entries} clients à appeler dans {campaigns} campagnes."
        ).format(
            customers=_number(report.customers),
            invoices=_number(rows["invoices"]),
            overdue=_number(report.overdue_customers),
            interactions=_number(rows["interactions"]),
            entries=_number(rows["call_list_entries"]),
            campaigns=rows["campaigns"],
        )
    )
    roles = {"student": _("élève"), "trainer": _("formateur"), "grader": _("jury")}
    click.echo(
        _("Comptes : {accounts}.").format(
            accounts=", ".join(
                f"{login} ({roles.get(role, role)})" for login, role in report.accounts
            )
        )
    )
    click.echo(
        _(
            "Mots de passe : ceux de demo_accounts dans company.yaml ; pour les élèves "
            "ajoutés (eleve2…), l'identifiant."
        )
    )
    click.echo(
        _("Durée : {seconds} s ({rate} clients/s).").format(
            seconds=format_decimal(round(elapsed, 1), locale="fr_FR"),
            rate=_number(report.customers / max(elapsed, 1e-9)),
        )
    )
