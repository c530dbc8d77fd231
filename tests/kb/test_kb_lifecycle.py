"""Index lifecycle: built on first use, rebuilt when stale or damaged, swapped atomically."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.errors import ContentError, IndexWriteError
from kb.index import META, POINTER, TEXTS, build_index, open_current
from kb.search import KnowledgeBase

NEW_ARTICLE = """---
id: OFF-050
title: Option Sécurité Internet
base: offres
language: fr
tags: [option, antivirus]
updated: 2026-10-20
---
L'option antivirus protège cinq appareils pour 3 € par mois.
"""


def scramble(generation: Path, suffix: str) -> None:
    """Overwrite tantivy's files of one kind with garbage of the same length."""
    for path in generation.glob(f"*{suffix}"):
        path.write_bytes(bytes((i * 151 + 7) % 256 for i in range(path.stat().st_size)))


def current_generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / POINTER).read_text(encoding="utf-8")


def test_built_on_first_use_then_reused(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = KnowledgeBase.open(content, index_dir)
    assert first.notices == ()
    generation = current_generation(index_dir)
    assert (generation / META).is_file()
    second = KnowledgeBase.open(content, index_dir)
    assert current_generation(index_dir) == generation  # same digest: not rebuilt
    assert second.search("box", role="student").total == 3


def test_stale_index_is_rebuilt(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    KnowledgeBase.open(content, index_dir)
    old = current_generation(index_dir)
    (content / "offres" / "off-050.md").write_text(NEW_ARTICLE, encoding="utf-8")
    reopened = KnowledgeBase.open(content, index_dir)
    assert reopened.notices == (
        "Les articles ont changé depuis la dernière indexation : index reconstruit.",
    )
    assert current_generation(index_dir) != old
    assert [h.id for h in reopened.search("antivirus", role="student").hits] == ["OFF-050"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda generation, index_dir: (generation / META).write_text('{"format": "kb-'),
        lambda generation, index_dir: (generation / "meta.json").write_bytes(b"\x00garbage"),
        lambda generation, index_dir: (generation / "meta.json").unlink(),
        lambda generation, index_dir: (index_dir / POINTER).write_text("gen-absent"),
        lambda generation, index_dir: (index_dir / POINTER).write_bytes(b"\xff\xfe../"),
        lambda generation, index_dir: (generation / TEXTS).write_bytes(b"SQLite format 3\x00!"),
        lambda generation, index_dir: (generation / TEXTS).unlink(),
        lambda generation, index_dir: scramble(generation, ".term"),
        lambda generation, index_dir: scramble(generation, ".store"),
    ],
    ids=[
        "truncated-kb-meta",
        "garbage-meta",
        "missing-meta",
        "dangling-pointer",
        "bad-pointer",
        "garbage-texts",
        "missing-texts",
        "garbage-terms",
        "garbage-store",
    ],
)
def test_corrupt_index_gives_message_and_is_rebuilt(content: Path, tmp_path: Path, damage) -> None:
    index_dir = tmp_path / "index"
    KnowledgeBase.open(content, index_dir)
    damage(current_generation(index_dir), index_dir)
    reopened = KnowledgeBase.open(content, index_dir)
    assert len(reopened.notices) == 1
    assert reopened.notices[0].startswith("L'index des bases de connaissances est endommagé (")
    assert reopened.notices[0].endswith("il est reconstruit à partir des articles.")
    assert reopened.search("box", role="student").total == 3
    assert open_current(index_dir) is not None


def test_invalid_new_content_keeps_previous_index(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    KnowledgeBase.open(content, index_dir)
    generation = current_generation(index_dir)
    (content / "offres" / "off-050.md").write_text(NEW_ARTICLE.replace("fr\n", "xx\n"))
    reopened = KnowledgeBase.open(content, index_dir)
    assert current_generation(index_dir) == generation
    assert "l'index précédent reste utilisé" in reopened.notices[0]
    assert "Contenu des bases de connaissances invalide (1 problème(s))" in reopened.notices[0]
    assert "offres/off-050.md, champ « language »" in reopened.notices[0]
    assert reopened.search("box", role="student").total == 3
    # No half-built generation is left behind.
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("tmp-")] == []


def test_invalid_content_without_index_is_an_error(content: Path, tmp_path: Path) -> None:
    (content / "offres" / "off-050.md").write_text("pas d'en-tête")
    with pytest.raises(ContentError, match=r"offres/off-050\.md : en-tête YAML manquant"):
        KnowledgeBase.open(content, tmp_path / "index")
    assert not (tmp_path / "index" / POINTER).exists()


def test_readers_follow_a_swap_made_elsewhere(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reader_a = KnowledgeBase.open(content, index_dir)
    reader_b = KnowledgeBase.open(content, index_dir)
    assert reader_a.search("antivirus", role="student").total == 0
    (content / "offres" / "off-050.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build_index(content, index_dir)  # as `acvd kb index` in another process would
    for reader in (reader_a, reader_b):
        assert [h.id for h in reader.search("antivirus", role="student").hits] == ["OFF-050"]
        assert reader.search("box", role="student").total == 3


def test_old_generations_are_cleaned(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reader = KnowledgeBase.open(content, index_dir)
    first = current_generation(index_dir)
    for _round in range(3):
        build_index(content, index_dir)
    assert len(list(index_dir.glob("gen-*"))) == 2  # the current one and the one before
    assert not first.exists()
    # A reader whose generation was removed moves to the current one, without a rebuild.
    assert reader.article("OFF-001", role="student").markdown.startswith("# Box Essentielle")
    assert reader.search("box", role="student").total == 3
    assert reader.notices == ()
    assert len(list(index_dir.glob("gen-*"))) == 2


BUILDER = """
import sys
from pathlib import Path
from kb.index import build_index
for _ in range(int(sys.argv[3])):
    build_index(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_another_process_rebuilds_while_we_read(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reader = KnowledgeBase.open(content, index_dir)
    builder = subprocess.Popen(
        [sys.executable, "-c", BUILDER, str(content), str(index_dir), "3"],
        cwd=Path(__file__).resolve().parents[2],
    )
    searches = 0
    while builder.poll() is None or searches < 20:
        results = reader.search("box", role="student")
        assert results.total == 3, results
        assert reader.article("ASS-001", role="student").id == "ASS-001"
        searches += 1
    assert builder.wait() == 0
    assert reader.search("voyant rouge", role="student").hits[0].id == "ASS-001"


def test_unwritable_index_folder_is_a_clear_error(content: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(IndexWriteError, match="Impossible d'écrire l'index dans"):
        KnowledgeBase.open(content, blocker / "index")


def test_damaged_article_text_is_rebuilt_on_read(content: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reader = KnowledgeBase.open(content, index_dir)
    connection = sqlite3.connect(current_generation(index_dir) / TEXTS)
    with connection:
        connection.execute("UPDATE article SET markdown = x'00ff'")
    connection.close()
    article = reader.article("OFF-001", role="student")
    assert article.markdown.startswith("# Box Essentielle")
    assert reader.notices[0].startswith("L'index des bases de connaissances est endommagé")
