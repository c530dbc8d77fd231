"""Highlighted snippets, computed in Python from the index terms a query matched.

tantivy's SnippetGenerator re-analyses (stems) the whole article for every hit, which cost
most of a search's time. Here a regular expression built from the query's stems finds the few
candidate words (prefix match in the text with accents folded), and only those are analysed
to confirm them; the fragment is the window holding the most distinct matched terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache

# Letters and the accented forms they fold from (index terms are folded). y is an i for the
# stemmers ("impayé" -> "impai", "happy" -> "happi"); the analyzer confirms every candidate.
_VARIANTS = {
    "a": "[aàâäá]",
    "e": "[eéèêë]",
    "i": "[iîïíyÿ]",
    "o": "(?:[oôöó]|œ)",
    "u": "[uùûüú]",
    "c": "[cç]",
    "n": "[nñ]",
}
# Occurrences of one term looked at: a fragment shows a few, and long articles repeat words.
SPANS_PER_TERM = 12
CONTEXT_CHARS = 30


@lru_cache(maxsize=4096)
def candidate_pattern(term: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex matching the words that may analyse to `term`: accent-insensitive prefix.

    One pattern per term (cached): terms recur across queries far more than term sets. It
    starts with the term's letters so that the regex engine can skip ahead quickly.
    """
    letters = "".join(_VARIANTS.get(c, re.escape(c)) for c in term)
    return re.compile(letters + r"[^\W_]*", re.IGNORECASE if ignore_case else 0)


def matched_spans(
    text: str,
    terms: Collection[str],
    analyse: Callable[[str], tuple[str, ...]],
) -> list[tuple[int, int, str]]:
    """(start, end, term) of each word of `text` whose index term is in `terms`, in order."""
    lowered = text.lower()
    exact_case = len(lowered) == len(text)  # lower() may change the length (rare letters)
    haystack = lowered if exact_case else text
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        kept = 0
        for match in candidate_pattern(term, not exact_case).finditer(haystack):
            start = match.start()
            if start and (haystack[start - 1].isalnum()):
                continue  # inside a word, not at its start
            found = analyse(match.group(0).lower())
            if found and found[0] in terms:
                spans.append((start, match.end(), found[0]))
                kept += 1
                if kept >= SPANS_PER_TERM:  # enough to place the fragment
                    break
    # A word matched by two prefixes ("abon", "abonn") is listed once.
    return sorted(set(spans))


def best_fragment(
    text: str, spans: list[tuple[int, int, str]], size: int
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of about `size` characters with the most distinct matched terms, cut at
    word boundaries, with "…" where text was left out, and its highlight ranges."""
    best_index, best_score = 0, (-1, -1)
    for index, (start, _end, _term) in enumerate(spans):
        seen: set[str] = set()
        last = index
        while last < len(spans) and spans[last][1] <= start + size - CONTEXT_CHARS:
            seen.add(spans[last][2])
            last += 1
        score = (len(seen), last - index)
        if score > best_score:
            best_index, best_score = index, score
    first = spans[best_index][0]
    begin = max(0, first - CONTEXT_CHARS)
    if begin > 0:
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else first
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    fragment = text[begin:end].strip()
    offset = begin + (len(text[begin:end]) - len(text[begin:end].lstrip()))
    ranges = [
        (start - offset, stop - offset)
        for start, stop, _term in spans
        if start >= offset and stop <= offset + len(fragment)
    ]
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix)
    return prefix + fragment + suffix, tuple((s + shift, e + shift) for s, e in ranges)
