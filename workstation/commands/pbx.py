"""`acvd pbx`: serve the built-in training PBX, and drill any AMI server (C2.1, C2.2).

`acvd pbx drill --ami ami://USER:SECRET@HOST:PORT` checks a classroom Asterisk with the
whole call-control sequence; without `--ami` it checks the built-in PBX, started in-process on a
free loopback port. `acvd pbx serve` serves the built-in PBX to a classroom. `acvd pbx customer`
lets a person in another terminal play the customer: it places the call and carries the lines.
"""

from __future__ import annotations

import asyncio
import secrets
from gettext import gettext as _

import click

from workstation.cli import fail
from workstation.clock import SystemClock


@click.group()
def pbx() -> None:
    """Téléphonie : PBX d'entraînement intégré et vérification d'un PBX."""


def _parse_listen(listen: str) -> tuple[str, int]:
    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        fail(
            _("Adresse d'écoute invalide : « {listen} » (ex. 127.0.0.1:5038).").format(
                listen=listen
            )
        )
    return host, int(port)


@pbx.command()
@click.option(
    "--ami",
    "ami_url",
    metavar="URL",
    help="PBX à vérifier : ami://utilisateur:secret@hote:port (défaut : le PBX intégré).",
)
@click.option("--agent", default="130", show_default=True, help="Poste d'agent utilisé.")
@click.option("--queue", default="accueil", show_default=True, help="File d'attente utilisée.")
@click.option("--target", default="200", show_default=True, help="Poste cible des transferts.")
def drill(ami_url: str | None, agent: str, queue: str, target: str) -> None:
    """Déroule toute la gestion d'appel sur un PBX et affiche chaque étape."""
    from cti.ami.client import parse_ami_url
    from cti.ami.errors import InvalidAmiUrl
    from cti.drill import DrillPlan, StepResult, run_drill

    plan = DrillPlan(agent=agent, queue=queue, transfer_target=target)

    def report(result: StepResult) -> None:
        click.echo(result.line())

    async def against_builtin() -> list[StepResult]:
        from cti.pbx import PbxServer, default_config

        clock = SystemClock()
        secret = secrets.token_urlsafe(12)
        server = PbxServer(default_config(secret=secret), clock)
        host, port = await server.start("127.0.0.1", 0)
        click.echo(_("PBX intégré démarré sur {host}:{port}.").format(host=host, port=port))
        try:
            url = parse_ami_url(f"ami://cti:{secret}@{host}:{port}")
            return await run_drill(url, clock, plan, report)
        finally:
            await server.stop(restart=False)

    if ami_url:
        try:
            url = parse_ami_url(ami_url)
        except InvalidAmiUrl as error:
            fail(str(error))
        click.echo(_("Exercice sur {url}.").format(url=url))
        results = asyncio.run(run_drill(url, SystemClock(), plan, report))
    else:
        results = asyncio.run(against_builtin())
    failed = [result for result in results if not result.ok]
    if failed or not results:
        click.echo(
            _("{n} étape(s) en échec sur {total}.").format(n=len(failed), total=len(results))
        )
        raise SystemExit(1)
    click.echo(_("Toutes les étapes ont réussi ({total}).").format(total=len(results)))


@pbx.command()
@click.option(
    "--listen", default="127.0.0.1:5038", show_default=True, help="Adresse et port d'écoute AMI."
)
@click.option(
    "--secret",
    envvar="ACVD_PBX_SECRET",
    default=None,
    help="Secret du compte cti (défaut : celui de cti/asterisk/manager.conf).",
)
def serve(listen: str, secret: str | None) -> None:
    """Sert le PBX d'entraînement intégré à une salle de classe (Ctrl-C pour arrêter)."""
    from cti.pbx import PbxServer, default_config

    host, port = _parse_listen(listen)
    config = default_config(secret=secret) if secret else default_config()

    async def serve_forever() -> None:
        server = PbxServer(config, SystemClock())
        try:
            bound_host, bound_port = await server.start(host, port)
        except OSError as error:
            fail(
                _("Impossible d'écouter sur {listen} : {error}").format(
                    listen=listen, error=error.strerror or error
                )
            )
        click.echo(
            _(
                "PBX d'entraînement à l'écoute sur {host}:{port} (compte AMI « cti »). "
                "Ctrl-C pour arrêter."
            ).format(host=bound_host, port=bound_port)
        )
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop(restart=False)

    try:
        asyncio.run(serve_forever())
    except KeyboardInterrupt:
        click.echo(_("PBX arrêté."))


@pbx.command()
@click.option(
    "--ami",
    "ami_url",
    metavar="URL",
    help="PBX : ami://utilisateur:secret@hote:port (défaut : --pbx / ACVD_PBX, sinon le PBX "
    "servi par « acvd pbx serve » sur 127.0.0.1:5038).",
)
@click.option("--queue", default="accueil", show_default=True, help="Service appelé.")
@click.option("--number", default="0612345678", show_default=True, help="Numéro du client.")
@click.option("--name", default="Client", show_default=True, help="Nom affiché du client.")
@click.pass_context
def customer(ctx: click.Context, ami_url: str | None, queue: str, number: str, name: str) -> None:
    """Jouer le client : appeler un service, puis écrire ses répliques (/raccrocher pour finir)."""
    import sys

    from cti.ami.client import AmiClient, parse_ami_url
    from cti.ami.errors import AmiError, InvalidAmiUrl
    from cti.customer import CustomerCall, CustomerNews
    from cti.pbx.config import CTI_PLACEHOLDER_SECRET, CTI_USERNAME
    from workstation.cli import settings_from

    default = f"ami://{CTI_USERNAME}:{CTI_PLACEHOLDER_SECRET}@127.0.0.1:5038"
    try:
        url = parse_ami_url(ami_url or settings_from(ctx).pbx_url or default)
    except InvalidAmiUrl as error:
        fail(str(error))

    def hear(news: CustomerNews) -> None:
        if news.kind == "line":
            click.echo(_("Conseiller : {text}").format(text=news.text))
        elif news.kind == "answered":
            click.echo(_("[Le conseiller a décroché : {who}]").format(who=news.text))
        elif news.kind == "hold":
            click.echo(_("[Mis en attente]"))
        elif news.kind == "retrieved":
            click.echo(_("[Repris par le conseiller]"))
        elif news.kind == "transferred":
            click.echo(_("[Transféré vers le poste {target}]").format(target=news.text))
        elif news.kind == "ended":
            click.echo(_("[Appel terminé — Entrée pour quitter]"))

    async def play() -> None:
        client = AmiClient(url, SystemClock(), reconnect=None)
        await client.connect()
        call = CustomerCall(client, hear)
        try:
            await call.place(number, name, queue)
            click.echo(
                _("Appel vers « {queue} » en cours. Écrivez vos répliques.").format(queue=queue)
            )
            while not call.ended:
                line = await asyncio.to_thread(sys.stdin.readline)
                if call.ended:
                    break
                text = line.strip()
                if not line or text == "/raccrocher":
                    await call.hang_up()
                    break
                if text:
                    await call.say(text)
        finally:
            call.close()
            await client.close()

    try:
        asyncio.run(play())
    except AmiError as error:
        fail(str(error))
