"""`acvd check`: the workstation self-test on the command line (C2.1)."""

from __future__ import annotations

import asyncio
from gettext import gettext as _

import click

from workstation.cli import db_option, fail, settings_from
from workstation.clock import SystemClock
from workstation.database import DatabaseUnavailable
from workstation.runtime import Runtime, build_runtime
from workstation.selftest import Check, run_selftest
from workstation.telephony import Telephony


def format_check(check: Check) -> str:
    status = _("OK") if check.ok else _("ÉCHEC")
    line = f"[{status:^5}] {check.label} : {check.detail}"
    return line + (f"\n        → {check.remedy}" if check.remedy else "")


async def _run(telephony: Telephony, runtime: Runtime) -> list[Check]:
    try:
        return await run_selftest(runtime, None, telephony.probe)
    finally:
        await telephony.close()


@click.command("check")
@db_option
@click.option("--pbx", "pbx_url", metavar="URL", help="PBX à tester (défaut : le PBX intégré).")
@click.pass_context
def check(ctx: click.Context, db_url: str | None, pbx_url: str | None) -> None:
    """Teste le poste : PBX, base clients, bases de connaissances, lettres-types.

    Code de sortie 1 si un test échoue.
    """
    settings = settings_from(ctx, db_url=db_url, pbx_url=pbx_url)
    try:
        runtime = build_runtime(settings, SystemClock())
    except DatabaseUnavailable as error:
        fail(str(error))
    try:
        checks = asyncio.run(_run(Telephony(runtime.clock, settings.pbx_url), runtime))
    finally:
        runtime.close()
    for item in checks:
        click.echo(format_check(item))
    failed = [item for item in checks if not item.ok]
    if failed:
        click.echo(_("{n} test(s) en échec.").format(n=len(failed)), err=True)
        ctx.exit(1)
    click.echo(_("Poste prêt : tous les tests sont validés."))
