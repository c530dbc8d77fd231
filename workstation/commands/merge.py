"""`acvd merge`: letter templates merged with records into .docx (C3.3).

`fields` lists what a template needs (and what a record lacks); `one` merges one record, read
from a JSON file or from a customer of the CRM (`--customer CL0000003`, completed by the JSON
file for what the CRM does not hold: Conseiller, Service, Reference…); `batch` merges a CSV or
JSON list into one file per letter or one document. Outputs never
overwrite a file silently: a taken name gets "-2", "-3"…, or, with `--no-clobber`, the command
stops before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from gettext import gettext as _
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from mailmerge import (
    MergeError,
    Template,
    convert_to_pdf,
    merge_batch,
    merge_one,
    preview_record,
    read_one,
    read_records,
)
from mailmerge.batch import file_stem
from mailmerge.output import ensure_directory
from workstation.cli import db_option, fail, settings_from

template_argument = click.argument(
    "template", type=click.Path(dir_okay=False, path_type=Path), metavar="MODELE.docx"
)
allow_missing_option = click.option(
    "--allow-missing",
    is_flag=True,
    help="Fusionner même si des valeurs manquent (les champs restent vides).",
)
no_clobber_option = click.option(
    "--no-clobber",
    is_flag=True,
    help="Refuser d'écrire si un fichier du même nom existe (par défaut : suffixe -2, -3…).",
)
name_option = click.option(
    "--name",
    "name_pattern",
    metavar="MOTIF",
    help="Nom des fichiers, avec des champs entre accolades : « {NumeroClient}-{Nom} » ; "
    "{n} donne le numéro de la lettre.",
)
pdf_option = click.option(
    "--pdf", is_flag=True, help="Produire aussi le PDF avec LibreOffice (s'il est installé)."
)


def _template(path: Path) -> Template:
    try:
        return Template.open(path)
    except MergeError as error:
        fail(str(error))
        raise  # unreachable: fail() raises


@click.group("merge")
def merge() -> None:
    """Lettres-types : champs de fusion, fusion d'un enregistrement ou d'une liste (C3.3)."""


@merge.command("fields")
@template_argument
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Enregistrement JSON à vérifier : liste les valeurs manquantes.",
)
def fields_command(template: Path, data_file: Path | None) -> None:
    """Lister les champs d'un modèle, avec leur description et les champs inconnus."""
    compiled = _template(template)
    if not compiled.fields:
        click.echo(_("« {name} » ne contient aucun champ de fusion.").format(name=template.name))
        return
    width = max(len(f.name) for f in compiled.fields)
    for info in compiled.fields:
        places = ", ".join(info.places)
        if info.variable is not None:
            line = f"{info.name:<{width}}  {info.variable.kind:<8}  {info.variable.description}"
        else:
            hint = (
                _(" — vouliez-vous dire : {names} ?").format(names=", ".join(info.suggestions))
                if info.suggestions
                else ""
            )
            line = f"{info.name:<{width}}  {'?':<8}  " + _("CHAMP INCONNU") + hint
        extras = [places]
        if info.optional:
            extras.append(_("facultatif : dans une condition SI"))
        click.echo(f"{line} ({'; '.join(extras)})")
    report = None
    if data_file is not None:
        try:
            report = compiled.check(read_one(data_file))
        except MergeError as error:
            fail(str(error))
    unknown = [f.name for f in compiled.fields if f.variable is None]
    if unknown:
        click.echo(
            _("{count} champ(s) inconnu(s) du vocabulaire : {names}.").format(
                count=len(unknown), names=", ".join(unknown)
            ),
            err=True,
        )
    if report is not None:
        if report.missing:
            fail(
                _("Valeurs manquantes dans « {data} » : {names}.").format(
                    data=data_file.name if data_file else "", names=", ".join(report.missing)
                )
            )
        click.echo(_("Toutes les valeurs nécessaires sont présentes."))


def _pdf(paths: tuple[Path, ...], no_clobber: bool) -> None:
    for path in paths:
        try:
            pdf = convert_to_pdf(path, path.parent, no_clobber=no_clobber)
        except MergeError as error:
            fail(str(error))
        click.echo(_("PDF : {path}").format(path=pdf))


def _crm_record(ctx: click.Context, number: str, db_url: str | None) -> dict[str, object]:
    """Read one customer through the CRM services (imported only when asked for)."""
    from crm.db import make_engine, make_session_factory
    from crm.errors import CrmError
    from crm.schema import is_up_to_date
    from crm.services.customers import customer_card, find_by_number
    from workstation.letters_desk import customer_record

    settings = settings_from(ctx, db_url=db_url)
    engine = make_engine(settings.db_url)
    try:
        if not is_up_to_date(engine):
            fail(_("La base de données n'est pas initialisée : lancez d'abord le poste (acvd)."))
        factory = make_session_factory(engine)
        now = datetime.now(UTC)
        summary = find_by_number(factory, number)
        if summary is None:
            fail(_("Client introuvable : « {number} ».").format(number=number))
            raise AssertionError  # unreachable: fail() raises
        card = customer_card(factory, summary.id, now=now)
    except CrmError as error:
        fail(error.message)
        raise  # unreachable: fail() raises
    finally:
        engine.dispose()
    return customer_record(card, now.astimezone(ZoneInfo("Europe/Paris")).date())


@merge.command("one")
@template_argument
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Enregistrement à fusionner (JSON : un objet) ; avec --customer, il complète la "
    "fiche du client (Conseiller, Service, Reference…).",
)
@click.option(
    "--customer",
    "customer_number",
    metavar="NUMERO",
    help="Client du CRM dont la fiche remplit les champs (ex. CL0000003).",
)
@db_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de sortie (sans --out, --preview affiche la lettre sans rien écrire).",
)
@click.option("--preview", is_flag=True, help="Afficher la lettre en texte dans le terminal.")
@name_option
@allow_missing_option
@no_clobber_option
@pdf_option
@click.pass_context
def one_command(
    ctx: click.Context,
    template: Path,
    data_file: Path | None,
    customer_number: str | None,
    db_url: str | None,
    out_dir: Path | None,
    preview: bool,
    name_pattern: str | None,
    allow_missing: bool,
    no_clobber: bool,
    pdf: bool,
) -> None:
    """Fusionner un enregistrement dans un modèle : une lettre .docx."""
    if out_dir is None and not preview:
        fail(_("Indiquez le dossier de sortie (--out) ou demandez un aperçu (--preview)."))
    if data_file is None and customer_number is None:
        fail(_("Indiquez l'enregistrement : --data FICHIER.json ou --customer NUMERO."))
    compiled = _template(template)
    try:
        record: dict[str, object] = {}
        if customer_number is not None:
            record.update(_crm_record(ctx, customer_number, db_url))
        if data_file is not None:
            record.update(read_one(data_file))
        compiled.require(record, allow_missing)
        if preview:
            click.echo(preview_record(compiled, record))
        if out_dir is None:
            return
        ensure_directory(out_dir)
        target = out_dir
        if name_pattern:
            target = out_dir / f"{file_stem(compiled, record, 1, name_pattern)}.docx"
        path = merge_one(
            compiled, record, target, allow_missing=allow_missing, no_clobber=no_clobber
        )
    except (MergeError, OSError) as error:
        fail(str(error))
    click.echo(_("Lettre écrite : {path}").format(path=path))
    if pdf:
        _pdf((path,), no_clobber)


def _first(records: Iterator[Mapping[str, object]]) -> Mapping[str, object]:
    for record in records:
        return record
    raise MergeError(_("Aucun enregistrement à fusionner : le fichier est vide."))


@merge.command("batch")
@template_argument
@click.option(
    "--data",
    "data_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Liste à fusionner : CSV (export Excel, « ; » ou « , ») ou JSON (liste d'objets).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier de sortie.",
)
@click.option(
    "--single-file",
    is_flag=True,
    help="Un seul document, chaque lettre commençant sur une nouvelle page.",
)
@click.option(
    "--preview", is_flag=True, help="Afficher seulement la première lettre, sans rien écrire."
)
@name_option
@allow_missing_option
@no_clobber_option
@pdf_option
def batch_command(
    template: Path,
    data_file: Path,
    out_dir: Path,
    single_file: bool,
    preview: bool,
    name_pattern: str | None,
    allow_missing: bool,
    no_clobber: bool,
    pdf: bool,
) -> None:
    """Fusionner une liste : une lettre par enregistrement, ou un seul document."""
    compiled = _template(template)
    try:
        if preview:
            record = _first(read_records(data_file))
            compiled.require(record, allow_missing)
            click.echo(preview_record(compiled, record))
            return
        result = merge_batch(
            compiled,
            read_records(data_file),
            out_dir,
            single_file=single_file,
            name_pattern=name_pattern,
            allow_missing=allow_missing,
            no_clobber=no_clobber,
        )
    except (MergeError, OSError) as error:
        fail(str(error))
    if single_file:
        click.echo(
            _("{count} lettre(s) dans {path}").format(count=result.letters, path=result.paths[0])
        )
    else:
        click.echo(
            _("{count} lettre(s) écrite(s) dans {path}").format(count=result.letters, path=out_dir)
        )
    if pdf:
        _pdf(result.paths, no_clobber)
