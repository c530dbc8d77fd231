"""`acvd kb`: index, search and show from the command line (output checked, in French)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from workstation.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"


def run(*args: str, content: Path = FIXTURES) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["kb", *args, "--content", str(content)])
    return result.exit_code, result.output


def test_index_then_search_text() -> None:
    code, output = run("index")
    assert code == 0, output
    assert output.startswith("Index construit : 8 articles, 3 bases, en ")
    code, output = run("search", "voyant rouge")
    assert code == 0, output
    assert output.splitlines()[:3] == [
        "1 article(s) trouvé(s).",
        "",
        "ASS-001  Le voyant de la box clignote en rouge  [Assistance technique]",
    ]
    assert "«voyant» «clignote»" not in output  # only the query's words are marked
    assert "Quand le «voyant» clignote en «rouge»" in output


def test_search_json_and_filters() -> None:
    code, output = run("search", "box", "--json", "--base", "offres", "--limit", "5")
    assert code == 0, output
    data = json.loads(output)
    assert data["mode"] == "exact" and data["total"] == 1
    hit = data["hits"][0]
    assert (hit["id"], hit["base"], hit["partial"]) == ("OFF-001", "offres", False)
    text = hit["snippet"]["text"]
    assert [text[s:e] for s, e in hit["snippet"]["highlights"]] == ["Box"]
    code, output = run("search", "box", "--tag", "reset", "--json")
    assert [h["id"] for h in json.loads(output)["hits"]] == ["EN-001"]


def test_search_suggestion_and_nothing_found() -> None:
    code, output = run("search", "decoddeur")
    assert code == 0
    assert "Vous vouliez dire : décodeur ?" in output
    assert "ASS-003" in output
    code, output = run("search", "xylophone")
    assert output.strip() == "Aucun article trouvé pour « xylophone »."


def test_show() -> None:
    code, output = run("show", "off-001")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "OFF-001 — Box Essentielle"
    assert lines[1] == (
        "Base : Offres et tarifs · Mots-clés : box, fibre, tarif · Mis à jour le 01/10/2026"
    )
    assert "- Frais de mise en service : 48 €" in output


def test_bad_content_and_bad_options(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    broken.mkdir()
    (broken / "bases.yaml").write_text("bases: []\n")
    code, output = run("index", content=broken)
    assert code == 1
    assert "la liste « bases » est absente ou vide" in output
    code, output = run("search", "box", "--role", "admin")
    assert code == 2
    assert "'admin' is not one of" in output or "admin" in output
    code, output = run("search", "box", "--base", "meteo")
    assert code == 1
    assert "Base inconnue : meteo. Bases consultables : offres, assistance." in output


def test_kb_imports_no_application_layer() -> None:
    code = (
        "import sys, kb.search, kb.index, kb.articles\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'workstation', 'crm', 'cti', 'mailmerge')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_more_results_than_shown() -> None:
    code, output = run("search", "box", "--limit", "1", "--role", "trainer")
    assert code == 0, output
    assert output.splitlines()[0] == "4 articles trouvés (affichés : 1)."
