"""Searching the knowledge bases a role may read (C1.5, C2.2, C2.3).

`KnowledgeBase` is the read-only entry point: it opens (and if needed builds) the index, then
answers `search`, `article`, `bases` and `tags` for a given role. Whatever a student types is
accepted: the input is cut to a sane length and number of words, split into words and quoted
phrases, and turned into queries built here (never parsed by tantivy's query language).

Matching is staged: every word must match (AND, title and tags boosted); if nothing does,
the same with typo tolerance; if still nothing, any of the words. When the exact stage finds
nothing, unknown words are corrected from the readable articles' vocabulary ("Vous vouliez
dire : …"). Restricted bases are filtered inside the query, so they never reach results,
counts, snippets or suggestions.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from gettext import gettext as _
from pathlib import Path
from typing import Any, TypeVar

import tantivy

from kb.access import readable_bases
from kb.analysis import (
    ANALYZER_BY_LANGUAGE,
    ENGLISH,
    FRENCH,
    QUERY_NOISE,
    SYNONYMS,
    WORD,
    analyze,
    fold,
    normalize,
    tag_key,
    words,
)
from kb.articles import Article, Base
from kb.errors import IndexCorrupt, NotFound, UnknownBase
from kb.highlight import best_fragment, matched_spans
from kb.index import OpenIndex, ensure_index, open_current, pointer_state, text_field
from kb.vocabulary import Lexicon, merge

# Input limits: whatever is pasted in the search box, the work stays bounded.
MAX_QUERY_CHARS = 300
MAX_WORDS = 12
MAX_LIMIT = 100
SNIPPET_CHARS = 180
# Below this many exact matches, partial matches complete the list.
FEW_RESULTS = 3
FIELD_BOOSTS = {"title": 3.0, "tags": 2.0, "body": 1.0}
QUOTES = re.compile(r"[\"“”«»„]")

T = TypeVar("T")


@dataclass(frozen=True)
class Snippet:
    """A fragment of an article with the character ranges of the matched words."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def render(self, before: str = "«", after: str = "»") -> str:
        """The text with each highlighted range wrapped in `before`/`after` (plain output)."""
        parts, position = [], 0
        for start, end in self.highlights:
            parts += [self.text[position:start], before, self.text[start:end], after]
            position = end
        parts.append(self.text[position:])
        return "".join(parts)


@dataclass(frozen=True)
class Hit:
    """One article found, with what the result list shows."""

    id: str
    title: str
    base: str
    base_title: str
    language: str
    tags: tuple[str, ...]
    updated: str
    score: float
    snippet: Snippet
    title_highlights: tuple[tuple[int, int], ...] = ()
    #: True for an article listed after the exact matches that has only some of the words.
    partial: bool = False


@dataclass(frozen=True)
class SearchResults:
    """The answer to a search. `mode` says how the hits were found:

    exact (all words), approx (all words, typos tolerated), partial (some words),
    none (nothing), browse (empty query: every readable article), empty (nothing to search).
    `total` counts the articles found that way; in exact mode, when they are fewer than
    FEW_RESULTS, hits marked `partial` follow them and are not counted.
    """

    query: str
    hits: tuple[Hit, ...]
    total: int
    mode: str
    suggestion: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class BaseSummary:
    """A base the reader may consult, with its number of articles."""

    code: str
    title: str
    articles: int


@dataclass(frozen=True)
class ParsedQuery:
    """What the student typed, cut to size: free words and quoted phrases."""

    text: str
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]


def parse_user_query(text: str) -> ParsedQuery:
    """Split any input into words and "quoted phrases"; never fails (C2.2)."""
    text = normalize(text[:MAX_QUERY_CHARS])
    parts = QUOTES.split(text)
    free: list[str] = []
    phrases: list[tuple[str, ...]] = []
    budget = MAX_WORDS
    for position, part in enumerate(parts):
        quoted = position % 2 == 1 and position != len(parts) - 1
        found = words(part)[:budget]
        if not found:
            continue
        budget -= len(found)
        if quoted and len(found) > 1:
            phrases.append(tuple(found))
        else:
            free.extend(found)
        if budget <= 0:
            break
    meaningful = [w for w in free if fold(w) not in QUERY_NOISE]
    # Only question words ("comment faire ?"): search them rather than nothing.
    kept = meaningful if meaningful or phrases else free
    return ParsedQuery(text=text.strip(), words=tuple(dict.fromkeys(kept)), phrases=tuple(phrases))


@lru_cache(maxsize=8192)
def _terms(analyzer: str, word: str) -> tuple[str, ...]:
    return tuple(analyze(analyzer, word))


def _stems(word: str) -> tuple[str, ...]:
    """Index terms of a word in both languages (the vocabulary's notion of "same word")."""
    return (*_terms(FRENCH, word), *_terms(ENGLISH, word))


class KnowledgeBase:
    """Read-only access to the knowledge bases, for one content folder and index folder.

    The index is built on first use, rebuilt when the content changed or the index is
    damaged (`notices` then says so in French), and reopened when another process swaps in
    a new generation. Safe to share between threads.
    """

    def __init__(self, content_dir: Path, index_dir: Path) -> None:
        self.content_dir = Path(content_dir)
        self.index_dir = Path(index_dir)
        self.notices: tuple[str, ...] = ()
        self._lock = threading.RLock()
        self._index: OpenIndex | None = None
        self._lexicons: dict[frozenset[str], Lexicon] = {}

    @classmethod
    def open(cls, content_dir: Path, index_dir: Path) -> KnowledgeBase:
        """Open the knowledge bases, building or rebuilding the index as needed."""
        knowledge = cls(content_dir, index_dir)
        knowledge.refresh()
        return knowledge

    def refresh(self) -> tuple[str, ...]:
        """Check the content digest, rebuild if stale or damaged; returns the notices."""
        with self._lock:
            opened = ensure_index(self.content_dir, self.index_dir)
            self._use(opened.index)
            self.notices = opened.notices
            return self.notices

    def _use(self, index: OpenIndex) -> None:
        self._index = index
        self._lexicons = {}

    def _current(self) -> OpenIndex:
        """The index in use, following a generation swapped in by another process."""
        index = self._index
        if index is not None and pointer_state(self.index_dir) == index.pointer:
            return index
        with self._lock:
            try:
                fresh = open_current(self.index_dir)
            except IndexCorrupt:
                fresh = None
            if fresh is None:
                self.refresh()
            else:
                self._use(fresh)
            assert self._index is not None
            return self._index

    def _run(self, action: Callable[[OpenIndex], T]) -> T:
        """Run a read. If it fails because another process swapped in a new generation
        (ours may be removed), retry on the new one; if the current generation itself is
        damaged, rebuild it once and retry."""
        index = self._current()
        try:
            return action(index)
        except (ValueError, OSError, sqlite3.Error, IndexCorrupt) as error:
            if pointer_state(self.index_dir) != index.pointer:
                return action(self._current())
            with self._lock:
                self.notices = (
                    _(
                        "L'index des bases de connaissances est endommagé ({reason}) : "
                        "il est reconstruit à partir des articles."
                    ).format(reason=error),
                )
                self._use(_rebuild(self.content_dir, self.index_dir))
            return action(self._current())

    # -- access -----------------------------------------------------------------------------

    def bases(self, role: str) -> tuple[BaseSummary, ...]:
        """The bases `role` may read, with their article counts."""

        def run(index: OpenIndex) -> tuple[BaseSummary, ...]:
            summaries = []
            for base in readable_bases(index.info.bases, role):
                query = tantivy.Query.term_query(index.schema, "base", base.code)
                count = index.searcher.search(query, 1, count=True).count or 0
                summaries.append(BaseSummary(base.code, base.title, count))
            return tuple(summaries)

        return self._run(run)

    def tags(self, role: str, bases: Sequence[str] = ()) -> tuple[tuple[str, int], ...]:
        """The tags of the readable articles (normalised) with their article counts."""

        def run(index: OpenIndex) -> tuple[tuple[str, int], ...]:
            codes = _allowed(index.info.bases, role, bases)
            scope = tantivy.Query.term_set_query(index.schema, "base", list(codes))
            found = index.searcher.terms_with_prefix("tag", "", filter_query=scope)
            return tuple((term, count) for term, count in found if count)

        return self._run(run)

    def article(self, article_id: str, role: str) -> Article:
        """The article `article_id` if `role` may read it; NotFound otherwise (no difference
        is made between a missing and a restricted article)."""

        def run(index: OpenIndex) -> Article:
            readable = {b.code for b in readable_bases(index.info.bases, role)}
            key = tag_key(article_id)
            if key:
                query = tantivy.Query.term_query(index.schema, "id", key)
                for _score, address in index.searcher.search(query, 2, count=False).hits:
                    stored = index.searcher.doc(address).to_dict()
                    markdown = index.markdown(stored["id"][0])
                    if stored["base"][0] in readable and markdown is not None:
                        return _article(stored, index.groups, markdown)
            raise NotFound(_("Article introuvable : {id}.").format(id=article_id.strip()[:40]))

        return self._run(run)

    # -- search -----------------------------------------------------------------------------

    def search(
        self,
        text: str,
        role: str,
        bases: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int = 10,
    ) -> SearchResults:
        """Search the bases `role` may read (all of them, or those in `bases`), optionally
        only articles carrying every tag in `tags`; at most `limit` hits (C2.3)."""
        return self._run(lambda index: _Search(self, index, role, bases, tags).run(text, limit))

    def lexicon(self, index: OpenIndex, codes: frozenset[str]) -> Lexicon:
        """The vocabulary of the bases `codes` (cached per generation)."""
        lexicon = self._lexicons.get(codes)
        if lexicon is None:
            lexicon = Lexicon(merge(index.vocabulary, codes), _stems)
            self._lexicons[codes] = lexicon
        return lexicon


def _rebuild(content_dir: Path, index_dir: Path) -> OpenIndex:
    from kb.index import build_index

    build_index(content_dir, index_dir)
    opened = open_current(index_dir)
    if opened is None:
        raise IndexCorrupt(
            _("l'index vient de disparaître du dossier {path}").format(path=index_dir)
        )
    return opened


def _allowed(declared: Iterable[Base], role: str, requested: Sequence[str]) -> tuple[str, ...]:
    """The base codes to search: the readable ones, narrowed to `requested` if given."""
    readable = [b.code for b in readable_bases(declared, role)]
    if not requested:
        return tuple(readable)
    wanted = list(dict.fromkeys(code.strip().lower() for code in requested))
    unknown = [code for code in wanted if code not in readable]
    if unknown:
        raise UnknownBase(
            _("Base inconnue : {codes}. Bases consultables : {known}.").format(
                codes=", ".join(unknown), known=", ".join(readable)
            )
        )
    return tuple(wanted)


def _stored_text(stored: dict[str, list], name: str, groups: dict[str, int]) -> str:
    """A stored analysed field (title, body) of a document, found by language and group."""
    field = text_field(name, stored["language"][0], groups[stored["base"][0]])
    return stored.get(field, [""])[0]


def _article(stored: dict[str, list], groups: dict[str, int], markdown: str) -> Article:
    language = stored["language"][0]
    audience = stored.get("audience", [""])[0] or None
    return Article(
        id=stored["id"][0],
        title=_stored_text(stored, "title", groups),
        base=stored["base"][0],
        language=language,
        tags=tuple(stored.get("tag", [])),
        updated=dt.date.fromisoformat(stored["updated"][0]),
        markdown=markdown,
        path=stored["path"][0],
        audience=audience,
    )


def _leading(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size)
    return text[: cut if cut > size // 2 else size].rstrip(" ,;:") + " …"


class _Search:
    """One search: the query built for a role and its filters, run in stages."""

    def __init__(
        self,
        owner: KnowledgeBase,
        index: OpenIndex,
        role: str,
        bases: Sequence[str],
        tags: Sequence[str],
    ) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = index.searcher
        self.codes = _allowed(index.info.bases, role, bases)
        self.titles = {b.code: b.title for b in index.info.bases}
        self.lexicon = owner.lexicon(index, frozenset(self.codes))
        # Access (C2 "accès sécurisé"): only the fields of the readable groups are searched;
        # a base filter is added only when the reader narrowed the search to some bases.
        self.groups = sorted({index.groups[code] for code in self.codes})
        covered = {code for code, group in index.groups.items() if group in self.groups}
        scope = tantivy.Query.term_set_query(self.schema, "base", list(self.codes))
        filters = [] if covered == set(self.codes) else [scope]
        for tag in tags:
            filters.append(tantivy.Query.term_query(self.schema, "tag", tag_key(tag)))
        self.filters = [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in filters
        ]
        self.scope = (tantivy.Occur.Must, tantivy.Query.const_score_query(scope, 0.0))
        self.limit = 10
        # Exact index terms per language, for highlighting.
        self.highlight: dict[str, set[str]] = {"fr": set(), "en": set()}

    # -- terms ------------------------------------------------------------------------------

    def word_terms(self, word: str) -> dict[str, set[str]] | None:
        """Index terms of a word per language, None for a stop word in either language."""
        french = set(_terms(FRENCH, word))
        english = set(_terms(ENGLISH, word))
        if not french or not english:
            return None
        for accented in self.lexicon.accented(word):
            french.update(_terms(FRENCH, accented))
        for synonym in SYNONYMS.get(fold(word), ()):
            french.update(_terms(FRENCH, synonym))
            english.update(_terms(ENGLISH, synonym))
        return {"fr": french, "en": english}

    def term_clause(self, terms: dict[str, set[str]], fuzzy: bool) -> tantivy.Query:
        """The word matches in any field of either language (title and tags boosted)."""
        clauses = []
        fields = [
            (language, text_field(name, language, group), boost)
            for language in terms
            for group in self.groups
            for name, boost in FIELD_BOOSTS.items()
        ]
        for language, values in terms.items():
            self.highlight[language].update(values)
        for language, field, boost in fields:
            for value in terms[language]:
                query = tantivy.Query.term_query(self.schema, field, value)
                if fuzzy and len(value) >= 4:
                    distance = 1 if len(value) < 8 else 2
                    query = tantivy.Query.fuzzy_term_query(
                        self.schema, field, value, distance, True, False
                    )
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        return tantivy.Query.boolean_query(clauses)

    def phrase_clause(self, phrase: tuple[str, ...]) -> tantivy.Query | None:
        """The quoted words in this order, in the title, tags or body of either language."""
        clauses = []
        for language, analyzer in ANALYZER_BY_LANGUAGE.items():
            positioned: list[tuple[int, str]] = []
            for offset, word in enumerate(phrase):
                spelled = self.lexicon.spelling(word) if language == "fr" else word
                found = _terms(analyzer, spelled)
                if found:
                    positioned.append((offset, found[0]))
            if not positioned:
                continue
            for _offset, term in positioned:
                self.highlight[language].add(term)
            for field, boost in (
                (text_field(name, language, group), boost)
                for group in self.groups
                for name, boost in FIELD_BOOSTS.items()
            ):
                if len(positioned) == 1:
                    query = tantivy.Query.term_query(self.schema, field, positioned[0][1])
                else:
                    first = positioned[0][0]
                    query = tantivy.Query.phrase_query(
                        self.schema, field, [(o - first, t) for o, t in positioned]
                    )
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        return tantivy.Query.boolean_query(clauses) if clauses else None

    def combine(self, clauses: list[tantivy.Query], all_required: bool) -> tantivy.Query:
        if all_required:
            required = [(tantivy.Occur.Must, c) for c in clauses]
        else:
            any_of = tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses], 1)
            required = [(tantivy.Occur.Must, any_of)]
        return tantivy.Query.boolean_query([*self.filters, *required])

    # -- stages -----------------------------------------------------------------------------

    def run(self, text: str, limit: int) -> SearchResults:
        limit = self.limit = max(1, min(int(limit), MAX_LIMIT))
        parsed = parse_user_query(text)
        shown = parsed.text
        if not parsed.words and not parsed.phrases:
            if not shown:
                return self.browse(limit)
            return SearchResults(
                shown, (), 0, "empty", message=_("Saisissez au moins un mot à rechercher.")
            )
        word_terms = [(w, t) for w in parsed.words if (t := self.word_terms(w)) is not None]
        phrases = [c for p in parsed.phrases if (c := self.phrase_clause(p)) is not None]
        if not word_terms and not phrases:
            return SearchResults(
                shown,
                (),
                0,
                "empty",
                message=_("« {query} » ne contient que des mots trop courants : précisez.").format(
                    query=shown
                ),
            )
        exact = [self.term_clause(t, fuzzy=False) for _w, t in word_terms]
        found = self.searcher.search(self.combine([*exact, *phrases], True), limit)
        if found.count:
            results = self.results(shown, found, "exact", None, None)
            if found.count < FEW_RESULTS and len(exact) + len(phrases) > 1:
                return self.completed(results, found, [*exact, *phrases])
            return results

        corrections = {}
        for word, _terms_of_word in word_terms:
            corrected = self.lexicon.correct(word)
            if corrected:
                corrections[word] = corrected
        suggestion = None
        if corrections:
            suggestion = WORD.sub(lambda m: corrections.get(m.group(0).lower(), m.group(0)), shown)
        # Typo tolerance only where it can help: words the readable articles do not contain
        # take their correction, or failing that any index term one or two edits away.
        tolerant, loosened = [], False
        for word, terms in word_terms:
            if self.lexicon.knows(word):
                tolerant.append(self.term_clause(terms, fuzzy=False))
                continue
            loosened = True
            extra = self.word_terms(corrections[word]) if word in corrections else None
            if extra:
                merged = {language: terms[language] | extra[language] for language in terms}
                tolerant.append(self.term_clause(merged, fuzzy=False))
            else:
                tolerant.append(self.term_clause(terms, fuzzy=True))
        if loosened:
            found = self.searcher.search(self.combine([*tolerant, *phrases], True), limit)
        if loosened and found.count:
            message = _("Aucun article ne contient exactement ces mots : résultats approchants.")
            return self.results(shown, found, "approx", suggestion, message)
        if len(tolerant) + len(phrases) > 1:
            found = self.searcher.search(self.combine([*tolerant, *phrases], False), limit)
            if found.count:
                message = _(
                    "Aucun article ne contient tous ces mots : "
                    "voici ceux qui en contiennent une partie."
                )
                return self.results(shown, found, "partial", suggestion, message)
        message = _("Aucun article trouvé pour « {query} ».").format(query=shown)
        return SearchResults(shown, (), 0, "none", suggestion, message)

    def completed(
        self, results: SearchResults, exact: tantivy.SearchResult, clauses: list[tantivy.Query]
    ) -> SearchResults:
        """Few articles have every word: list after them those having some of the words,
        marked partial (colloquial queries carry words the right article lacks)."""
        room = self.limit - len(results.hits)
        found = self.searcher.search(
            self.combine(clauses, False), room + len(exact.hits), count=False
        )
        listed = {(a.segment_ord, a.doc) for _score, a in exact.hits}
        extra = [(s, a) for s, a in found.hits if (a.segment_ord, a.doc) not in listed][:room]
        return replace(results, hits=results.hits + self.hits(extra, partial=True))

    def browse(self, limit: int) -> SearchResults:
        query = tantivy.Query.boolean_query([*self.filters, self.scope])
        # Documents are stored in file order: base folder, then file name.
        found = self.searcher.search(query, limit)
        return self.results("", found, "browse", None, None)

    # -- presentation -----------------------------------------------------------------------

    def results(
        self,
        shown: str,
        found: tantivy.SearchResult,
        mode: str,
        suggestion: str | None,
        message: str | None,
    ) -> SearchResults:
        total = found.count if found.count is not None else len(found.hits)
        return SearchResults(shown, self.hits(found.hits), total, mode, suggestion, message)

    def hits(self, found: list[tuple[Any, Any]], partial: bool = False) -> tuple[Hit, ...]:
        """The hits with their snippets, from tantivy's (score, address) pairs."""
        hits = []
        for score, address in found:
            stored = self.searcher.doc(address).to_dict()
            language = stored["language"][0]
            analyzer = ANALYZER_BY_LANGUAGE[language]

            def analyse(word: str, analyzer: str = analyzer) -> tuple[str, ...]:
                return _terms(analyzer, word)

            wanted = self.highlight[language]
            body = _stored_text(stored, "body", self.index.groups)
            spans = matched_spans(body, wanted, analyse)
            if spans:
                snippet = Snippet(*best_fragment(body, spans, SNIPPET_CHARS))
            else:
                snippet = Snippet(_leading(body, SNIPPET_CHARS))
            title = _stored_text(stored, "title", self.index.groups)
            title_spans = matched_spans(title, wanted, analyse)
            hits.append(
                Hit(
                    id=stored["id"][0],
                    title=title,
                    base=stored["base"][0],
                    base_title=self.titles.get(stored["base"][0], stored["base"][0]),
                    language=language,
                    tags=tuple(stored.get("tag", [])),
                    updated=stored["updated"][0],
                    score=float(score) if isinstance(score, float) else 0.0,
                    snippet=snippet,
                    title_highlights=tuple((start, end) for start, end, _t in title_spans),
                    partial=partial,
                )
            )
        return tuple(hits)
