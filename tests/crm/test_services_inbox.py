"""Inbox and memos (C3.1, C3.2, C2.3, C4.3): folders, search, read, annotate, draft, reply
with attachments, archive; memos to a service or a colleague; refused input writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models.inbox import Memo, Message
from crm.services import inbox
from tests.crm.conftest import SEED_NOW

NOW = SEED_NOW + timedelta(minutes=5)


def snapshot(session_factory: sessionmaker) -> tuple[list[tuple], list[tuple]]:
    """Every message and memo row, to prove a refused call changed nothing."""
    with session_factory.begin() as session:
        messages = [
            (m.id, m.folder, m.status, m.body, m.annotation, m.attachments, m.read_at)
            for m in session.scalars(select(Message).order_by(Message.id))
        ]
        memos = [
            (m.id, m.kind, m.priority, m.subject)
            for m in session.scalars(select(Memo).order_by(Memo.id))
        ]
    return messages, memos


def message_id(session_factory: sessionmaker, subject: str) -> int:
    return next(m.id for m in inbox.list_messages(session_factory, "inbox") if m.subject == subject)


def test_folders_search_read_and_annotate(seeded_session_factory: sessionmaker) -> None:
    sf = seeded_session_factory
    received = inbox.list_messages(sf, "inbox")
    assert len(received) == 4
    assert [m.received_at for m in received] == sorted(
        (m.received_at for m in received), reverse=True
    )
    assert {m.language for m in received} == {"fr", "en"}
    assert all(m.status == "unread" for m in received)
    assert inbox.list_messages(sf, "sent") == ()

    found = inbox.search_messages(sf, "PRELEVEMENT rejete")
    assert [m.subject for m in found] == ["Prélèvement rejeté"]
    assert [m.subject for m in inbox.search_messages(sf, "outlook")] == [
        "Travelling to the United States next month"
    ]
    assert inbox.search_messages(sf, "introuvablexyz") == ()

    english = message_id(sf, "Travelling to the United States next month")
    opened = inbox.open_message(sf, english, NOW)
    assert (opened.status, opened.read_at) == ("read", NOW)
    assert (opened.customer_civility, opened.customer_last_name) == ("M.", "Wilson")
    again = inbox.open_message(sf, english, NOW + timedelta(minutes=3))
    assert again.read_at == NOW  # the first opening is what counts

    noted = inbox.annotate(sf, english, "  Vérifier le pass États-Unis  ")
    assert noted.annotation == "Vérifier le pass États-Unis"
    assert inbox.list_messages(sf, "inbox")[0].annotation in ("", "Vérifier le pass États-Unis")


def test_draft_then_english_reply_with_attachment(
    seeded_session_factory: sessionmaker, tmp_path: Path
) -> None:
    sf = seeded_session_factory
    sheet = tmp_path / "tarifs.pdf"
    sheet.write_bytes(b"%PDF-1.4")
    english = message_id(sf, "Travelling to the United States next month")

    draft = inbox.save_draft(sf, english, "Dear Mr Wilson,\n\nDraft.", NOW)
    assert (draft.folder, draft.in_reply_to_id, draft.language) == ("drafts", english, "en")
    assert draft.subject == "RE: Travelling to the United States next month"
    inbox.save_draft(sf, english, "Dear Mr Wilson,\n\nBetter draft.", NOW, attachments=[sheet])
    drafts = inbox.list_messages(sf, "drafts")
    assert [(d.id, d.body.endswith("Better draft."), d.attachments) for d in drafts] == [
        (draft.id, True, (str(sheet.resolve()),))
    ]

    sent = inbox.send_reply(
        sf, english, "Dear Mr Wilson,\n\nYes.\n\nKind regards,", NOW, attachments=[str(sheet)]
    )
    assert sent.reply.id == draft.id  # the draft itself left
    assert (sent.reply.folder, sent.reply.recipient) == ("sent", "james.wilson@outlook.com")
    assert sent.reply.attachments == (str(sheet.resolve()),)
    assert (sent.original.status, sent.original.answered_at) == ("answered", NOW)
    assert sent.answer_delay_s == pytest.approx(6 * 3600 + 300)
    assert inbox.list_messages(sf, "drafts") == ()
    assert [m.id for m in inbox.list_messages(sf, "sent")] == [draft.id]

    archived = inbox.archive_message(sf, english)
    assert (archived.folder, archived.status) == ("archive", "archived")
    assert [m.id for m in inbox.list_messages(sf, "archive")] == [english]


def test_refused_replies_write_nothing(
    seeded_session_factory: sessionmaker, tmp_path: Path
) -> None:
    sf = seeded_session_factory
    french = message_id(sf, "Prélèvement rejeté")
    word = tmp_path / "lettre.xlsx"
    word.write_text("x")
    before = snapshot(sf)

    with pytest.raises(ValidationError) as error:
        inbox.send_reply(sf, french, "   ", NOW, attachments=[word, tmp_path / "absent.pdf"])
    assert error.value.for_field("reponse") == ("Ce champ est obligatoire.",)
    messages = error.value.for_field("piece_jointe")
    assert "seuls les fichiers .docx, .pdf et .txt" in messages[0]
    assert messages[1].startswith("Fichier introuvable")
    with pytest.raises(ValidationError):
        inbox.save_draft(sf, french, "Bonjour", NOW.replace(tzinfo=None))
    with pytest.raises(NotFound, match="Message introuvable"):
        inbox.send_reply(sf, 9999, "Bonjour", NOW)
    with pytest.raises(NotFound, match="Conseiller introuvable"):
        inbox.send_reply(sf, french, "Bonjour", NOW, agent_id=9999)
    with pytest.raises(ValidationError, match="Saisissez un mot"):
        inbox.search_messages(sf, "  ")
    with pytest.raises(ValidationError):
        inbox.list_messages(sf, "corbeille")
    with pytest.raises(ValidationError, match="trop long"):
        inbox.annotate(sf, french, "x" * 2001)
    assert snapshot(sf) == before

    inbox.send_reply(sf, french, "Madame, Monsieur,\n\nC'est noté.", NOW)
    after_reply = snapshot(sf)
    with pytest.raises(RuleViolation, match="déjà reçu une réponse"):
        inbox.send_reply(sf, french, "Encore", NOW)
    sent = inbox.list_messages(sf, "sent")[0]
    with pytest.raises(RuleViolation, match="Seul un message reçu"):
        inbox.send_reply(sf, sent.id, "Réponse à ma réponse", NOW)
    inbox.archive_message(sf, french)
    with pytest.raises(RuleViolation, match="déjà archivé"):
        inbox.archive_message(sf, french)
    assert snapshot(sf)[1] == after_reply[1]


def test_memos_to_a_service_and_a_colleague(seeded_session_factory: sessionmaker) -> None:
    sf = seeded_session_factory
    recipients = {r.key: r.label for r in inbox.memo_recipients(sf)}
    assert "service:technique" in recipients
    assert recipients["service:technique"].startswith("Service ")
    colleague = next(key for key in recipients if key.startswith("user:"))
    tray_before = inbox.service_tray(sf, "technique")

    anomaly = inbox.send_memo(
        sf,
        inbox.NewMemo(
            recipient="service:technique",
            priority="urgent",
            kind="anomaly",
            subject="Coupures répétées à Villeurbanne",
            body="Trois clients signalent des coupures depuis ce matin.",
            created_at=NOW,
        ),
    )
    assert (anomaly.kind, anomaly.priority, anomaly.status) == ("anomaly", "urgent", "unread")
    tray = inbox.service_tray(sf, "technique")
    assert len(tray) == len(tray_before) + 1
    assert tray[0].id == anomaly.id  # urgent first

    reaction = inbox.send_memo(
        sf,
        inbox.NewMemo(colleague, "normal", "reaction", "Client satisfait", "Merci.", NOW),
    )
    assert reaction.recipient == recipients[colleague].split(" — ")[0]


def test_refused_memos_write_nothing(seeded_session_factory: sessionmaker) -> None:
    sf = seeded_session_factory
    before = snapshot(sf)
    with pytest.raises(ValidationError) as error:
        inbox.send_memo(sf, inbox.NewMemo("", "vite", "plainte", " ", "", NOW))
    fields = {e.field for e in error.value.errors}
    assert fields == {"destinataire", "priorite", "nature", "objet", "message"}
    with pytest.raises(ValidationError, match="Destinataire inconnu"):
        inbox.send_memo(sf, inbox.NewMemo("service:marketing", "normal", "memo", "A", "B", NOW))
    with pytest.raises(NotFound, match="Service inconnu"):
        inbox.service_tray(sf, "marketing")
    assert snapshot(sf) == before


def test_a_message_arrives_from_a_customer_of_the_file(
    seeded_session_factory: sessionmaker,
) -> None:
    sf = seeded_session_factory
    view = inbox.receive_message(
        sf,
        inbox.IncomingMessage(channel="email", language="en", sender="", subject="Moving house",
                              body="Hello, I am moving next month.", received_at=NOW,
                              customer_number="CL0000001"),
    )  # fmt: skip
    assert (view.folder, view.status, view.language) == ("inbox", "unread", "en")
    assert view.sender == "sophie.durand@free.fr" and view.customer_id is not None
    assert message_id(sf, "Moving house") == view.id


def test_refused_incoming_messages_write_nothing(seeded_session_factory: sessionmaker) -> None:
    sf = seeded_session_factory
    before = snapshot(sf)
    with pytest.raises(ValidationError) as error:
        inbox.receive_message(
            sf,
            inbox.IncomingMessage(channel="fax", language="de", sender="", subject="",
                                  body="x", received_at=NOW),
        )  # fmt: skip
    assert {e.field for e in error.value.errors} == {"canal", "langue", "expediteur", "objet"}
    with pytest.raises(NotFound, match="Client introuvable"):
        inbox.receive_message(
            sf,
            inbox.IncomingMessage(channel="email", language="fr", sender="a@b.fr", subject="S",
                                  body="x", received_at=NOW, customer_number="CL9999999"),
        )  # fmt: skip
    assert snapshot(sf) == before
