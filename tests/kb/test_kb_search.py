"""Searching: AND by default, phrases, typo tolerance, suggestions, filters, highlights."""

from __future__ import annotations

import pytest

from kb.errors import UnknownBase, UnknownRole
from kb.search import KnowledgeBase, SearchResults, Snippet


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_all_words_are_required(fixture_kb: KnowledgeBase) -> None:
    assert set(ids(fixture_kb.search("box", role="student"))) == {"OFF-001", "ASS-001", "EN-001"}
    both = fixture_kb.search("box rouge", role="student")
    assert both.mode == "exact"
    assert both.total == 1
    # Fewer than three articles have every word: those with some of them follow, marked.
    assert (both.hits[0].id, both.hits[0].partial) == ("ASS-001", False)
    assert {(h.id, h.partial) for h in both.hits[1:]} == {("OFF-001", True), ("EN-001", True)}


def test_accents_apostrophes_and_question_words(fixture_kb: KnowledgeBase) -> None:
    for typed in ("décodeur écran noir", "decodeur ecran noir", "DÉCODEUR ÉCRAN NOIR"):
        assert ids(fixture_kb.search(typed, role="student"))[0] == "ASS-003"
    assert ids(fixture_kb.search("l'abonnement", role="student")) == ["OFF-001"]
    assert ids(fixture_kb.search("comment consulter sa messagerie ?", role="student")) == [
        "ASS-002"
    ]


def test_title_and_tags_outrank_body(fixture_kb: KnowledgeBase) -> None:
    # "répondeur" is a tag of ASS-002 only; "voyant" is in ASS-001's title and tags.
    assert ids(fixture_kb.search("repondeur", role="student")) == ["ASS-002"]
    assert ids(fixture_kb.search("voyant", role="student"))[0] == "ASS-001"


def test_english_articles(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("how do I reset my box", role="student")
    assert results.mode == "exact"
    assert ids(results)[0] == "EN-001"
    assert results.hits[0].language == "en"


def test_phrase_search(fixture_kb: KnowledgeBase) -> None:
    assert ids(fixture_kb.search('"clignote en rouge"', role="student")) == ["ASS-001"]
    # The same words in another order are not the phrase.
    assert fixture_kb.search('"rouge clignote"', role="student").mode != "exact"


def test_typos_fall_back_and_suggest(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("decoddeur ecrann", role="student")
    assert results.mode == "approx"
    assert ids(results)[0] == "ASS-003"
    assert results.suggestion == "décodeur écran"
    assert results.message is not None and "approchants" in results.message


def test_partial_match_when_no_article_has_every_word(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("forfait mobile girafe", role="student")
    assert results.mode == "partial"
    assert ids(results)[0] == "OFF-002"


def test_nothing_found(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("xylophone", role="student")
    assert (results.mode, results.hits, results.total, results.suggestion) == ("none", (), 0, None)
    assert results.message == "Aucun article trouvé pour « xylophone »."


def test_filters_by_base_and_tag(fixture_kb: KnowledgeBase) -> None:
    assert ids(fixture_kb.search("box", role="student", bases=["offres"])) == ["OFF-001"]
    several = fixture_kb.search("box", role="student", bases=["offres", "assistance"])
    assert set(ids(several)) == {"OFF-001", "ASS-001", "EN-001"}
    assert ids(fixture_kb.search("box", role="student", tags=["Panne"])) == ["ASS-001"]
    assert ids(fixture_kb.search("box", role="student", tags=["panne", "fibre"])) == []
    assert set(ids(fixture_kb.search("", role="student", tags=["mobile"]))) == {
        "OFF-002", "ASS-002",
    }  # fmt: skip
    with pytest.raises(UnknownBase, match="Base inconnue : meteo"):
        fixture_kb.search("box", role="student", bases=["meteo"])


def test_empty_query_lists_readable_articles(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("  ", role="student", limit=100)
    assert results.mode == "browse"
    assert results.total == 6
    assert fixture_kb.search("", role="student", limit=2).total == 6
    assert len(fixture_kb.search("", role="student", limit=2).hits) == 2
    stop_words = fixture_kb.search("le la les", role="student")
    assert (stop_words.mode, stop_words.hits) == ("empty", ())
    assert stop_words.message is not None and "précisez" in stop_words.message


def test_highlights_are_character_ranges(fixture_kb: KnowledgeBase) -> None:
    hit = fixture_kb.search("écran décodeur", role="student").hits[0]
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.highlights]
    assert set(marked) >= {"écran", "décodeur"}
    assert "«décodeur»" in hit.snippet.render()
    assert "[décodeur]" in hit.snippet.render("[", "]")
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["décodeur", "écran"]


def test_snippet_without_body_match_shows_the_beginning(fixture_kb: KnowledgeBase) -> None:
    hit = fixture_kb.search("tv", role="student").hits[0]  # a tag, not in the text
    assert hit.id == "ASS-003"
    assert hit.snippet == Snippet(
        "Vérifiez que le téléviseur est sur la bonne source HDMI, puis "
        "redémarrez le décodeur. Si l'écran reste noir, lancez une réinitialisation du décodeur "
        "depuis le menu Réglages."
    )


def test_snippet_window_and_ellipses(fixture_kb: KnowledgeBase) -> None:
    hit = fixture_kb.search("supprimer", role="student").hits[0]
    assert hit.snippet.text.startswith("… ")
    assert hit.snippet.text.endswith("il faut en supprimer.")
    assert hit.snippet.render().endswith("il faut en «supprimer».")
    hit = fixture_kb.search("impayee", role="trainer").hits[0]
    assert "«impayée»" in hit.snippet.render()


def test_hit_fields(fixture_kb: KnowledgeBase) -> None:
    hit = fixture_kb.search("forfait", role="student").hits[0]
    assert (hit.id, hit.title, hit.base, hit.base_title) == (
        "OFF-002", "Forfait mobile 50 Go", "offres", "Offres et tarifs",
    )  # fmt: skip
    assert (hit.tags, hit.updated, hit.language) == (("mobile", "forfait"), "2026-10-01", "fr")
    assert hit.score > 0


def test_unknown_role(fixture_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownRole, match="Rôle inconnu « admin »"):
        fixture_kb.search("box", role="admin")


def test_article_and_bases(fixture_kb: KnowledgeBase) -> None:
    article = fixture_kb.article("ass-001", role="student")
    assert article.id == "ASS-001"
    assert article.markdown.startswith("# Le voyant de la box")
    assert [(b.code, b.articles) for b in fixture_kb.bases("student")] == [
        ("offres", 2), ("assistance", 4),
    ]  # fmt: skip


def test_synonyms_of_what_callers_say(fixture_kb: KnowledgeBase) -> None:
    # "portable" is what callers say; the article writes "mobile".
    results = fixture_kb.search("forfait portable", role="student")
    assert results.mode == "exact"
    assert ids(results)[0] == "OFF-002"
    assert "«mobile»" in results.hits[0].snippet.render()
