"""A student never reaches a restricted article: not in results, counts, snippets,
suggestions, tags, by id, nor through the command line (C2 "accès sécurisé")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.errors import NotFound
from kb.search import KnowledgeBase
from workstation.cli import main

RESTRICTED = {"FAC-001", "FAC-002"}


def test_student_search_never_shows_restricted(fixture_kb: KnowledgeBase) -> None:
    for typed in ("surendettement", "huissier", "recouvrement", "commission pénalité"):
        results = fixture_kb.search(typed, role="student")
        assert results.hits == ()
        assert results.total == 0
        assert results.suggestion is None
    # Words shared with restricted articles: counts only what the student may read.
    results = fixture_kb.search("box", role="student", limit=100)
    assert RESTRICTED.isdisjoint(h.id for h in results.hits)
    assert results.total == 3
    trainer = fixture_kb.search("box", role="trainer", limit=100)
    assert trainer.total == 4
    assert "FAC-002" in {h.id for h in trainer.hits}


def test_no_suggestion_from_restricted_words(fixture_kb: KnowledgeBase) -> None:
    assert fixture_kb.search("surandettement", role="student").suggestion is None
    assert fixture_kb.search("surandettement", role="trainer").suggestion == "surendettement"


def test_snippets_come_only_from_readable_articles(fixture_kb: KnowledgeBase) -> None:
    results = fixture_kb.search("facture", role="student", limit=100)
    assert all("impayée" not in h.snippet.text for h in results.hits)
    assert RESTRICTED.isdisjoint(h.id for h in results.hits)


def test_student_cannot_open_restricted_by_id(fixture_kb: KnowledgeBase) -> None:
    with pytest.raises(NotFound) as restricted:
        fixture_kb.article("FAC-001", role="student")
    with pytest.raises(NotFound) as missing:
        fixture_kb.article("FAC-999", role="student")
    # Same message: nothing tells a student the restricted article exists.
    assert str(restricted.value) == "Article introuvable : FAC-001."
    assert str(missing.value) == "Article introuvable : FAC-999."
    assert fixture_kb.article("FAC-001", role="grader").title.startswith("Client en situation")


def test_student_cannot_name_a_restricted_base(fixture_kb: KnowledgeBase) -> None:
    with pytest.raises(Exception, match="Base inconnue : facturation") as restricted:
        fixture_kb.search("facture", role="student", bases=["facturation"])
    with pytest.raises(Exception, match="Base inconnue : meteo") as missing:
        fixture_kb.search("facture", role="student", bases=["meteo"])
    assert type(restricted.value) is type(missing.value)
    assert [b.code for b in fixture_kb.bases("student")] == ["offres", "assistance"]
    assert [b.code for b in fixture_kb.bases("trainer")][-1] == "facturation"


def test_tags_of_restricted_articles_are_hidden(fixture_kb: KnowledgeBase) -> None:
    student = dict(fixture_kb.tags("student"))
    assert "surendettement" not in student and "recouvrement" not in student
    assert student["box"] == 3
    assert dict(fixture_kb.tags("trainer"))["box"] == 4


def run(*args: str) -> tuple[int, str]:
    content = Path(__file__).resolve().parent / "fixtures" / "content"
    result = CliRunner().invoke(main, ["kb", *args, "--content", str(content)])
    return result.exit_code, result.output


def test_cli_student_cannot_reach_restricted() -> None:
    code, output = run("search", "surendettement")
    assert code == 0
    assert "FAC-" not in output and "surendettement" not in output.replace("« surendettement »", "")
    code, output = run("search", "box", "--json", "--limit", "50")
    data = json.loads(output)
    assert data["total"] == 3
    assert RESTRICTED.isdisjoint(hit["id"] for hit in data["hits"])
    code, output = run("show", "FAC-001")
    assert code == 1
    assert "Article introuvable : FAC-001." in output
    assert "huissier" not in output
    code, output = run("search", "box", "--base", "facturation")
    assert code == 1
    assert "Base inconnue : facturation" in output


def test_cli_trainer_reads_restricted() -> None:
    code, output = run("show", "FAC-001", "--role", "trainer")
    assert code == 0, output
    assert "FAC-001 — Client en situation de surendettement" in output
    assert "huissier" in output
    code, output = run("search", "surendettement", "--role", "grader")
    assert code == 0
    assert "FAC-001" in output


def test_trainer_narrows_to_some_bases(fixture_kb: KnowledgeBase) -> None:
    # Restricted and open bases live in different fields; narrowing filters within them.
    only = fixture_kb.search("box", role="trainer", bases=["facturation"], limit=100)
    assert [h.id for h in only.hits] == ["FAC-002"]
    both = fixture_kb.search("box", role="trainer", bases=["facturation", "offres"], limit=100)
    assert {h.id for h in both.hits} == {"FAC-002", "OFF-001"}
    assert fixture_kb.search("", role="trainer", limit=100).total == 8
