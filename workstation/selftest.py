"""The workstation self-test a student runs when taking up the post (C2.1).

"Vérifier et organiser le poste de travail ; repérer les dysfonctionnements, les corriger ou
rendre compte": each check says OK or what is wrong in French, and what to do about it. The
same results feed the TUI's self-test screen and `acvd check`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from gettext import gettext as _

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from crm import schema
from crm.models import Customer
from crm.views import UserView
from cti.ami.errors import AmiError
from kb.errors import KbError
from mailmerge.engine import Template
from mailmerge.errors import MergeError
from workstation.runtime import Runtime


@dataclass(frozen=True)
class Check:
    """One line of the self-test."""

    code: str
    label: str
    ok: bool
    detail: str
    remedy: str = ""


def check_database(runtime: Runtime) -> Check:
    label = _("Base de données clients")
    try:
        if not schema.is_up_to_date(runtime.engine):
            return Check(
                "database", label, False,
                _("le schéma de la base n'est pas à jour."),
                _("Lancez « acvd db upgrade », ou prévenez le formateur."),
            )  # fmt: skip
        with runtime.session_factory() as session:
            customers = session.scalar(select(func.count()).select_from(Customer)) or 0
    except SQLAlchemyError as error:
        return Check(
            "database", label, False,
            _("base injoignable ({reason}).").format(reason=type(error).__name__),
            _("Vérifiez l'adresse de la base (--db) et que le serveur est démarré."),
        )  # fmt: skip
    if customers == 0:
        return Check(
            "database", label, False,
            _("la base est vide : aucun client."),
            _("Lancez « acvd seed » pour créer l'entreprise de démonstration."),
        )  # fmt: skip
    backend = runtime.engine.dialect.name
    return Check(
        "database", label, True,
        _("{backend}, {n} clients.").format(backend=backend, n=f"{customers:,}".replace(",", " ")),
    )  # fmt: skip


def check_knowledge(runtime: Runtime, role: str) -> Check:
    label = _("Bases de connaissances")
    try:
        knowledge = runtime.knowledge()
        bases = knowledge.bases(role)
    except KbError as error:
        return Check(
            "kb", label, False, str(error),
            _("Signalez-le au formateur : les articles doivent être corrigés puis réindexés "
              "(« acvd kb index »)."),
        )  # fmt: skip
    articles = sum(base.articles for base in bases)
    notices = " ".join(knowledge.notices)
    return Check(
        "kb", label, True,
        _("{n} articles dans {b} bases consultables.").format(n=articles, b=len(bases))
        + (f" {notices}" if notices else ""),
    )  # fmt: skip


def check_templates(runtime: Runtime) -> Check:
    label = _("Lettres-types")
    paths = sorted(runtime.templates_dir.glob("*.docx"))
    if not paths:
        return Check(
            "templates", label, False,
            _("aucune lettre-type dans {path}.").format(path=runtime.templates_dir),
            _("Prévenez le formateur : les modèles de courrier manquent."),
        )  # fmt: skip
    broken = []
    for path in paths:
        try:
            Template.open(path)
        except MergeError as error:
            broken.append(f"{path.name} ({error})")
    if broken:
        return Check(
            "templates", label, False,
            _("modèles illisibles : {names}.").format(names=", ".join(broken)),
            _("Prévenez le formateur : ces modèles doivent être réenregistrés au format .docx."),
        )  # fmt: skip
    return Check("templates", label, True, _("{n} modèles prêts.").format(n=len(paths)))


def check_extension(user: UserView) -> Check:
    label = _("Poste téléphonique")
    if user.role == "student" and not user.extension:
        return Check(
            "extension", label, False,
            _("aucun poste n'est attribué au compte « {login} ».").format(login=user.login),
            _("Demandez au formateur de vous attribuer un poste (101 à 130)."),
        )  # fmt: skip
    if not user.extension:
        return Check("extension", label, True, _("pas de poste : compte sans téléphonie."))
    return Check("extension", label, True, _("poste {ext}.").format(ext=user.extension))


async def check_pbx(probe: Callable[[], Awaitable[str]]) -> Check:
    """`probe` connects and logs in to the PBX and returns what it says it is."""
    label = _("PBX (téléphonie)")
    try:
        identity = await probe()
    except (AmiError, OSError) as error:  # reported on the self-test, never raised
        return Check(
            "pbx", label, False, str(error) or type(error).__name__,
            _("Vérifiez l'adresse du PBX (--pbx) et le mot de passe AMI, ou prévenez le "
              "formateur."),
        )  # fmt: skip
    return Check("pbx", label, True, _("joignable, session ouverte ({identity}).").format(
        identity=identity
    ))  # fmt: skip


async def run_selftest(
    runtime: Runtime, user: UserView | None, probe_pbx: Callable[[], Awaitable[str]]
) -> list[Check]:
    """Every check, the blocking ones in threads so the screen stays responsive.

    Without a user (`acvd check`), the extension is not checked and the knowledge bases are
    checked as a student sees them.
    """
    database = asyncio.to_thread(check_database, runtime)
    knowledge = asyncio.to_thread(check_knowledge, runtime, user.role if user else "student")
    templates = asyncio.to_thread(check_templates, runtime)
    pbx = check_pbx(probe_pbx)
    results = await asyncio.gather(pbx, database, knowledge, templates)
    extension = [check_extension(user)] if user is not None else []
    return [results[0], *extension, *results[1:]]
