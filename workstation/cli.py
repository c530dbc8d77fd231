"""The `acvd` command line.

`acvd` alone starts the workstation; sub-commands are loaded only when used, so start-up stays
fast and each command group lives in its own module of `workstation/commands/`.
"""

from __future__ import annotations

import importlib
from gettext import gettext as _
from typing import Any, NoReturn

import click

from workstation.config import ConfigError, Settings, load_settings
from workstation.i18n import requested_language, setup_language

# name -> "module:attribute" of a click command, imported on first use.
COMMANDS: dict[str, str] = {
    "check": "workstation.commands.check:check",
    "customer": "workstation.commands.customer:customer",
    "db": "workstation.commands.db:db_group",
    "journal": "workstation.commands.journal:journal_group",
    "kb": "workstation.commands.kb:kb",
    "merge": "workstation.commands.merge:merge",
    "pbx": "workstation.commands.pbx:pbx",
    "scenario": "workstation.commands.scenario:scenario",
    "seed": "workstation.commands.seed:seed",
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported only when invoked or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attribute = COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:  # before click's --help and usage errors are written
            setup_language(requested_language(args))
        return super().parse_args(ctx, args)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """The settings for this invocation: global flags, then the sub-command's own flags."""
    root = ctx.find_root()
    merged = {**root.meta.get("acvd.flags", {}), **{k: v for k, v in overrides.items() if v}}
    try:
        return load_settings(merged)
    except ConfigError as error:
        raise UserError(str(error)) from error


db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Base de données (défaut : SQLite dans le dossier de données ; "
    "ex. postgresql://hote/base).",
)


@click.group(cls=LazyGroup, invoke_without_command=True)
@db_option
@click.option("--pbx", "pbx_url", metavar="URL", help="PBX : ami://utilisateur:secret@hote:port.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Langue de l'interface.")
@click.option(
    "--shift",
    metavar="VACATION",
    help="Vacation d'entraînement : identifiant (ex. vacation-accueil-20min) ou fichier YAML.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.1, max=100),
    default=1.0,
    show_default=True,
    help="Accélération du temps (démonstrations) : 10 = dix fois plus vite.",
)
@click.pass_context
def main(
    ctx: click.Context,
    db_url: str | None,
    pbx_url: str | None,
    lang: str | None,
    shift: str | None,
    speed: float,
) -> None:
    """Poste de travail ACVD : entraînement au métier de téléconseiller."""
    ctx.meta["acvd.flags"] = {"db_url": db_url, "pbx_url": pbx_url, "lang": lang}
    settings = settings_from(ctx)
    setup_language(settings.lang)
    if ctx.invoked_subcommand is None:
        from workstation.launcher import run_workstation

        if speed != 1.0 and settings.pbx_url:
            # A classroom PBX keeps its own timers: only the built-in one can run faster.
            fail(_("--speed ne s'utilise qu'avec le PBX intégré (sans --pbx)."))

        run_workstation(settings, shift=shift, speed=speed)


class UserError(click.ClickException):
    """A message for the user, shown in French without a traceback (exit status 1)."""

    def show(self, file: Any = None) -> None:
        click.echo(_("Erreur : {message}").format(message=self.format_message()), err=True)


def fail(message: str) -> NoReturn:
    """Stop the command with a user-facing message (exit status 1)."""
    raise UserError(message)


__all__ = ["COMMANDS", "UserError", "db_option", "fail", "main", "settings_from"]
