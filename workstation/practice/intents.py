"""Recognising what the student says (issue 8: intents in French and English).

Matching ignores case, accents and punctuation. A pattern is a phrase whose words must appear
in a row; a word ending in `*` accepts any ending; `+` joins pieces that must all appear, in any
order; `{agent}` stands for the student's first name (seed_data/scenarios/README.md).

A piece said under a negation does not count: « je ne vais pas vous offrir de geste
commercial » is not a proposal. A negation word (ne, pas, jamais, not, n't…) among the few words
before the piece, in the same clause, cancels it, unless the pattern is itself negative
(« pas d'erreur »).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from workstation.practice.scenario import Intent

_NON_WORD = re.compile(r"[^0-9a-z*{}]+")
#: Where a clause ends: a negation does not reach past it.
_CLAUSE_END = re.compile(r"[,;:.!?()\n]+|\s[-–—]\s")
#: Words that make what follows negative ("t" is what is left of n't).
NEGATIONS = frozenset(
    {
        "ne",
        "n",
        "pas",
        "jamais",
        "aucun",
        "aucune",
        "rien",
        "ni",
        "not",
        "no",
        "never",
        "cannot",
        "t",
    }
)
#: How many words before a piece a negation reaches.
NEGATION_REACH = 6


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (apostrophes split words)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.replace("œ", "oe").replace("æ", "ae")).strip()


def words(text: str) -> tuple[str, ...]:
    """The normalised words of a line."""
    return tuple(normalise(text).replace("*", " ").replace("{", " ").replace("}", " ").split())


@dataclass(frozen=True)
class _Piece:
    words: tuple[str, ...]

    @property
    def negative(self) -> bool:
        return any(word in NEGATIONS for word in self.words)

    def found_in(self, clause: tuple[str, ...]) -> bool:
        """Said in this clause, and not under a negation."""
        size = len(self.words)
        for start in range(len(clause) - size + 1):
            if all(_word_matches(w, clause[start + i]) for i, w in enumerate(self.words)):
                before = clause[max(0, start - NEGATION_REACH) : start]
                if self.negative or not NEGATIONS.intersection(before):
                    return True
        return False


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def compile_pattern(pattern: str, agent_name: str = "") -> tuple[_Piece, ...] | None:
    """The pieces of one pattern (None for an empty one)."""
    agent = words(agent_name.split()[0]) if agent_name.strip() else ()
    pieces: list[_Piece] = []
    for part in pattern.split("+"):
        tokens: list[str] = []
        for token in normalise(part).split():
            if token == "{agent}":
                tokens.extend(agent)  # no name known: the rest of the pattern still counts
            else:
                tokens.append(token.replace("{", "").replace("}", ""))
        if tokens:
            pieces.append(_Piece(tuple(tokens)))
    return tuple(pieces) if pieces else None


class IntentMatcher:
    """The intents of a scenario compiled for one language and one student."""

    def __init__(self, intents: Iterable[Intent], language: str, agent_name: str = "") -> None:
        self._patterns: dict[str, list[tuple[_Piece, ...]]] = {}
        for intent in intents:
            compiled = [compile_pattern(p, agent_name) for p in intent.patterns.get(language, ())]
            # A scenario's own intent of the same name replaces the common one.
            self._patterns[intent.name] = [c for c in compiled if c is not None]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._patterns)

    def matches(self, line: str) -> frozenset[str]:
        """The names of every intent the line expresses."""
        clauses = [words(part) for part in _CLAUSE_END.split(line)]
        return frozenset(
            name
            for name, patterns in self._patterns.items()
            if any(
                all(any(piece.found_in(clause) for clause in clauses) for piece in pattern)
                for pattern in patterns
            )
        )
