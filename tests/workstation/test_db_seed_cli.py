"""`acvd db upgrade|status` and `acvd seed`, end to end on SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from crm.db import make_engine
from crm.models import Customer, User
from crm.schema import head_revision
from workstation.cli import main


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_db_upgrade_then_status(url: str) -> None:
    runner = CliRunner()
    status = runner.invoke(main, ["db", "status", "--db", url])
    assert status.exit_code == 0, status.output
    assert "base vide" in status.output
    first = runner.invoke(main, ["db", "upgrade", "--db", url])
    assert first.exit_code == 0, first.output
    assert f"Base mise à jour : base vide → {head_revision()}." in first.output
    again = runner.invoke(main, ["db", "upgrade", "--db", url])
    assert f"déjà à jour (révision {head_revision()})" in again.output
    status = runner.invoke(main, ["db", "status", "--db", url])
    assert "Schéma : à jour" in status.output
    assert "absente — lancez « acvd seed »" in status.output


def test_seed_creates_the_company_once(url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["seed", "--customers", "40", "--seed", "5", "--db", url])
    assert result.exit_code == 0, result.output
    assert "Entreprise Orbelia Télécom créée : 40 clients" in result.output
    assert "eleve (élève), formateur (formateur), jury (jury)" in result.output
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Customer)) == 40
            assert connection.scalar(select(func.count()).select_from(User)) == 8
        again = runner.invoke(main, ["seed", "--customers", "40", "--db", url])
        assert again.exit_code == 1
        assert "contient déjà une entreprise de démonstration (40 clients)" in again.output
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Customer)) == 40
    finally:
        engine.dispose()
    status = runner.invoke(main, ["db", "status", "--db", url])
    assert "présente (40 clients)" in status.output


def test_seed_refuses_bad_arguments(url: str) -> None:
    result = CliRunner().invoke(main, ["seed", "--customers", "3", "--db", url])
    assert result.exit_code == 1
    assert "au moins 7" in result.output
    result = CliRunner().invoke(main, ["seed", "--customers", "0", "--db", url])
    assert result.exit_code == 2


def test_unreachable_server_is_explained() -> None:
    result = CliRunner().invoke(main, ["db", "status", "--db", "postgresql://127.0.0.1:9/nope"])
    assert result.exit_code == 1
    assert "Base de données injoignable" in result.output
    assert "Traceback" not in result.output
