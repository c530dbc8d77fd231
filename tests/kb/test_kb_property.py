"""Whatever is typed in the search box is answered, never an exception (bounded work)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.search import KnowledgeBase

OPERATORS = [*"\"'’«»:^~*()[]{}+-!\\/|&?.,;", "AND", "OR", "NOT", "TO", "IN", "title:"]
WORDS = ["box", "rouge", "décodeur", "l'abonnement", "Wi-Fi", "reset", "surendettement", "é"]

typed = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.one_of(st.sampled_from(OPERATORS), st.sampled_from(WORDS), st.text(max_size=8))
    ).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=10_000),
)


def check(results, role: str) -> None:
    assert results.hits or results.message, results
    assert results.total >= sum(not hit.partial for hit in results.hits)
    for hit in results.hits:
        if role == "student":
            assert hit.base != "facturation"
        for start, end in hit.snippet.highlights:
            assert 0 <= start < end <= len(hit.snippet.text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=typed, role=st.sampled_from(["student", "trainer"]))
def test_any_input_is_answered(fixture_kb: KnowledgeBase, text: str, role: str) -> None:
    check(fixture_kb.search(text, role=role), role)


def test_very_long_inputs(fixture_kb: KnowledgeBase) -> None:
    for text in ("box " * 2500, '"' * 10_000, "é" * 10_000, "a(" * 5000, "x" * 10_000):
        check(fixture_kb.search(text, role="student"), "student")
