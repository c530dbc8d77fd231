"""Bad templates get a precise French message and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx_builders import SAMPLE, build_docx, field, paragraph, word_style_template

from mailmerge import TemplateError, merge_batch, merge_one
from mailmerge.package import MAX_TOTAL_BYTES


def refused(template: Path, tmp_path: Path, message: str) -> None:
    out = tmp_path / "sortie"
    out.mkdir(exist_ok=True)
    with pytest.raises(TemplateError, match=message):
        merge_one(template, SAMPLE, out / "lettre.docx")
    with pytest.raises(TemplateError, match=message):
        merge_batch(template, [SAMPLE], out, single_file=True)
    assert list(out.iterdir()) == []


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "lettre.docx"
    path.write_text("Madame, Monsieur,", encoding="utf-8")
    refused(path, tmp_path, "n'est pas un document Word .docx")


def test_doc_renamed_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "ancien.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    refused(path, tmp_path, r"Word 97-2003 \(\.doc\)")


def test_broken_zip(tmp_path: Path) -> None:
    good = word_style_template(tmp_path / "bon.docx").read_bytes()
    path = tmp_path / "casse.docx"
    path.write_bytes(good[: len(good) // 2])
    refused(path, tmp_path, "endommagé")


def test_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bombe.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (MAX_TOTAL_BYTES + 10))
    assert path.stat().st_size < MAX_TOTAL_BYTES // 100
    refused(path, tmp_path, "bombe zip")


def test_zip_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    path = tmp_path / "menteuse.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (MAX_TOTAL_BYTES + 10))
    data = bytearray(path.read_bytes())
    # Patch the declared uncompressed size (local header and central directory) to 1 kB.
    real = (MAX_TOTAL_BYTES + 10).to_bytes(4, "little")
    data = data.replace(real, (1024).to_bytes(4, "little"))
    path.write_bytes(bytes(data))
    refused(path, tmp_path, "bombe zip|endommagé")


def test_missing_document_xml(tmp_path: Path) -> None:
    path = tmp_path / "vide.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<styles/>")
    refused(path, tmp_path, r"la partie principale \(word/document.xml\) manque")


def test_a_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "rien")
    refused(path, tmp_path, r"\[Content_Types\].xml manque")


def test_macros_are_refused(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "macro.docx", paragraph(field([" MERGEFIELD Nom "])))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00")
    refused(path, tmp_path, "macros")


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "dtd.docx", paragraph())
    data = {}
    with zipfile.ZipFile(path) as archive:
        data = {n: archive.read(n) for n in archive.namelist()}
    data["word/document.xml"] = data["word/document.xml"].replace(
        b"?>\n", b'?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaa">]>\n', 1
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    refused(path, tmp_path, "DTD")


def test_broken_xml_names_the_part(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "xml.docx", "<w:p><w:r>")
    refused(path, tmp_path, "word/document.xml n'est pas du XML valide")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="Modèle introuvable"):
        merge_one(tmp_path / "absent.docx", SAMPLE, tmp_path / "l.docx")


def test_malformed_if_field(tmp_path: Path) -> None:
    nested = field([" MERGEFIELD Civilite "])
    path = build_docx(tmp_path / "si.docx", paragraph(field([" IF ", nested, ' "Mme" '])))
    refused(path, tmp_path, "une condition SI s'écrit")
