"""`acvd kb`: build the knowledge-base index, search it and read an article (C2.2, C2.3).

The command line is read-only like the workstation: trainers change articles as files and
run `acvd kb index`. Every command takes `--role` (student by default): a role sees only the
bases `bases.yaml` opens to it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from gettext import gettext as _
from pathlib import Path

import click

from kb.articles import ROLES
from kb.errors import KbError
from kb.index import build_index
from kb.search import KnowledgeBase, SearchResults
from seed_data import SEED_DIR
from workstation.cli import fail, settings_from

content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des articles (défaut : les bases fournies avec le poste).",
)
role_option = click.option(
    "--role",
    type=click.Choice(ROLES),
    default="student",
    show_default=True,
    help="Rôle du lecteur : il ne voit que les bases ouvertes à ce rôle.",
)


def _paths(ctx: click.Context, content_dir: Path | None) -> tuple[Path, Path]:
    return (content_dir or SEED_DIR / "kb"), settings_from(ctx).kb_index_dir


def _open(ctx: click.Context, content_dir: Path | None) -> KnowledgeBase:
    content, index = _paths(ctx, content_dir)
    try:
        knowledge = KnowledgeBase.open(content, index)
    except KbError as error:
        fail(str(error))
    for notice in knowledge.notices:
        click.echo(notice, err=True)
    return knowledge


@click.group("kb")
def kb() -> None:
    """Bases de connaissances : indexer, rechercher, consulter (lecture seule)."""


@kb.command("index")
@content_option
@click.pass_context
def index_command(ctx: click.Context, content_dir: Path | None) -> None:
    """Reconstruire l'index de recherche à partir des articles."""
    content, index_dir = _paths(ctx, content_dir)
    try:
        info = build_index(content, index_dir)
    except KbError as error:
        fail(str(error))
    click.echo(
        _("Index construit : {n} articles, {bases} bases, en {seconds} s ({path}).").format(
            n=info.articles,
            bases=len(info.bases),
            seconds=f"{info.seconds:.2f}".replace(".", ","),
            path=info.path,
        )
    )


@kb.command("search")
@click.argument("query")
@click.option(
    "--base", "bases", multiple=True, metavar="CODE", help="Chercher dans cette base (répétable)."
)
@click.option(
    "--tag", "tags", multiple=True, metavar="MOT", help="Articles portant ce mot-clé (répétable)."
)
@role_option
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Résultats en JSON.")
@content_option
@click.pass_context
def search_command(
    ctx: click.Context,
    query: str,
    bases: tuple[str, ...],
    tags: tuple[str, ...],
    role: str,
    limit: int,
    as_json: bool,
    content_dir: Path | None,
) -> None:
    """Rechercher QUERY dans les bases consultables (guillemets pour une expression exacte)."""
    knowledge = _open(ctx, content_dir)
    try:
        results = knowledge.search(query, role=role, bases=bases, tags=tags, limit=limit)
    except KbError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(asdict(results), ensure_ascii=False, indent=2))
        return
    for line in format_results(results):
        click.echo(line)


def format_results(results: SearchResults) -> list[str]:
    """The results as plain text lines, matched words between « »."""
    lines = []
    if results.message:
        lines.append(results.message)
    if results.suggestion:
        lines.append(_("Vous vouliez dire : {suggestion} ?").format(suggestion=results.suggestion))
    if results.hits:
        shown = len(results.hits)
        if results.total > shown:
            lines.append(
                _("{total} articles trouvés (affichés : {shown}).").format(
                    total=results.total, shown=shown
                )
            )
        else:
            lines.append(_("{total} article(s) trouvé(s).").format(total=results.total))
    for index, hit in enumerate(results.hits):
        if hit.partial and (index == 0 or not results.hits[index - 1].partial):
            lines += ["", _("Autres articles contenant une partie des mots :")]
        lines.append("")
        lines.append(f"{hit.id}  {hit.title}  [{hit.base_title}]")
        lines.append(f"    {hit.snippet.render()}")
    return lines


@kb.command("show")
@click.argument("article_id")
@role_option
@content_option
@click.pass_context
def show_command(ctx: click.Context, article_id: str, role: str, content_dir: Path | None) -> None:
    """Afficher l'article ARTICLE_ID (s'il est consultable par ce rôle)."""
    knowledge = _open(ctx, content_dir)
    try:
        article = knowledge.article(article_id, role=role)
    except KbError as error:
        fail(str(error))
    titles = {base.code: base.title for base in knowledge.bases(role)}
    click.echo(f"{article.id} — {article.title}")
    click.echo(
        _("Base : {base} · Mots-clés : {tags} · Mis à jour le {date}").format(
            base=titles.get(article.base, article.base),
            tags=", ".join(article.tags) or "—",
            date=article.updated.strftime("%d/%m/%Y"),
        )
    )
    click.echo("")
    click.echo(article.markdown)
