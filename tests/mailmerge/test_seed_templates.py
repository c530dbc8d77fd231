"""Every seed lettre-type merges with its sample record into a clean letter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_engine import all_text, parts_xml

from mailmerge import Template, merge_batch, merge_one, read_one, read_records

TEMPLATES = Path(__file__).resolve().parents[2] / "seed_data" / "templates"
NAMES = sorted(p.stem for p in TEMPLATES.glob("*.docx"))
NBSP = "\u00a0"


def test_there_are_at_least_ten_templates_with_a_sample_each() -> None:
    assert len(NAMES) >= 10
    for name in NAMES:
        assert (TEMPLATES / "exemples" / f"{name}.json").is_file()
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}.docx`" in readme


@pytest.mark.parametrize("name", NAMES)
def test_seed_template_merges_with_its_sample(name: str, tmp_path: Path) -> None:
    template = Template.open(TEMPLATES / f"{name}.docx")
    record = read_one(TEMPLATES / "exemples" / f"{name}.json")
    report = template.check(record)
    assert report.unknown == () and report.missing == ()
    out = merge_one(template, record, tmp_path)
    text = all_text(out)
    xml = parts_xml(out)
    assert "MERGEFIELD" not in xml and "instrText" not in xml
    assert "«" not in text and not re.search(r"<\w+>", text)
    assert "Orbelia Télécom" in text and "RCS Lyon 912 345 678" in text
    assert str(record["Conseiller"]) in text
    if name != "reply-english-customer":
        assert re.search(r"Lyon, le \d+(er)? \w+ 2027", text)
        assert ("Madame," if record["Civilite"] == "Mme" else "Monsieur,") in text
        assert "salutations distinguées" in text


def test_formal_notice_reads_as_expected(tmp_path: Path) -> None:
    record = read_one(TEMPLATES / "exemples" / "mise-en-demeure.json")
    out = merge_one(TEMPLATES / "mise-en-demeure.docx", record, tmp_path / "l.docx")
    text = all_text(out)
    assert "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION" in text
    assert f"49,98{NBSP}€" in text
    assert "au plus tard le 1er avril 2027" in text
    assert "M. Thomas PETIT" in text
    assert "V/Réf." not in text  # empty V/Réf.: the IF prints nothing


def test_batch_from_the_french_csv_sample(tmp_path: Path) -> None:
    records = read_records(TEMPLATES / "exemples" / "clients-relance.csv")
    result = merge_batch(TEMPLATES / "relance-impaye-1.docx", records, tmp_path, single_file=True)
    assert result.letters == 3
    text = all_text(result.paths[0])
    assert f"1{NBSP}234,50{NBSP}€" in text and "Chère" not in text
    assert "Madame," in text and "Monsieur," in text
    assert "V/Réf. : Votre appel du 20 février 2027" in text
