"""Fixtures of the knowledge-base tests.

Indexes over unchanging content are built once per session (fast suite); tests that change
content or damage the index work on their own copies in tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.search import KnowledgeBase
from seed_data import SEED_DIR

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"
SEED_CONTENT = SEED_DIR / "kb"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private, modifiable copy of the test articles."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The test articles, indexed once (read-only use)."""
    return KnowledgeBase.open(FIXTURE_CONTENT, tmp_path_factory.mktemp("fixture-index"))


@pytest.fixture(scope="session")
def seed_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The company's real articles, indexed once (read-only use)."""
    return KnowledgeBase.open(SEED_CONTENT, tmp_path_factory.mktemp("seed-index"))
