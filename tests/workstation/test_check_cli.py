"""`acvd check`: the self-test on the command line, exit status 1 on any failure."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from workstation.cli import main


def test_check_names_each_failure_and_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["check", "--db", f"sqlite:///{tmp_path / 'empty.sqlite3'}",
         "--pbx", "ami://cti:secret@127.0.0.1:1"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "[ÉCHEC] PBX (téléphonie) : Impossible de joindre le PBX 127.0.0.1:1" in result.output
    assert "[ÉCHEC] Base de données clients : la base est vide" in result.output
    assert "Lancez « acvd seed »" in result.output
    assert "[ OK  ] Lettres-types" in result.output
    assert "secret" not in result.output
    assert "2 test(s) en échec." in result.output
