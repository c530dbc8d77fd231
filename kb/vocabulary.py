"""The words of the articles a reader may see: accent restoration and "did you mean".

Built from per-base word counts recorded at indexing time, and only from the bases the reader
may read, so a suggestion never reveals a word of a restricted article. Corrections use
symmetric deletes (SymSpell): every word is indexed under its one-letter deletions, so a typo
within Damerau-Levenshtein distance 2 is found with a few dictionary look-ups.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from kb.analysis import fold, normalize, words

# Words shorter than this are never corrected (too many neighbours).
MIN_CORRECTABLE = 4


def count_words(texts: Iterable[str]) -> Counter[str]:
    """Surface words (lowercase, accents kept) and their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in words(normalize(text)) if not w.isdigit())
    return counts


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit + 1 beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Lexicon:
    """The vocabulary of a set of bases."""

    def __init__(
        self, counts: Mapping[str, int], stems: Callable[[str], Iterable[str]] | None = None
    ) -> None:
        """`stems` gives the index terms of a word: a word typed in another inflection than
        the articles use ("capte" beside "capter") is then known, not a typo."""
        self._stems_of = stems
        self._stems = {t for word in counts for t in stems(word)} if stems else set()
        folded: dict[str, Counter[str]] = defaultdict(Counter)
        for word, count in counts.items():
            folded[fold(word)][word] += count
        self._forms = set(counts)
        self._frequency = {key: sum(forms.values()) for key, forms in folded.items()}
        # The most frequent spelling of each folded word, shown in suggestions.
        self._display = {key: forms.most_common(1)[0][0] for key, forms in folded.items()}
        self._accented = {
            key: tuple(sorted(form for form in forms if form != key))
            for key, forms in folded.items()
            if any(form != key for form in forms)
        }
        self._by_delete: dict[str, list[str]] = defaultdict(list)
        for key in folded:
            if len(key) >= MIN_CORRECTABLE:
                self._by_delete[key].append(key)
                for deleted in _deletes(key):
                    self._by_delete[deleted].append(key)

    def knows(self, word: str) -> bool:
        """Whether the word, or another form of it, appears in the readable articles."""
        if fold(word) in self._frequency:
            return True
        return self._stems_of is not None and any(t in self._stems for t in self._stems_of(word))

    def accented(self, word: str) -> tuple[str, ...]:
        """The accented spellings of a word typed without accents ("echeancier")."""
        return self._accented.get(fold(word), ())

    def spelling(self, word: str) -> str:
        """The word as typed if known, else its most frequent accented spelling."""
        key = fold(word)
        if word in self._forms or key not in self._display:
            return word
        return self._display[key]

    def correct(self, word: str) -> str | None:
        """The closest known word to an unknown one, or None."""
        key = fold(word)
        if len(key) < MIN_CORRECTABLE or not key.isalpha() or self.knows(word):
            return None
        limit = 1 if len(key) < 7 else 2
        candidates: set[str] = set()
        probes = {key} | _deletes(key)
        if limit == 2:
            probes |= {d for p in list(probes) for d in _deletes(p)}
        for probe in probes:
            candidates.update(self._by_delete.get(probe, ()))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            gap = distance(key, candidate, limit)
            if gap <= limit:
                rank = (gap, -self._frequency[candidate], candidate)
                if best is None or rank < best:
                    best = rank
        return self._display[best[2]] if best else None


def merge(per_base: Mapping[str, Mapping[str, int]], bases: Iterable[str]) -> Counter[str]:
    """The word counts of several bases added together."""
    total: Counter[str] = Counter()
    for base in bases:
        total.update(per_base.get(base, {}))
    return total
