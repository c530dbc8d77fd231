"""`acvd scenario check`: a trainer checks scenario files before a class (issue 8, DESIGN 8).

Each valid file gets a « ✓ fichier — titre » line; each problem goes to stderr as
`fichier:ligne: champ « x » : message`, and the command exits with status 1.
"""

from __future__ import annotations

from gettext import gettext as _
from pathlib import Path

import click

from workstation.cli import fail
from workstation.practice.scenario_file import check_paths


@click.group("scenario")
def scenario() -> None:
    """Scénarios d'entraînement : appels, messages et vacations des formateurs."""


@scenario.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Vérifier des fichiers de scénario, ou chaque *.yaml d'un dossier (code 1 si erreur).

    Un dossier est vérifié comme un ensemble, avec son common.yaml (sinon celui des
    scénarios fournis) : identifiants uniques, appels et messages des vacations existants.
    """
    results = check_paths(paths)
    failed = 0
    problems = 0
    for result in results:
        if result.ok:
            click.echo(f"✓ {result.path} — {result.title}")
            continue
        failed += 1
        problems += len(result.problems)
        for problem in result.problems:
            click.echo(problem, err=True)
    if failed:
        fail(
            _("{problems} problème(s) dans {files} fichier(s) sur {total}.").format(
                problems=problems, files=failed, total=len(results)
            )
        )
