"""The letters desk (C3.3) on a seeded database: templates, draft, typed fields, output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from crm.errors import ValidationError
from crm.models import Interaction
from crm.services.customers import find_by_number
from seed_data import SEED_DIR
from tests.crm.conftest import engine, seeded_session_factory  # noqa: F401
from workstation.clock import VirtualClock
from workstation.letters_desk import LettersDesk, Transmission, list_templates

TEMPLATES = SEED_DIR / "templates"
SENT = Transmission("REC/CM/2027-0412", "", "Lettre simple", "Votre facture impayée")


def letters(factory: sessionmaker, out: Path) -> LettersDesk:
    return LettersDesk(
        factory, VirtualClock(), TEMPLATES, out, agent_id=None,
        agent_name="Camille Martin", service_name="Service Recouvrement",
    )  # fmt: skip


def interactions(factory: sessionmaker) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Interaction))


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_templates_are_titled_from_the_readme() -> None:
    titles = {t.name: t.title for t in list_templates(TEMPLATES)}
    assert titles["relance-impaye-1"] == "Relance d'impayé — premier rappel"
    assert titles["mise-en-demeure"] == "Mise en demeure de payer"
    assert len(titles) == 10


def test_reminder_letter_from_a_customer_with_a_debt(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = letters(seeded_session_factory, tmp_path / "courriers")
    template = next(t for t in desk.templates() if t.name == "relance-impaye-1")
    customer = find_by_number(seeded_session_factory, "CL0000003")
    assert customer is not None
    draft = desk.draft(template, customer.id)
    assert draft.customer_name == "Thomas Petit"
    assert [f.name for f in draft.missing] == ["DateLimite"]
    assert "MontantDu" in draft.filled and "Offre" not in draft.filled
    assert draft.missing[0].kind == "date"
    assert {"Reference", "ModeEnvoi"} <= set(draft.transmission)
    before = interactions(seeded_session_factory)

    with pytest.raises(ValidationError) as refused:
        desk.produce(draft, {"DateLimite": "2027-03-12"}, Transmission("", "", "?", ""))
    assert {e.field for e in refused.value.errors} == {"DateLimite", "reference", "mode", "objet"}
    assert "jj/mm/aaaa" in refused.value.errors[0].message
    assert not (tmp_path / "courriers").exists()

    letter = desk.produce(draft, {"DateLimite": "12/03/2027"}, SENT)
    assert letter.path.parent == tmp_path / "courriers"
    assert letter.filled == ("DateLimite",)
    text = text_of(letter.path)
    assert "M. Thomas PETIT" in text
    assert "12 mars 2027" in text
    assert "REC/CM/2027-0412" in text
    assert "PETIT" in letter.preview
    assert interactions(seeded_session_factory) == before

    view = desk.record_sent(letter)
    assert (view.channel, view.direction, view.nature) == ("letter", "outbound", "payment")
    assert view.motive == "Votre facture impayée"
    assert letter.path.name in view.summary
    assert interactions(seeded_session_factory) == before + 1


def test_amounts_are_typed_the_french_way(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = letters(seeded_session_factory, tmp_path / "out")
    template = next(t for t in desk.templates() if t.name == "confirmation-echeancier")
    customer = find_by_number(seeded_session_factory, "CL0000003")
    assert customer is not None
    draft = desk.draft(template, customer.id)
    names = {f.name for f in draft.missing}
    assert {"NombreEcheances", "MontantEcheance", "DatePremiereEcheance"} <= names
    values = {f.name: "x" for f in draft.missing}
    with pytest.raises(ValidationError) as refused:
        desk.produce(draft, values, SENT)
    messages = {e.field: e.message for e in refused.value.errors}
    assert "1 234,56" in messages["MontantEcheance"]
    assert not (tmp_path / "out").exists()
    values.update(
        NombreEcheances="3", MontantEcheance="1 234,56", DatePremiereEcheance="05/03/2027"
    )
    for name in names - {"NombreEcheances", "MontantEcheance", "DatePremiereEcheance"}:
        values[name] = {"date": "01/04/2027", "montant": "10,00"}.get(
            next(f.kind for f in draft.missing if f.name == name), "texte"
        )
    letter = desk.produce(draft, values, SENT)
    text = text_of(letter.path)
    assert "1\u00a0234,56" in text or "1 234,56" in text
    assert date(2027, 3, 5).strftime("%Y") in text


def test_english_reply_carries_the_subject_the_agent_typed(
    seeded_session_factory: sessionmaker,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk = letters(seeded_session_factory, tmp_path / "letters")
    template = next(t for t in desk.templates() if t.name == "reply-english-customer")
    customer = find_by_number(seeded_session_factory, "CL0000007")
    assert customer is not None
    draft = desk.draft(template, customer.id)
    assert "Objet" in draft.transmission
    values = {f.name: "Forfait 50 Go" for f in draft.missing}
    typed = Transmission("ACC/EN/2027-0007", "", "Courrier électronique", "Your roaming charges")
    letter = desk.produce(draft, values, typed)
    text = text_of(letter.path)
    assert "Subject: Your roaming charges" in text
    assert "Using your mobile plan abroad" not in text
    assert "Subject: Your roaming charges" in letter.preview
