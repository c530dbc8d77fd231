"""The self-test of the workstation (C2.1): each check says OK or what to do, in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.db import make_session_factory
from crm.seeding import seed_demo_company
from crm.views import UserView
from seed_data import SEED_DIR
from workstation.clock import VirtualClock
from workstation.config import load_settings
from workstation.runtime import Runtime, build_runtime
from workstation.selftest import check_database, check_extension, check_templates, run_selftest

STUDENT = UserView(1, "eleve", "Camille Martin", "student", "101", "accueil")


@pytest.fixture
def runtime(db_url: str, clock: VirtualClock, tmp_path: Path) -> Runtime:
    settings = load_settings({"db_url": db_url, "data_dir": str(tmp_path / "data")}, environ={})
    runtime = build_runtime(settings, clock)
    yield runtime
    runtime.close()


async def _identity() -> str:
    return "Asterisk Call Manager/11.0.0"


async def _unreachable() -> str:
    raise ConnectionRefusedError("Impossible de joindre le PBX 127.0.0.1:5038")


async def test_every_check_passes_on_the_demo_company(runtime: Runtime) -> None:
    seed_demo_company(runtime.engine, SEED_DIR, customers=20, seed=3, now=runtime.clock.now(),
                      hash_password=lambda password: "x")  # fmt: skip
    checks = await run_selftest(runtime, STUDENT, _identity)
    assert [c.code for c in checks] == ["pbx", "extension", "database", "kb", "templates"]
    assert all(check.ok for check in checks), checks
    by_code = {check.code: check for check in checks}
    assert "Asterisk Call Manager/11.0.0" in by_code["pbx"].detail
    assert "poste 101" in by_code["extension"].detail
    assert by_code["database"].detail.endswith("clients.")
    assert "articles" in by_code["kb"].detail
    assert by_code["templates"].detail.startswith(
        f"{len(list((SEED_DIR / 'templates').glob('*.docx')))} modèles"
    )


async def test_failures_say_what_is_wrong_and_what_to_do(runtime: Runtime) -> None:
    checks = {c.code: c for c in await run_selftest(runtime, STUDENT, _unreachable)}
    assert not checks["pbx"].ok and "Impossible de joindre le PBX" in checks["pbx"].detail
    assert "--pbx" in checks["pbx"].remedy
    assert not checks["database"].ok and "aucun client" in checks["database"].detail
    assert "acvd seed" in checks["database"].remedy


def test_a_student_without_an_extension_is_told_to_ask_for_one() -> None:
    check = check_extension(UserView(2, "eleve9", "Léa", "student", None, None))
    assert not check.ok and "eleve9" in check.detail and "101 à 130" in check.remedy
    assert check_extension(UserView(3, "jury", "Pierre", "grader", None, None)).ok


def test_missing_or_broken_templates_are_reported(runtime: Runtime, tmp_path: Path) -> None:
    empty = Runtime(runtime.settings, runtime.clock, runtime.engine,
                    make_session_factory(runtime.engine), seed_dir=tmp_path)  # fmt: skip
    (tmp_path / "templates").mkdir()
    assert not check_templates(empty).ok
    (tmp_path / "templates" / "relance.docx").write_bytes(b"not a zip")
    broken = check_templates(empty)
    assert not broken.ok and "relance.docx" in broken.detail


def test_an_empty_database_fails_the_database_check(runtime: Runtime) -> None:
    check = check_database(runtime)
    assert not check.ok and check.label == "Base de données clients"
