"""Records from French Excel CSV exports and JSON files, typed for the field switches."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mailmerge import DataError, read_one, read_records


def test_french_excel_export_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    content = (
        "Civilité;Nom;Prénom;CodePostal;MontantDu;DateEcheance;Commentaire\r\n"
        "Mme;Lefèvre;Hélène;01000;1 234,50;15/02/2027;« à rappeler »\r\n"
        "M.;Dupont;Jean;69002;82,99;2027-03-01;\r\n"
        ";;;;;;\r\n"
    )
    path.write_bytes(content.encode("cp1252"))
    records = list(read_records(path))
    assert len(records) == 2
    first = records[0]
    assert first["Civilité"] == "Mme" and first["Prénom"] == "Hélène"
    assert first["CodePostal"] == "01000"  # a postcode stays text
    assert first["MontantDu"] == Decimal("1234.50")
    assert first["DateEcheance"] == date(2027, 2, 15)
    assert first["Commentaire"] == "« à rappeler »"
    assert records[1]["DateEcheance"] == date(2027, 3, 1)


def test_utf8_with_bom_and_comma_separator(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes('\ufeffNom,MontantDu,Ville\n"Durand, Claire",12.5,Saint-Étienne\n'.encode())
    (record,) = read_records(path)
    assert record == {"Nom": "Durand, Claire", "MontantDu": Decimal("12.5"),
                      "Ville": "Saint-Étienne"}  # fmt: skip


def test_bad_amount_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Nom;MontantDu\nDurand;12,3,4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"ligne 2 : nombre illisible « 12,3,4 » pour MontantDu"):
        list(read_records(path))


def test_json_records_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    path.write_text(
        json.dumps({"records": [{"Nom": "Durand", "MontantDu": 1234.5, "DateEcheance":
                    "2027-03-12", "Rappel": "2027-04-01", "NombreEcheances": 3}]}),
        encoding="utf-8",
    )  # fmt: skip
    (record,) = read_records(path)
    assert record["MontantDu"] == Decimal("1234.5")
    assert record["DateEcheance"] == date(2027, 3, 12)
    assert record["Rappel"] == date(2027, 4, 1)  # an unknown column: ISO dates still typed
    assert record["NombreEcheances"] == Decimal(3)


def test_json_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"Nom": "Durand",', encoding="utf-8")
    with pytest.raises(DataError, match="n'est pas un JSON valide"):
        read_one(path)
    path.write_text('[{"Nom": "A"}, {"Nom": "B"}]', encoding="utf-8")
    with pytest.raises(DataError, match="2 enregistrements ; un seul est attendu"):
        read_one(path)
    path.write_text('{"Nom": {"a": 1}}', encoding="utf-8")
    with pytest.raises(DataError, match="doit être un texte"):
        read_one(path)
    path.write_text('{"DateEcheance": "demain"}', encoding="utf-8")
    with pytest.raises(DataError, match="date illisible"):
        read_one(path)


def test_unsupported_format(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"attendu : \.csv ou \.json"):
        read_records(tmp_path / "clients.xlsx")
