"""Highlighted snippets, computed in Python from the index terms a query matched.

tantivy's SnippetGenerator re-analyses (stems) the whole article for every hit, which cost
most of a search's time. Here a regular expression built from the query's stems finds the few
candidate words (accent-insensitive prefix match), and only those are analysed to confirm
them; the fragment is the window holding the most distinct matched terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

# Letters and the accented forms they fold from (the index terms are folded).
_VARIANTS = {
    "a": "aàâäá",
    "e": "eéèêë",
    "i": "iîïíyÿ",  # y: stemmers turn a final y into i ("impayé" -> "impai")
    "o": "oôöó",
    "u": "uùûüú",
    "c": "cç",
    "n": "nñ",
}
MAX_SPANS = 200
CONTEXT_CHARS = 30


def candidate_pattern(terms: Collection[str]) -> re.Pattern[str] | None:
    """A regex matching the words that may analyse to one of `terms` (stems)."""
    if not terms:
        return None
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        pattern = "".join(f"[{_VARIANTS[c]}]" if c in _VARIANTS else re.escape(c) for c in term)
        parts.append(pattern.replace("[oôöó][eéèêë]", "(?:[oôöó][eéèêë]|œ)"))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")[^\W_]*", re.IGNORECASE)


def matched_spans(
    text: str,
    pattern: re.Pattern[str] | None,
    analyse: Callable[[str], tuple[str, ...]],
    wanted: Collection[str],
) -> list[tuple[int, int, str]]:
    """(start, end, term) of each word of `text` whose index term is in `wanted`."""
    spans: list[tuple[int, int, str]] = []
    if pattern is None:
        return spans
    for match in pattern.finditer(text):
        terms = analyse(match.group(0).lower())
        if terms and terms[0] in wanted:
            spans.append((match.start(), match.end(), terms[0]))
            if len(spans) >= MAX_SPANS:
                break
    return spans


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
