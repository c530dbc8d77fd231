"""Merging templates saved by Word and LibreOffice: values in French, no field code left."""

from __future__ import annotations

import functools
import io
import re
import shutil
import tempfile
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx_builders import (
    SAMPLE,
    TEMPLATE_MAIN,
    build_docx,
    field,
    libreoffice_field,
    libreoffice_template,
    paragraph,
    rpr,
    run,
    simple,
    word_style_template,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from mailmerge import MissingValuesError, Template, TemplateError, merge_batch, merge_one
from mailmerge.preview import preview_record

NBSP = "\u00a0"


def all_text(path: Path) -> str:
    """Every w:t of the body, headers and footers, read back with python-docx."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs]
        texts += [p.text for p in section.footer.paragraphs]
    return "\n".join(texts)


def parts_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )


def assert_clean(path: Path) -> None:
    xml = parts_xml(path)
    assert "MERGEFIELD" not in xml
    assert "<w:instrText" not in xml.replace("> PAGE <", "")
    assert "w:mailMerge" not in xml
    assert "«" not in all_text(path)
    assert not re.search(r"<[A-Za-z]+>", all_text(path))


def test_word_template_every_value_in_french(tmp_path: Path) -> None:
    template = word_style_template(tmp_path / "modele.docx")
    out = merge_one(template, SAMPLE, tmp_path / "lettre.docx")
    text = all_text(out)
    assert "Client : Claire DURAND" in text
    assert "Lyon, le 12 mars 2027" in text
    assert "Chère Madame," in text
    assert f"1{NBSP}234,50{NBSP}€" in text
    assert "15/02/2027" in text
    assert "CL0004512" in text
    assert "Dossier REC/CM/2027-0412" in text  # header
    assert "Page 1 — Lyon" in text  # footer: PAGE kept, MERGEFIELD merged
    assert "Cher Monsieur" not in text  # the stale cached result of the IF is gone
    xml = parts_xml(out)
    assert "MERGEFIELD" not in xml
    assert xml.count("<w:instrText") == 1  # only the footer's PAGE field remains
    assert "w:mailMerge" not in xml
    assert "«" not in text


def test_if_field_takes_the_other_branch(tmp_path: Path) -> None:
    template = word_style_template(tmp_path / "modele.docx")
    out = merge_one(template, {**SAMPLE, "Civilite": "M."}, tmp_path / "lettre.docx")
    assert "Cher Monsieur," in all_text(out)
    assert "Chère Madame" not in all_text(out)


def test_result_keeps_the_formatting_of_the_field(tmp_path: Path) -> None:
    out = merge_one(word_style_template(tmp_path / "m.docx"), SAMPLE, tmp_path / "l.docx")
    runs = docx.Document(str(out)).paragraphs[0].runs
    by_text = {r.text: r for r in runs}
    assert by_text["Claire"].bold is True
    assert by_text["DURAND"].bold is True
    assert not by_text[" "].bold


def test_libreoffice_template(tmp_path: Path) -> None:
    template = libreoffice_template(tmp_path / "lo.docx")
    record = {"Civilite": "M.", "Prenom": "Jean", "Nom": "Martin", "MontantDu": Decimal("82.99"),
              "Ville": "Villeurbanne"}  # fmt: skip
    out = merge_one(template, record, tmp_path / "lettre.docx")
    text = all_text(out)
    assert "M. Jean Martin" in text
    assert "82,99 euros" in text
    assert "Villeurbanne" in text
    assert_clean(out)


def test_typed_values_and_switches(tmp_path: Path) -> None:
    body = paragraph(
        field([' MERGEFIELD DateEcheance \\@ "dddd d MMMM yyyy" ']),
        run(" / "),
        field([' MERGEFIELD MontantDu \\# "#,##0.00" ']),
        run(" / "),
        field([" MERGEFIELD Ville \\* Caps "]),
        run(" / "),
        field([" MERGEFIELD Nom \\* FirstCap \\b ", '"M. " ']),
    )
    out = merge_one(
        build_docx(tmp_path / "m.docx", body),
        {
            "DateEcheance": date(2027, 3, 1),
            "MontantDu": Decimal("-1234.567"),
            "Ville": "saint-étienne",
            "Nom": "dupont",
        },
        tmp_path / "l.docx",
    )
    assert f"lundi 1er mars 2027 / -1{NBSP}234,57 / Saint-Étienne / M. Dupont" in all_text(out)


def test_simple_fields_and_dotx_template(tmp_path: Path) -> None:
    body = paragraph(simple(" MERGEFIELD Nom ", props=rpr(italic=True)), run(" "),
                     simple(' MERGEFIELD DateCourrier \\@ "d MMMM yyyy" '))  # fmt: skip
    template = build_docx(tmp_path / "m.dotx", body, main_type=TEMPLATE_MAIN)
    out = merge_one(template, {"Nom": "Durand", "DateCourrier": "2027-12-31"}, tmp_path / "l")
    assert out.suffix == ".docx"
    assert "Durand 31 décembre 2027" in all_text(out)
    assert docx.Document(str(out)).paragraphs[0].runs[0].italic is True
    with zipfile.ZipFile(out) as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert "template.main" not in types


def test_data_source_link_is_removed(tmp_path: Path) -> None:
    out = merge_one(word_style_template(tmp_path / "m.docx"), SAMPLE, tmp_path / "l.docx")
    with zipfile.ZipFile(out) as archive:
        settings = archive.read("word/settings.xml").decode()
        rels = archive.read("word/_rels/settings.xml.rels").decode()
    assert "mailMerge" not in settings and "defaultTabStop" in settings
    assert "mailMergeSource" not in rels


def test_newlines_and_xml_characters_are_safe(tmp_path: Path) -> None:
    body = paragraph(field([" MERGEFIELD Adresse "]))
    record = {"Adresse": "Bât. <B> & C\n12 rue des Lilas\x01"}
    out = merge_one(build_docx(tmp_path / "m.docx", body), record, tmp_path / "l.docx")
    text = all_text(out)
    assert "Bât. <B> & C\n12 rue des Lilas" in text


def test_field_names_match_like_word(tmp_path: Path) -> None:
    body = paragraph(field([" MERGEFIELD  code_postal "]), run(" "), field([" MERGEFIELD Ville "]))
    out = merge_one(
        build_docx(tmp_path / "m.docx", body),
        {"CodePostal": "69002", "ville": "Lyon"},
        tmp_path / "l.docx",
    )
    assert "69002 Lyon" in all_text(out)


def test_check_lists_unknown_fields_with_suggestions(tmp_path: Path) -> None:
    body = paragraph(field([" MERGEFIELD Prenon "]), field([" MERGEFIELD Nom "]))
    template = Template.open(build_docx(tmp_path / "m.docx", body))
    report = template.check({"Nom": "Durand"})
    assert [f.name for f in report.unknown] == ["Prenon"]
    assert report.unknown[0].suggestions[0] == "Prenom"
    assert report.missing == ("Prenon",)
    assert template.fields[1].variable is not None


def test_missing_values_refuse_the_merge_and_write_nothing(tmp_path: Path) -> None:
    template = word_style_template(tmp_path / "m.docx")
    out_dir = tmp_path / "sortie"
    out_dir.mkdir()
    record = {k: v for k, v in SAMPLE.items() if k not in ("MontantDu", "Ville")}
    with pytest.raises(MissingValuesError) as caught:
        merge_one(template, record, out_dir / "l.docx")
    assert "MontantDu, Ville" in str(caught.value)
    assert caught.value.missing == ("MontantDu", "Ville")
    assert list(out_dir.iterdir()) == []
    out = merge_one(template, record, out_dir / "l.docx", allow_missing=True)
    assert "Montant dû" in all_text(out)


def test_field_only_inside_if_is_optional(tmp_path: Path) -> None:
    template = Template.open(word_style_template(tmp_path / "m.docx"))
    record = {k: v for k, v in SAMPLE.items() if k != "Civilite"}
    assert template.check(record).missing == ()
    assert "Cher Monsieur" in preview_record(template, record)


def test_no_silent_overwrite(tmp_path: Path) -> None:
    template = Template.open(word_style_template(tmp_path / "m.docx"))
    first = merge_one(template, SAMPLE, tmp_path / "lettre.docx")
    second = merge_one(template, SAMPLE, tmp_path / "lettre.docx")
    assert second.name == "lettre-2.docx" and first.exists()
    with pytest.raises(Exception, match="existe déjà"):
        merge_one(template, SAMPLE, tmp_path / "lettre.docx", no_clobber=True)


def test_batch_single_file_has_one_section_per_letter(tmp_path: Path) -> None:
    template = Template.open(word_style_template(tmp_path / "m.docx"))
    records = [{**SAMPLE, "Nom": f"Nom{i}", "Reference": f"REF-{i}"} for i in range(5)]
    result = merge_batch(template, iter(records), tmp_path / "out", single_file=True)
    assert result.letters == 5
    (path,) = result.paths
    document = docx.Document(str(path))
    assert len(document.sections) == 5
    headers = [s.header.paragraphs[0].text for s in document.sections]
    assert headers == [f"Dossier REF-{i}" for i in range(5)]
    text = all_text(path)
    for i in range(5):
        assert f"NOM{i}" in text
    assert "MERGEFIELD" not in parts_xml(path)


def test_batch_separate_files_named_from_the_record(tmp_path: Path) -> None:
    template = Template.open(word_style_template(tmp_path / "m.docx"))
    records = [{**SAMPLE, "Nom": "Élodie/Ça", "NumeroClient": "CL1"}, {**SAMPLE, "Nom": "Lin"}]
    result = merge_batch(template, records, tmp_path / "out")
    assert [p.name for p in result.paths] == ["m-CL1-Elodie-Ca.docx", "m-CL0004512-Lin.docx"]
    assert "ÉLODIE/ÇA" in all_text(result.paths[0])


def test_failed_batch_leaves_the_folder_empty(tmp_path: Path) -> None:
    template = Template.open(word_style_template(tmp_path / "m.docx"))
    records = [SAMPLE, SAMPLE, {**SAMPLE, "Nom": ""}]
    out = tmp_path / "out"
    for single in (False, True):
        with pytest.raises(MissingValuesError, match="Enregistrement n° 3"):
            merge_batch(template, records, out, single_file=single)
        assert list(out.iterdir()) == []


def test_field_across_paragraphs_is_a_clear_error(tmp_path: Path) -> None:
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> MERGEFIELD Nom </w:instrText></w:r></w:p>"
        '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    with pytest.raises(TemplateError, match="plusieurs paragraphes"):
        Template.open(build_docx(tmp_path / "m.docx", body))


def test_unclosed_field_is_a_clear_error(tmp_path: Path) -> None:
    body = '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r></w:p>'
    with pytest.raises(TemplateError, match="pas refermé"):
        Template.open(build_docx(tmp_path / "m.docx", body))


def test_if_without_condition_as_libreoffice_saves_it_keeps_its_text(tmp_path: Path) -> None:
    body = paragraph(field([' IF  "" ""'], result="Madame"), run(","), field([" MERGEFIELD Nom "]))
    out = merge_one(build_docx(tmp_path / "m.docx", body), SAMPLE, tmp_path / "l.docx")
    assert "Madame,Durand" in all_text(out)
    assert "instrText" not in parts_xml(out)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(prenom=_TEXT, nom=_TEXT)
def test_any_text_value_comes_back_exactly(prenom: str, nom: str) -> None:
    """Whatever the characters (XML specials, accents, emoji), the letter holds the value."""
    template = _ROUND_TRIP_TEMPLATE()
    buffer = io.BytesIO()
    template.write({"Prenom": prenom, "Nom": nom}, buffer)
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    assert document.paragraphs[0].text == f"[{prenom}|{nom}]"


@functools.cache
def _ROUND_TRIP_TEMPLATE() -> Template:
    body = paragraph(run("["), field([" MERGE", "FIELD Pre", "nom "]), run("|"),
                     simple(" MERGEFIELD Nom "), run("]"))  # fmt: skip
    directory = Path(tempfile.mkdtemp(prefix="acvd-test-"))
    try:
        return Template.open(build_docx(directory / "m.docx", body))
    finally:
        shutil.rmtree(directory)


def test_libreoffice_database_field_names(tmp_path: Path) -> None:
    """LibreOffice may keep the data source in the name: clients.Feuille1.Nom."""
    body = paragraph(
        libreoffice_field("clients.Feuille1.Prenom"), run(" "), libreoffice_field("Nom")
    )
    template = Template.open(build_docx(tmp_path / "m.docx", body))
    assert [f.variable.name for f in template.fields if f.variable] == ["Prenom", "Nom"]
    out = merge_one(template, {"Prenom": "Claire", "Nom": "Durand"}, tmp_path / "l.docx")
    assert "Claire Durand" in all_text(out)
    assert_clean(out)
