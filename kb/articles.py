"""Knowledge-base content: the bases declared in `bases.yaml` and the Markdown articles.

The content is a folder holding `bases.yaml` and one sub-folder per base with one Markdown
file per article, each opening with a YAML front matter. Content is read-only for the
workstation ("fichiers ressources non modifiables", C1): trainers edit the files and reindex.
Loading checks every file and reports every problem at once, naming the file and the field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import Path
from typing import Any

import yaml

from kb.errors import ContentError

BASES_FILE = "bases.yaml"
LANGUAGES = ("fr", "en")
ROLES = ("student", "trainer", "grader")
REQUIRED_FIELDS = ("id", "title", "base", "language", "tags", "updated")
OPTIONAL_FIELDS = ("audience",)
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*-[A-Z0-9][A-Z0-9-]*$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Base:
    """A knowledge base and the roles allowed to read it (C2.2, "à accès sécurisé")."""

    code: str
    title: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One article as written by the company, read-only."""

    id: str
    title: str
    base: str
    language: str
    tags: tuple[str, ...]
    updated: dt.date
    markdown: str
    path: str
    audience: str | None = None

    @property
    def text(self) -> str:
        """The body as plain text (what is indexed and shown in snippets), without a first
        heading that only repeats the title."""
        first, _newline, rest = self.markdown.partition("\n")
        if first.lstrip("# ").strip().lower() == self.title.strip().lower():
            return markdown_to_text(rest)
        return markdown_to_text(self.markdown)


@dataclass(frozen=True)
class Content:
    """Everything read from a content folder, with the digest of the bytes it came from."""

    bases: tuple[Base, ...]
    articles: tuple[Article, ...]
    digest: str


def content_files(content_dir: Path) -> list[Path]:
    """The files that make up the content, in a stable order: `bases.yaml` then the articles."""
    articles = sorted(p for p in content_dir.glob("*/*.md") if p.is_file())
    return [content_dir / BASES_FILE, *articles]


def content_digest(content_dir: Path) -> str:
    """sha256 over the relative paths and bytes of the content files (detects any change)."""
    digest = hashlib.sha256()
    for path in content_files(content_dir):
        _feed(digest, content_dir, path, _read_bytes(path))
    return digest.hexdigest()


def _feed(digest: Any, content_dir: Path, path: Path, data: bytes) -> None:
    name = path.relative_to(content_dir).as_posix().encode()
    digest.update(len(name).to_bytes(4, "big") + name)
    digest.update(len(data).to_bytes(8, "big") + data)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def load_content(content_dir: Path) -> Content:
    """Read and check the bases and every article; raise ContentError listing all problems."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise ContentError(
            [_("Dossier des bases de connaissances introuvable : {path}").format(path=content_dir)]
        )
    digest = hashlib.sha256()
    files = content_files(content_dir)
    raw = {}
    for path in files:
        try:
            raw[path] = path.read_bytes()
        except OSError as error:
            raise ContentError(
                [_("{file} : lecture impossible ({error}).").format(file=path, error=error)]
            ) from error
        _feed(digest, content_dir, path, raw[path])
    bases = parse_bases(raw[files[0]], files[0])
    problems: list[str] = []
    articles: list[Article] = []
    known = {base.code for base in bases}
    for path in files[1:]:
        relative = path.relative_to(content_dir).as_posix()
        try:
            articles.append(parse_article(raw[path], relative, known))
        except ContentError as error:
            problems.extend(error.problems)
    problems.extend(_duplicate_ids(articles))
    if problems:
        raise ContentError(problems)
    return Content(tuple(bases), tuple(articles), digest.hexdigest())


def parse_bases(data: bytes, path: Path) -> list[Base]:
    """The bases declared in `bases.yaml`."""
    try:
        document = yaml.load(data.decode("utf-8"), Loader=_LOADER) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ContentError(
            [_("{file} : YAML illisible ({error}).").format(file=path, error=error)]
        ) from error
    entries = document.get("bases") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ContentError(
            [_("{file} : la liste « bases » est absente ou vide.").format(file=path)]
        )
    problems: list[str] = []
    bases: list[Base] = []
    for position, entry in enumerate(entries, start=1):
        where = _("{file}, base n° {n}").format(file=path, n=position)
        if not isinstance(entry, dict):
            problems.append(
                _("{where} : une base doit avoir code, title et roles.").format(where=where)
            )
            continue
        code, title, roles = entry.get("code"), entry.get("title"), entry.get("roles")
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", code):
            problems.append(
                _("{where}, champ « code » : code en minuscules attendu, reçu {value!r}.").format(
                    where=where, value=code
                )
            )
            continue
        if not isinstance(title, str) or not title.strip():
            problems.append(_("{where}, champ « title » : titre manquant.").format(where=where))
        if not isinstance(roles, list) or not all(r in ROLES for r in roles):
            problems.append(
                _("{where}, champ « roles » : liste de rôles parmi {roles} attendue.").format(
                    where=where, roles=", ".join(ROLES)
                )
            )
            continue
        if any(b.code == code for b in bases):
            problems.append(
                _("{where} : code « {code} » déclaré deux fois.").format(where=where, code=code)
            )
        bases.append(Base(code, str(title).strip(), tuple(roles)))
    if problems:
        raise ContentError(problems)
    return bases


def parse_article(data: bytes, relative: str, known_bases: Iterable[str]) -> Article:
    """One article from its bytes; `relative` (e.g. "assistance/ass-003.md") names it in errors."""
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(
            _("{file}, champ « {field} » : {message}").format(
                file=relative, field=field, message=message
            )
        )

    try:
        text = data.decode("utf-8").replace("\r\n", "\n").lstrip("\ufeff")
    except UnicodeDecodeError as error:
        raise ContentError(
            [
                _("{file} : le fichier n'est pas en UTF-8 ({error}).").format(
                    file=relative, error=error
                )
            ]
        ) from error
    match = re.match(r"---\n(.*?)\n---[ \t]*(?:\n|$)(.*)", text, re.DOTALL)
    if not match:
        raise ContentError(
            [
                _(
                    "{file} : en-tête YAML manquant (le fichier doit commencer par une ligne "
                    "« --- », les champs, puis une ligne « --- »)."
                ).format(file=relative)
            ]
        )
    try:
        meta = yaml.load(match.group(1), Loader=_LOADER)
    except yaml.YAMLError as error:
        raise ContentError(
            [_("{file} : en-tête YAML illisible ({error}).").format(file=relative, error=error)]
        ) from error
    if not isinstance(meta, dict):
        raise ContentError(
            [_("{file} : l'en-tête YAML doit être une liste de champs.").format(file=relative)]
        )
    body = match.group(2).strip()

    for field in REQUIRED_FIELDS:
        if meta.get(field) in (None, ""):
            problem(field, _("champ obligatoire manquant."))
    for field in sorted(set(meta) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS), key=str):
        problem(
            str(field),
            _("champ inconnu (champs possibles : {fields}).").format(
                fields=", ".join((*REQUIRED_FIELDS, *OPTIONAL_FIELDS))
            ),
        )
    article_id = meta.get("id")
    if article_id is not None and not (
        isinstance(article_id, str) and ID_PATTERN.match(article_id)
    ):
        problem(
            "id", _("identifiant du type ASS-012 attendu, reçu {value!r}.").format(value=article_id)
        )
    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        problem("title", _("texte attendu."))
    base = meta.get("base")
    folder = relative.split("/")[0]
    if base is not None:
        if base not in set(known_bases):
            problem("base", _("base inconnue {value!r} (voir bases.yaml).").format(value=base))
        elif base != folder:
            problem(
                "base",
                _(
                    "l'article est rangé dans le dossier « {folder} » "
                    "mais déclare la base « {base} »."
                ).format(folder=folder, base=base),
            )
    language = meta.get("language")
    if language is not None and language not in LANGUAGES:
        problem("language", _("« fr » ou « en » attendu, reçu {value!r}.").format(value=language))
    tags = meta.get("tags")
    if tags is not None and not (
        isinstance(tags, list) and all(isinstance(t, str | int) and str(t).strip() for t in tags)
    ):
        problem("tags", _("liste de mots attendue, par exemple [box, wifi]."))
    updated = meta.get("updated")
    if isinstance(updated, str):
        with contextlib.suppress(ValueError):
            updated = dt.date.fromisoformat(updated)
    if isinstance(updated, dt.datetime):
        updated = updated.date()
    if meta.get("updated") is not None and not isinstance(updated, dt.date):
        problem(
            "updated",
            _("date AAAA-MM-JJ attendue, reçu {value!r}.").format(value=meta.get("updated")),
        )
    audience = meta.get("audience")
    if audience is not None and not isinstance(audience, str):
        problem("audience", _("texte attendu."))
    if not body:
        problems.append(
            _("{file} : l'article n'a pas de texte après l'en-tête.").format(file=relative)
        )
    if problems:
        raise ContentError(problems)
    return Article(
        id=str(article_id),
        title=str(title).strip(),
        base=str(base),
        language=str(language),
        tags=tuple(str(t).strip() for t in tags or ()),
        updated=updated,  # type: ignore[arg-type]
        markdown=body,
        path=relative,
        audience=audience,
    )


def _duplicate_ids(articles: list[Article]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for article in articles:
        key = article.id.upper()
        if key in seen:
            problems.append(
                _("{file}, champ « id » : identifiant {id} déjà utilisé par {other}.").format(
                    file=article.path, id=article.id, other=seen[key]
                )
            )
        else:
            seen[key] = article.path
    return problems


# (markers of which one must be in the text for the rule to apply, pattern, replacement)
_MD_RULES = [
    (("```",), re.compile(r"^```.*$", re.MULTILINE), ""),
    (("#",), re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.MULTILINE), ""),
    ((">",), re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE), ""),
    (("",), re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),
    (
        ("---", "***", "___"),
        re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|\|?[ \t:|-]*-{3,}[ \t:|-]*)$", re.MULTILINE),
        "",
    ),
    (("](",), re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (("](",), re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (("*", "__", "`"), re.compile(r"(\*\*|__|\*|`)"), ""),
    (("|",), re.compile(r"[ \t]*\|[ \t]*"), " · "),
]


def markdown_to_text(markdown: str) -> str:
    """Markdown reduced to plain text on one line: what is indexed and quoted in snippets."""
    text = markdown
    for markers, pattern, replacement in _MD_RULES:
        if any(marker in text for marker in markers):  # most rules have nothing to do
            text = pattern.sub(replacement, text)
    lines = [" ".join(line.split()).strip(" ·") for line in text.splitlines()]
    return " ".join(line for line in lines if line)
