"""Loading and checking articles: every problem named with its file and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.articles import content_digest, load_content, markdown_to_text
from kb.errors import ContentError


def write(content: Path, relative: str, text: str) -> None:
    (content / relative).write_text(text, encoding="utf-8")


VALID = """---
id: ASS-099
title: Réinitialiser le code PIN
base: assistance
language: fr
tags: [mobile, pin]
updated: 2026-10-15
---
Le code PIN se débloque avec le code PUK.
"""


def test_loads_bases_and_articles(content: Path) -> None:
    loaded = load_content(content)
    assert [b.code for b in loaded.bases] == ["offres", "assistance", "facturation"]
    assert loaded.bases[2].roles == ("trainer", "grader")
    ids = sorted(a.id for a in loaded.articles)
    assert ids == [
        "ASS-001", "ASS-002", "ASS-003", "EN-001", "FAC-001", "FAC-002", "OFF-001", "OFF-002",
    ]  # fmt: skip
    article = next(a for a in loaded.articles if a.id == "ASS-001")
    assert article.base == "assistance"
    assert article.language == "fr"
    assert article.tags == ("box", "voyant", "panne")
    assert article.updated == dt.date(2026, 10, 15)
    assert article.path == "assistance/ass-001-voyant-rouge.md"
    assert article.markdown.startswith("# Le voyant")
    # The heading repeating the title is not indexed twice; Markdown marks are gone.
    assert article.text.startswith("Quand le voyant clignote en rouge, la box")
    assert "**" not in article.text


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("id: ASS-099\n", "", "champ « id » : champ obligatoire manquant"),
        ("base: assistance", "base: inconnue", "champ « base » : base inconnue 'inconnue'"),
        ("base: assistance", "base: offres", "dans le dossier « assistance » mais déclare"),
        ("language: fr", "language: de", "champ « language » : « fr » ou « en » attendu"),
        ("tags: [mobile, pin]", "tags: mobile", "champ « tags » : liste de mots attendue"),
        ("updated: 2026-10-15", "updated: hier", "champ « updated » : date AAAA-MM-JJ"),
        ("id: ASS-099", "id: ass 99", "champ « id » : identifiant du type ASS-012"),
        ("tags: [mobile, pin]\n", "tags: [mobile]\ntag: pin\n", "champ « tag » : champ inconnu"),
        ("title: Réinitialiser le code PIN\n", "", "champ « title » : champ obligatoire"),
    ],
)
def test_bad_front_matter_names_file_and_field(
    content: Path, replace: str, by: str, expected: str
) -> None:
    assert replace in VALID
    write(content, "assistance/ass-099.md", VALID.replace(replace, by))
    with pytest.raises(ContentError) as caught:
        load_content(content)
    assert any(
        p.startswith("assistance/ass-099.md") and expected in p for p in caught.value.problems
    ), caught.value.problems
    assert "Contenu des bases de connaissances invalide" in str(caught.value)


def test_missing_front_matter_and_empty_body(content: Path) -> None:
    write(content, "offres/sans-entete.md", "# Juste un titre\n\nDu texte.\n")
    write(content, "offres/vide.md", VALID.split("Le code")[0].replace("ASS-099", "OFF-099"))
    with pytest.raises(ContentError) as caught:
        load_content(content)
    problems = "\n".join(caught.value.problems)
    assert "offres/sans-entete.md : en-tête YAML manquant" in problems
    assert "offres/vide.md : l'article n'a pas de texte" in problems
    assert "offres/vide.md, champ « base »" in problems  # declared assistance, filed in offres


def test_duplicate_ids_name_both_files(content: Path) -> None:
    write(content, "assistance/copie.md", VALID.replace("ASS-099", "ASS-001"))
    with pytest.raises(ContentError) as caught:
        load_content(content)
    assert caught.value.problems == (
        "assistance/copie.md, champ « id » : identifiant ASS-001 déjà utilisé par "
        "assistance/ass-001-voyant-rouge.md.",
    )


def test_bad_bases_file(content: Path) -> None:
    (content / "bases.yaml").write_text("bases:\n  - code: offres\n    roles: [root]\n")
    with pytest.raises(ContentError) as caught:
        load_content(content)
    problems = "\n".join(caught.value.problems)
    assert "champ « title » : titre manquant" in problems
    assert "champ « roles » : liste de rôles parmi student, trainer, grader" in problems


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="Dossier des bases de connaissances introuvable"):
        load_content(tmp_path / "absent")


def test_digest_follows_paths_and_bytes(content: Path) -> None:
    first = content_digest(content)
    assert content_digest(content) == first
    article = content / "offres" / "off-002-forfait-mobile.md"
    article.write_text(article.read_text(encoding="utf-8") + " ", encoding="utf-8")
    second = content_digest(content)
    assert second != first
    article.rename(content / "offres" / "off-002-renomme.md")
    assert content_digest(content) not in (first, second)
    assert load_content(content).digest == content_digest(content)


def test_markdown_to_text() -> None:
    markdown = (
        "## Étapes\n\n1. Ouvrez **Réglages** puis `Wi-Fi`.\n- Voir [l'aide](https://x.fr).\n\n"
        "| Offre | Prix |\n|---|---|\n| Box Plus | 34,99 € |\n\n---\n> Note : _gratuit_"
    )
    assert markdown_to_text(markdown) == (
        "Étapes Ouvrez Réglages puis Wi-Fi. Voir l'aide. Offre · Prix Box Plus · 34,99 € "
        "Note : _gratuit_"
    )
