"""The search index on disk: schema, building, digest and lifecycle.

Layout of the index folder::

    CURRENT                 name of the generation in use (replaced atomically)
    gen-<time>-<random>/    a complete tantivy index, kb-meta.json (digest, bases, words)
                            and articles.sqlite3 (each article's Markdown)
    tmp-<random>/           a generation being built (never read)

A build writes a whole new generation, then swaps `CURRENT` with `os.replace`, so readers in
other processes never see a half-built index and keep reading the old generation until they
notice the swap. Each build has its own folder, so concurrent builds never share a writer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import time
import uuid
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from gettext import gettext as _
from pathlib import Path
from typing import Any

import tantivy

from kb.analysis import ANALYZER_BY_LANGUAGE, TAG, normalize, register_analyzers, words
from kb.articles import Article, Base, Content, content_digest, load_content
from kb.errors import ContentError, IndexCorrupt, IndexWriteError

# Bump when the schema or the analysis changes: older indexes are then rebuilt.
INDEX_FORMAT = f"kb-6/tantivy-{tantivy.__version__}"
POINTER = "CURRENT"
META = "kb-meta.json"
# The articles' Markdown (zlib), read only to open an article: kept out of tantivy's document
# store so that fetching search hits decompresses half as much.
TEXTS = "articles.sqlite3"
# A build folder older than this is a crashed build and may be removed.
STALE_BUILD_SECONDS = 3600

TEXT_FIELDS = ("title", "tags", "body")


def base_groups(bases: Iterable[Base]) -> dict[str, int]:
    """Bases read by the same roles form an access group, numbered in declaration order.

    Each group has its own text fields, so a query for a role only touches the fields of
    the groups it may read: restricted articles cannot match, nor weigh on the scores, and
    no filter clause is needed (a filter would stop tantivy from skipping low-score blocks).
    """
    numbers: dict[tuple[str, ...], int] = {}
    groups = {}
    for base in bases:
        key = tuple(sorted(base.roles))
        groups[base.code] = numbers.setdefault(key, len(numbers))
    return groups


def text_field(name: str, language: str, group: int) -> str:
    """Name of the analysed field `name` (title, tags, body) for a language and access group."""
    return f"{name}_{language}_{group}"


def build_schema(group_count: int) -> tantivy.Schema:
    """Analysed fields per language and access group; filters and stored values beside them."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name=TAG, index_option="basic")
    builder.add_text_field("base", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("language", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("tag", stored=True, tokenizer_name=TAG, index_option="basic")
    builder.add_text_field("updated", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("audience", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("path", stored=True, tokenizer_name="raw", index_option="basic")
    for group in range(group_count):
        for language, analyzer in ANALYZER_BY_LANGUAGE.items():
            for name in TEXT_FIELDS:
                builder.add_text_field(
                    text_field(name, language, group),
                    stored=name != "tags",
                    tokenizer_name=analyzer,
                )
    return builder.build()


@dataclass(frozen=True)
class IndexInfo:
    """What a generation was built from."""

    path: Path
    digest: str
    built_at: str
    articles: int
    bases: tuple[Base, ...]
    seconds: float = 0.0


@dataclass
class OpenIndex:
    """An opened generation: the tantivy index, its schema and recorded metadata."""

    index: tantivy.Index
    schema: tantivy.Schema
    info: IndexInfo
    vocabulary: dict[str, dict[str, int]]
    pointer: tuple[int, int] | None
    searcher: tantivy.Searcher = field(init=False)
    groups: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.searcher = self.index.searcher()
        self.groups = base_groups(self.info.bases)

    def markdown(self, article_id: str) -> str | None:
        """The Markdown of an article (exact id as indexed), None if absent."""
        uri = (self.info.path / TEXTS).as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True)
        try:
            row = connection.execute(
                "SELECT markdown FROM article WHERE id = ?", (article_id,)
            ).fetchone()
        finally:
            connection.close()
        if row is None:
            return None
        try:
            return zlib.decompress(row[0]).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, TypeError) as error:
            raise IndexCorrupt(
                _("texte de l'article {id} illisible ({error})").format(id=article_id, error=error)
            ) from error


def pointer_state(index_dir: Path) -> tuple[int, int] | None:
    """Identity of the CURRENT file (inode, mtime): changes whenever a build swaps it."""
    try:
        stat = os.stat(Path(index_dir) / POINTER)
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def article_document(article: Article, group: int, body: str | None = None) -> tantivy.Document:
    """The tantivy document of an article in its access group; `body` is the normalised
    plain text of the article if already computed."""
    document = tantivy.Document()
    document.add_text("id", article.id)
    document.add_text("base", article.base)
    document.add_text("language", article.language)
    for tag in article.tags:
        document.add_text("tag", tag)
    document.add_text("updated", article.updated.isoformat())
    document.add_text("audience", article.audience or "")
    document.add_text("path", article.path)
    body = body if body is not None else normalize(article.text)
    document.add_text(text_field("title", article.language, group), normalize(article.title))
    document.add_text(
        text_field("tags", article.language, group), normalize(" ".join(article.tags))
    )
    document.add_text(text_field("body", article.language, group), body)
    return document


def build_index(content_dir: Path, index_dir: Path) -> IndexInfo:
    """Read the content (ContentError if invalid) and publish a new generation."""
    return write_index(load_content(content_dir), index_dir)


def write_index(
    content: Content, index_dir: Path, *, heap_bytes: int = 64_000_000, threads: int = 1
) -> IndexInfo:
    """Index `content` into a new generation and make it current; nothing changes on error
    (IndexWriteError when the folder cannot be written)."""
    try:
        return _write_index(content, Path(index_dir), heap_bytes, threads)
    except (OSError, ValueError, sqlite3.Error) as error:
        raise IndexWriteError(
            _("Impossible d'écrire l'index dans {path} : {error}").format(
                path=index_dir, error=error
            )
        ) from error


def _write_index(content: Content, index_dir: Path, heap_bytes: int, threads: int) -> IndexInfo:
    started = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    building = index_dir / f"tmp-{uuid.uuid4().hex}"
    building.mkdir()
    try:
        groups = base_groups(content.bases)
        schema = build_schema(max(groups.values(), default=0) + 1)
        index = tantivy.Index(schema, str(building), reuse=False)
        register_analyzers(index)
        writer = index.writer(heap_bytes, threads)
        per_base: dict[str, Counter[str]] = defaultdict(Counter)
        for article in content.articles:
            body = normalize(article.text)
            writer.add_document(article_document(article, groups[article.base], body))
            # Document frequencies: enough to rank suggestions, cheaper than every occurrence.
            heading = normalize(" ".join((article.title, *article.tags)))
            per_base[article.base].update(set(words(heading + " " + body)))
        writer.commit()
        writer.wait_merging_threads()
        _write_texts(building / TEXTS, content.articles)
        vocabulary = {base: _word_counts(counts) for base, counts in per_base.items()}
        built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        meta = {
            "format": INDEX_FORMAT,
            "digest": content.digest,
            "built_at": built_at,
            "articles": len(content.articles),
            "bases": [
                {"code": b.code, "title": b.title, "roles": list(b.roles)} for b in content.bases
            ],
            "vocabulary": vocabulary,
        }
        (building / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        generation = index_dir / f"gen-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        building.rename(generation)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_pointer(index_dir, generation.name)
    _remove_old_generations(index_dir, keep=generation.name)
    return IndexInfo(
        path=generation,
        digest=content.digest,
        built_at=built_at,
        articles=len(content.articles),
        bases=content.bases,
        seconds=time.perf_counter() - started,
    )


def _write_texts(path: Path, articles: Iterable[Article]) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("CREATE TABLE article (id TEXT PRIMARY KEY, markdown BLOB NOT NULL)")
            connection.executemany(
                "INSERT INTO article VALUES (?, ?)",
                ((a.id, zlib.compress(a.markdown.encode("utf-8"))) for a in articles),
            )
    finally:
        connection.close()


def _word_counts(counts: Counter[str]) -> dict[str, int]:
    return {word: count for word, count in counts.items() if not word.isdigit()}


def _swap_pointer(index_dir: Path, name: str) -> None:
    temporary = index_dir / f"{POINTER}.{uuid.uuid4().hex}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, index_dir / POINTER)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    """Keep the current generation and the one before (readers may still be on it)."""
    generations = sorted(p.name for p in index_dir.glob("gen-*") if p.name != keep)
    for name in generations[:-1]:
        shutil.rmtree(index_dir / name, ignore_errors=True)
    now = time.time()
    for path in index_dir.glob("tmp-*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(path, ignore_errors=True)


def open_current(index_dir: Path) -> OpenIndex | None:
    """The current generation, None if there is none yet, IndexCorrupt if it is unusable."""
    index_dir = Path(index_dir)
    pointer = pointer_state(index_dir)
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise IndexCorrupt(
            _("fichier {file} illisible ({error})").format(file=POINTER, error=error)
        ) from error
    generation = index_dir / name
    if not name.startswith("gen-") or "/" in name or not generation.is_dir():
        raise IndexCorrupt(_("le fichier {file} désigne un index absent").format(file=POINTER))
    meta = _read_meta(generation)
    try:
        index = tantivy.Index.open(str(generation))
        register_analyzers(index)
        index.config_reader("Manual")
        index.reload()
        opened = OpenIndex(
            index=index,
            schema=index.schema,
            info=IndexInfo(
                path=generation,
                digest=meta["digest"],
                built_at=meta["built_at"],
                articles=meta["articles"],
                bases=tuple(Base(b["code"], b["title"], tuple(b["roles"])) for b in meta["bases"]),
            ),
            vocabulary=meta["vocabulary"],
            pointer=pointer,
        )
        count = opened.searcher.num_docs
        texts = _count_texts(generation / TEXTS)
        if texts != meta["articles"]:
            raise IndexCorrupt(
                _("{found} textes d'articles au lieu de {expected}").format(
                    found=texts, expected=meta["articles"]
                )
            )
        if count != meta["articles"]:
            raise IndexCorrupt(
                _("{found} articles dans l'index au lieu de {expected}").format(
                    found=count, expected=meta["articles"]
                )
            )
        if count:
            hits = opened.searcher.search(tantivy.Query.all_query(), 1).hits
            opened.searcher.doc(hits[0][1])
    except IndexCorrupt:
        raise
    except (ValueError, OSError, KeyError, TypeError, IndexError) as error:
        detail = str(error)[:160]  # tantivy's own message (English), cut to stay readable
        raise IndexCorrupt(_("index tantivy illisible ({error})").format(error=detail)) from error
    return opened


def _count_texts(path: Path) -> int:
    if not path.is_file():
        raise IndexCorrupt(_("fichier {file} absent").format(file=TEXTS))
    try:
        connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        try:
            return int(connection.execute("SELECT count(*) FROM article").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise IndexCorrupt(
            _("fichier {file} illisible ({error})").format(file=TEXTS, error=error)
        ) from error


def _read_meta(generation: Path) -> dict[str, Any]:
    try:
        meta = json.loads((generation / META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexCorrupt(
            _("description {file} illisible ({error})").format(file=META, error=error)
        ) from error
    if not isinstance(meta, dict) or meta.get("format") != INDEX_FORMAT:
        raise IndexCorrupt(_("format d'index périmé ou inconnu"))
    for key in ("digest", "built_at", "articles", "bases", "vocabulary"):
        if key not in meta:
            raise IndexCorrupt(_("description {file} incomplète").format(file=META))
    return meta


@dataclass(frozen=True)
class Opened:
    """Result of `ensure_index`: the usable index and what happened, for the user."""

    index: OpenIndex
    notices: tuple[str, ...]
    rebuilt: bool


def ensure_index(content_dir: Path, index_dir: Path) -> Opened:
    """Open the index, building it if missing, stale (digest differs) or corrupt.

    If the content changed but is now invalid, the previous index stays in use and a notice
    says why; with no usable index at all, ContentError reaches the caller.
    """
    notices: list[str] = []
    try:
        current = open_current(index_dir)
    except IndexCorrupt as error:
        notices.append(
            _(
                "L'index des bases de connaissances est endommagé ({reason}) : "
                "il est reconstruit à partir des articles."
            ).format(reason=error)
        )
        current = None
    digest = content_digest(Path(content_dir))
    if current is not None and current.info.digest == digest:
        return Opened(current, tuple(notices), rebuilt=False)
    if current is not None:
        notices.append(
            _("Les articles ont changé depuis la dernière indexation : index reconstruit.")
        )
    try:
        build_index(content_dir, index_dir)
    except (ContentError, IndexWriteError) as error:
        if current is None:
            raise
        notices[-1] = _(
            "Les articles ont changé mais l'index ne peut pas être reconstruit : l'index "
            "précédent reste utilisé.\n{details}"
        ).format(details=error)
        return Opened(current, tuple(notices), rebuilt=False)
    rebuilt = open_current(index_dir)
    if rebuilt is None:  # another process removed it in between: a plain error for the user
        raise IndexCorrupt(
            _("l'index vient de disparaître du dossier {path}").format(path=index_dir)
        )
    return Opened(rebuilt, tuple(notices), rebuilt=True)
