"""`acvd --shift`: a seed shift by its id, or a trainer's file beside unrelated files."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from workstation.launcher import load_practice

SHIFT = """\
kind: shift
id: essai
title: Vacation d'essai
duration_min: 10
queues: [accueil]
calls: [accueil-facture-elevee]
"""


def test_a_seed_shift_by_its_id() -> None:
    shift, library = load_practice("vacation-accueil-20min")
    assert shift.duration_s == 1200 and shift.queues == ("accueil",)
    assert library.call(shift.calls[0].call).direction == "inbound"


def test_an_unknown_id_lists_the_shifts_in_french() -> None:
    with pytest.raises(click.ClickException) as error:
        load_practice("vacation-inconnue")
    assert "Vacation inconnue : « vacation-inconnue »" in error.value.message
    assert "vacation-accueil-20min" in error.value.message


def test_a_trainers_file_beside_unrelated_yaml_uses_the_seed_calls(tmp_path: Path) -> None:
    (tmp_path / "essai.yaml").write_text(SHIFT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "docker-compose.yaml").write_text("services: {web: {}}\n")
    shift, library = load_practice(str(tmp_path / "essai.yaml"))
    assert shift.id == "essai"
    assert library.call("accueil-facture-elevee").caller.customer == "CL0000001"


def test_a_file_that_is_not_a_shift_or_is_broken_is_refused(tmp_path: Path) -> None:
    call = Path(__file__).parent / "practice" / "fixtures" / "appels" / "facture.yaml"
    with pytest.raises(click.ClickException, match="n'est pas une vacation"):
        load_practice(str(call))
    broken = tmp_path / "casse.yaml"
    broken.write_text(SHIFT.replace("duration_min: 10", "duree: 10"), encoding="utf-8")
    with pytest.raises(click.ClickException, match="duree"):
        load_practice(str(broken))
    with pytest.raises(click.ClickException, match="Fichier introuvable"):
        load_practice(str(tmp_path / "absent.yaml"))


def test_speed_is_refused_with_a_classroom_pbx() -> None:
    from click.testing import CliRunner

    from workstation.cli import main

    result = CliRunner().invoke(main, ["--pbx", "ami://cti:x@127.0.0.1:5099", "--speed", "5"])
    assert result.exit_code == 1
    assert "--speed ne s'utilise qu'avec le PBX intégré" in result.output
