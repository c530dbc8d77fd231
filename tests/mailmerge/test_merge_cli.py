"""`acvd merge`: fields, one, batch, preview; errors are French and write nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_builders import SAMPLE, word_style_template
from test_engine import all_text, parts_xml

from mailmerge import find_soffice
from workstation.cli import main

TEMPLATES = Path(__file__).resolve().parents[2] / "seed_data" / "templates"


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["merge", *map(str, args)])
    return result.exit_code, result.output


def test_fields_lists_descriptions_and_unknown_fields(tmp_path: Path) -> None:
    code, output = invoke("fields", TEMPLATES / "confirmation-echeancier.docx")
    assert code == 0
    assert "MontantEcheance" in output and "Montant de chaque échéance" in output
    assert "facultatif : dans une condition SI" in output


def test_fields_with_data_reports_missing_values(tmp_path: Path) -> None:
    data = tmp_path / "client.json"
    data.write_text(json.dumps({"Nom": "Durand"}), encoding="utf-8")
    code, output = invoke("fields", word_style_template(tmp_path / "m.docx"), "--data", data)
    assert code == 1
    assert "Valeurs manquantes dans « client.json » : Prenom" in output


def test_one_writes_a_letter_and_never_overwrites(tmp_path: Path) -> None:
    data = tmp_path / "client.json"
    data.write_text(json.dumps(SAMPLE), encoding="utf-8")
    template = word_style_template(tmp_path / "relance.docx")
    out = tmp_path / "lettres"
    for _ in range(2):
        code, output = invoke("one", template, "--data", data, "--out", out)
        assert code == 0, output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["relance-CL0004512-Durand-2.docx", "relance-CL0004512-Durand.docx"]
    code, output = invoke("one", template, "--data", data, "--out", out, "--no-clobber")
    assert code == 1 and "existe déjà" in output
    assert len(list(out.iterdir())) == 2


def test_one_preview_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "client.json"
    data.write_text(json.dumps(SAMPLE), encoding="utf-8")
    code, output = invoke("one", word_style_template(tmp_path / "m.docx"), "--data", data,
                          "--preview")  # fmt: skip
    assert code == 0
    assert "Chère Madame," in output and "Lyon, le 12 mars 2027" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.json", "m.docx"]


def test_one_refuses_a_bad_template_with_a_french_message(tmp_path: Path) -> None:
    bad = tmp_path / "lettre.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    data = tmp_path / "client.json"
    data.write_text("{}", encoding="utf-8")
    code, output = invoke("one", bad, "--data", data, "--out", tmp_path / "out")
    assert code == 1 and "Word 97-2003" in output
    assert not (tmp_path / "out").exists()


def test_batch_from_csv_to_a_single_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke("batch", TEMPLATES / "relance-impaye-1.docx", "--data",
                          TEMPLATES / "exemples" / "clients-relance.csv", "--out", out,
                          "--single-file")  # fmt: skip
    assert code == 0, output
    assert "3 lettre(s)" in output
    (path,) = out.iterdir()
    assert "Hélène LEFÈVRE" in all_text(path)


def test_batch_with_missing_values_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "liste.json"
    data.write_text(json.dumps([SAMPLE, {**SAMPLE, "Ville": ""}]), encoding="utf-8")
    out = tmp_path / "out"
    code, output = invoke("batch", word_style_template(tmp_path / "m.docx"), "--data", data,
                          "--out", out)  # fmt: skip
    assert code == 1
    assert "Enregistrement n° 2" in output and "Ville" in output
    assert list(out.iterdir()) == []


def test_mailmerge_imports_no_application_package() -> None:
    code = (
        "import sys, mailmerge, mailmerge.pdf, mailmerge.preview;"
        "bad = [m for m in ('textual', 'workstation', 'crm', 'kb', 'cti') if m in sys.modules];"
        "print(bad); sys.exit(bool(bad))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) n'est pas installé")
def test_pdf_through_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = TEMPLATES / "exemples" / "mise-en-demeure.json"
    code, output = invoke(
        "one", TEMPLATES / "mise-en-demeure.docx", "--data", data, "--out", out, "--pdf"
    )
    assert code == 0, output
    pdf = next(out.glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".pdf"]


def test_pdf_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    from mailmerge import OutputError, convert_to_pdf

    with pytest.raises(OutputError, match="LibreOffice est introuvable"):
        convert_to_pdf(tmp_path / "l.docx", tmp_path / "out")
    assert not (tmp_path / "out").exists()


NATIVE_LIBREOFFICE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:p>Bonjour <text:database-display text:table-name="Feuille1" text:table-type="table"
 text:column-name="Prenom" text:database-name="clients">&lt;Prenom&gt;</text:database-display>
 <text:database-display text:table-name="Feuille1" text:table-type="table"
 text:column-name="Nom" text:database-name="clients">&lt;Nom&gt;</text:database-display>,</text:p>
<text:p>Montant : <text:database-display text:table-name="Feuille1" text:table-type="table"
 text:column-name="MontantDu" text:database-name="clients">&lt;MontantDu&gt;</text:database-display>
 €</text:p></office:text></office:body></office:document>"""


def _soffice(tmp_path: Path, *args: str | Path) -> None:
    """One LibreOffice run (several files at once: each start costs seconds)."""
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    command = [str(find_soffice()), profile, "--headless", *map(str, args)]
    subprocess.run(command, capture_output=True, timeout=180, check=True)


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) n'est pas installé")
def test_template_saved_by_libreoffice_merges_and_reopens(tmp_path: Path) -> None:
    """Templates opened and saved again by LibreOffice, merged, then reopened by it."""
    from docx_builders import libreoffice_template

    from mailmerge import merge_one, read_one

    native = tmp_path / "natif.fodt"  # a letter written in LibreOffice with database fields
    native.write_text(NATIVE_LIBREOFFICE, encoding="utf-8")
    sources = [
        word_style_template(tmp_path / "word.docx"),
        libreoffice_template(tmp_path / "lo.docx"),
        native,
    ]
    saved = tmp_path / "saved"
    _soffice(tmp_path, "--convert-to", "docx:MS Word 2007 XML", "--outdir", saved, *sources)
    data = tmp_path / "client.json"
    data.write_text(json.dumps({**SAMPLE, "MontantDu": 1234.5}), encoding="utf-8")
    record = read_one(data)
    merged = []
    for name in ("word.docx", "lo.docx", "natif.docx"):
        out = merge_one(saved / name, record, tmp_path / "out" / name)
        text = all_text(out)
        assert "Durand" in text or "DURAND" in text
        assert "«" not in text and "<Nom>" not in text and "MERGEFIELD" not in parts_xml(out)
        merged.append(out)
    assert "1\u00a0234,50" in all_text(merged[0])
    assert "Bonjour Claire Durand,\nMontant : 1\u00a0234,50 €" in all_text(merged[2])
    assert "mailMerge" not in parts_xml(merged[2])
    _soffice(tmp_path, "--convert-to", "pdf", "--outdir", tmp_path / "pdf", *merged)
    for out in merged:
        assert (tmp_path / "pdf" / f"{out.stem}.pdf").read_bytes().startswith(b"%PDF")


def test_one_from_a_crm_customer_completed_by_json(db_url: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from crm.db import make_engine
    from crm.schema import upgrade
    from crm.seeding import seed_demo_company
    from seed_data import SEED_DIR

    engine = make_engine(db_url)
    try:
        upgrade(engine)
        seed_demo_company(engine, SEED_DIR, customers=8, seed=7,
                          now=datetime.now(UTC), hash_password=lambda p: p)  # fmt: skip
    finally:
        engine.dispose()
    extra = tmp_path / "courrier.json"
    extra.write_text(
        json.dumps({"Reference": "REC/CM/1", "ModeEnvoi": "Lettre simple",
                    "Conseiller": "Camille Martin", "Service": "Service Recouvrement",
                    "DateLimite": "2027-03-07"}),
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "out"
    code, output = invoke("one", TEMPLATES / "relance-impaye-1.docx", "--customer", "CL0000003",
                          "--data", extra, "--db", db_url, "--out", out)  # fmt: skip
    assert code == 0, output
    text = all_text(next(out.iterdir()))
    assert "M. Thomas PETIT" in text and "27 avenue Jean Jaurès" in text
    assert re.search(r"facture n° FA-\d{4}-\d{7}", text)
    assert re.search(r"montant de \d+,\d\d\u00a0€", text)
    code, output = invoke("one", TEMPLATES / "relance-impaye-1.docx", "--customer", "CL9999999",
                          "--db", db_url, "--out", out)  # fmt: skip
    assert code == 1 and "Client introuvable" in output
