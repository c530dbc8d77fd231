"""French and English analysis, and the splitting of what a student types."""

from __future__ import annotations

import pytest

from kb.analysis import ENGLISH, FRENCH, analyze, fold, normalize, tag_key
from kb.search import MAX_QUERY_CHARS, MAX_WORDS, parse_user_query


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("l'abonnement", ["abon"]),
        ("L’abonnement", ["abon"]),  # typographic apostrophe
        ("abonnements", ["abon"]),
        ("Réclamation", ["reclam"]),
        ("reclamation", ["reclam"]),
        ("échéancier", ["echeanci"]),
        ("ECHEANCIER", ["echeanci"]),
        ("résiliation résilier", ["resili", "resili"]),
        ("clignote clignotant", ["clignot", "clignot"]),
        ("le la les de du", []),  # stop words
        ("qu'il", []),
        ("œuvre", ["oeuvr"]),
    ],
)
def test_french(typed: str, indexed: list[str]) -> None:
    assert analyze(FRENCH, typed) == indexed


def test_french_stems_before_folding() -> None:
    # Stemming the folded word would give "penalit"; stemming first gives "penal".
    assert analyze(FRENCH, "pénalité") == ["penal"]
    assert analyze(FRENCH, "pénalités") == ["penal"]


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("Resetting the router", ["reset", "router"]),
        ("settings", ["set"]),
        ("How do I reset my box?", ["how", "do", "i", "reset", "my", "box"]),
    ],
)
def test_english(typed: str, indexed: list[str]) -> None:
    assert analyze(ENGLISH, typed) == indexed


def test_normalize_joins_compounds() -> None:
    assert normalize("Le Wi-Fi et le wi fi, un e-mail") == "Le wifi et le wifi, un email"
    assert analyze(FRENCH, normalize("Wi-Fi")) == analyze(FRENCH, "wifi")


def test_fold_and_tags() -> None:
    assert fold("Échéancier") == "echeancier"
    assert fold("cœur") == "coeur"
    assert tag_key(" Répondeur ") == "repondeur"
    assert tag_key("Wi-Fi") == "wifi"


def test_parse_words_phrases_and_noise() -> None:
    parsed = parse_user_query('comment changer mon RIB "prise en charge" « voyant rouge »')
    assert parsed.words == ("changer", "mon", "rib")
    assert parsed.phrases == (("prise", "en", "charge"), ("voyant", "rouge"))
    # An unclosed quote is ordinary text; a one-word phrase is a word.
    parsed = parse_user_query('"box "wifi')
    assert parsed.words == ("box", "wifi")
    assert parsed.phrases == ()


def test_parse_keeps_question_words_when_alone() -> None:
    assert parse_user_query("pourquoi ?").words == ("pourquoi",)


def test_parse_bounds_the_input() -> None:
    parsed = parse_user_query("mot " * 5000)
    assert parsed.words == ("mot",)
    parsed = parse_user_query(" ".join(f"mot{i}" for i in range(100)))
    assert len(parsed.words) == MAX_WORDS
    assert len(parse_user_query("x" * 10_000).text) <= MAX_QUERY_CHARS
    assert parse_user_query('AND OR NOT + - : ^ ~ * ( ) [ ] { } "').words == (
        "and", "or", "not",
    )  # fmt: skip


def test_parse_keeps_product_words() -> None:
    # "plus" names the Box Plus: not a question word.
    assert parse_user_query("combien coute la box plus").words == (
        "combien", "coute", "la", "box", "plus",
    )  # fmt: skip
