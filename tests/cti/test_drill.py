"""`acvd pbx drill` against the built-in PBX, on a virtual clock (no sleeping)."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from click.testing import CliRunner

from cti.ami.client import AmiClient, parse_ami_url
from cti.drill import DrillPlan, StepResult, run_drill
from cti.pbx import PbxServer, default_config
from workstation.cli import main
from workstation.clock import VirtualClock

SECRET = "drill-secret"


async def drive(clock: VirtualClock, task: asyncio.Future[object], step: float = 0.05) -> None:
    """Move virtual time in small steps until `task` is done (loopback I/O settles between)."""
    for _ in range(4000):
        if task.done():
            return
        await clock.advance(step)
    raise AssertionError("the drill did not finish within 200 virtual seconds")


async def drill_builtin(clock: VirtualClock, plan: DrillPlan | None = None) -> list[StepResult]:
    server = PbxServer(default_config(secret=SECRET), clock)
    host, port = await server.start("127.0.0.1", 0)
    lines: list[StepResult] = []
    try:
        url = parse_ami_url(f"ami://cti:{SECRET}@{host}:{port}")
        task = asyncio.ensure_future(run_drill(url, clock, plan, lines.append))
        await drive(clock, task)
        results = task.result()
    finally:
        await server.stop(restart=False)
    assert results == lines  # every step was reported as it ran
    return results


async def test_every_step_passes_on_the_builtin_pbx(clock: VirtualClock) -> None:
    results = await drill_builtin(clock)
    assert [r.label for r in results if not r.ok] == []
    labels = [r.label for r in results]
    assert labels[0] == "Connexion AMI (Login)" and labels[-1] == "Déconnexion AMI (Logoff)"
    for expected in (
        "Appel entrant : le poste sonne",
        "Décroché",
        "Mise en attente",
        "Reprise de l'appel",
        "Transfert consultatif puis annulation",
        "Transfert consultatif abouti",
        "Transfert aveugle vers le 200",
        "Le conseiller raccroche",
        "Le client raccroche",
        "Appel sortant : décroché",
        "Appel sortant : occupé",
        "Appel sortant : pas de réponse",
        "Appel sortant : réseau encombré",
        "Déconnexion de la file",
    ):
        assert expected in labels
    no_answer = next(r for r in results if r.label == "Appel sortant : pas de réponse")
    assert no_answer.latency_ms >= 19_000  # the outbound Dial gives up after 20 s


async def test_a_wrong_number_plan_fails_the_step_and_says_why(clock: VirtualClock) -> None:
    # 0140000001 answers: expecting "busy" from it must fail, and the drill must go on.
    results = await drill_builtin(clock, DrillPlan(busy_number="0140000001"))
    failed = [r for r in results if not r.ok]
    assert [r.label for r in failed] == ["Appel sortant : occupé"]
    assert "Décroché" in failed[0].detail and "Occupé" in failed[0].detail
    assert "ÉCHEC" in failed[0].line()


async def test_wrong_secret_stops_at_login_with_the_french_message(clock: VirtualClock) -> None:
    server = PbxServer(default_config(secret=SECRET), clock)
    host, port = await server.start("127.0.0.1", 0)
    try:
        url = parse_ami_url(f"ami://cti:wrong@{host}:{port}")
        task = asyncio.ensure_future(run_drill(url, clock))
        await drive(clock, task)
    finally:
        await server.stop(restart=False)
    (login,) = task.result()
    assert not login.ok
    assert login.detail == "Identifiant ou mot de passe AMI refusé par le PBX."


def test_cli_refuses_a_bad_url() -> None:
    result = CliRunner().invoke(main, ["pbx", "drill", "--ami", "http://x"])
    assert result.exit_code == 1
    assert "ami://" in result.output


def test_cli_refuses_a_bad_listen_address() -> None:
    result = CliRunner().invoke(main, ["pbx", "serve", "--listen", "nowhere"])
    assert result.exit_code == 1
    assert "Adresse d'écoute invalide" in result.output


async def test_serve_gives_a_classroom_pbx_clients_can_log_in_to(clock: VirtualClock) -> None:
    acvd = Path(sys.executable).with_name("acvd")
    process = await asyncio.create_subprocess_exec(
        str(acvd),
        "pbx",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--secret",
        "classe-42",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        match = re.search(r"127\.0\.0\.1:(\d+)", line)
        assert match, line
        client = AmiClient(parse_ami_url(f"ami://cti:classe-42@127.0.0.1:{match[1]}"), clock)
        await client.connect()
        assert (await client.action("Ping")).get("Ping") == "Pong"
        await client.close()
    finally:
        process.terminate()
        await process.wait()
