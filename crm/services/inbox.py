"""Written messages and internal memos (C3.1 rédiger un mémo, C3.2 répondre à un courrier
électronique, C2.3 sauvegarder/archiver, C4.3 signaler une anomalie ou une réaction client).

A reply is a new message in the "sent" folder linked to the one it answers; a draft is the
same row in "drafts" until it is sent. Times come from the caller's clock (`now`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import Customer, Service, User
from crm.models.inbox import (
    FOLDERS,
    LANGUAGES,
    MEMO_KINDS,
    MEMO_PRIORITIES,
    MESSAGE_CHANNELS,
    Memo,
    Message,
)
from crm.services._common import get_customer, require_aware
from crm.views import MessageBrief, Recent

#: The folders as the agent reads them.
FOLDER_LABELS: dict[str, str] = {
    "inbox": "Reçus",
    "drafts": "Brouillons",
    "sent": "Envoyés",
    "archive": "Archivés",
}
PRIORITY_LABELS: dict[str, str] = {
    "low": "Basse",
    "normal": "Normale",
    "high": "Haute",
    "urgent": "Urgente",
}
KIND_LABELS: dict[str, str] = {
    "memo": "Mémo",
    "anomaly": "Anomalie",
    "reaction": "Réaction client",
}
#: Files a reply may carry: a produced letter or a tariff sheet.
ATTACHMENT_SUFFIXES = (".docx", ".pdf", ".txt")
SERVICE_MAILBOX = "service.client@orbelia.fr"

assert set(FOLDER_LABELS) == set(FOLDERS)
assert set(PRIORITY_LABELS) == set(MEMO_PRIORITIES)
assert set(KIND_LABELS) == set(MEMO_KINDS)


@dataclass(frozen=True)
class MessageView:
    """A message as the inbox shows it, with the customer's civility for the greeting."""

    id: int
    channel: str
    language: str
    sender: str
    recipient: str
    subject: str
    body: str
    received_at: datetime
    status: str
    folder: str
    customer_id: int | None
    in_reply_to_id: int | None
    read_at: datetime | None
    answered_at: datetime | None
    annotation: str
    attachments: tuple[str, ...]
    customer_civility: str | None = None
    customer_last_name: str | None = None
    #: "CL0000007": which customer a letter attached to the reply must be addressed to.
    customer_number: str | None = None


@dataclass(frozen=True)
class SentReply:
    """A reply that left: the sent message, the answered one and the delay to answer (C3.2)."""

    reply: MessageView
    original: MessageView
    answer_delay_s: float


@dataclass(frozen=True)
class Recipient:
    """Someone a memo can go to: a service (`service:<code>`) or a colleague (`user:<login>`)."""

    key: str
    label: str


@dataclass(frozen=True)
class MemoView:
    """A memo in a tray."""

    id: int
    kind: str
    priority: str
    subject: str
    body: str
    recipient: str
    author: str | None
    customer_id: int | None
    status: str
    created_at: datetime


@dataclass(frozen=True)
class NewMemo:
    """What the agent writes in the memo form; `recipient` is a `Recipient.key`."""

    recipient: str
    priority: str
    kind: str
    subject: str
    body: str
    created_at: datetime
    author_id: int | None = None
    customer_id: int | None = None


def _message_view(message: Message, customer: Customer | None = None) -> MessageView:
    return MessageView(
        id=message.id,
        channel=message.channel,
        language=message.language,
        sender=message.sender,
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        received_at=message.received_at,
        status=message.status,
        folder=message.folder,
        customer_id=message.customer_id,
        in_reply_to_id=message.in_reply_to_id,
        read_at=message.read_at,
        answered_at=message.answered_at,
        annotation=message.annotation,
        attachments=tuple(line for line in message.attachments.splitlines() if line),
        customer_civility=customer.civility if customer else None,
        customer_last_name=customer.last_name if customer else None,
        customer_number=customer.number if customer else None,
    )


def _view(session: Session, message: Message) -> MessageView:
    customer = session.get(Customer, message.customer_id) if message.customer_id else None
    return _message_view(message, customer)


def _get_message(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id) if isinstance(message_id, int) else None
    if message is None:
        raise NotFound(_("Message introuvable (identifiant {id}).").format(id=message_id))
    return message


def list_messages(session_factory: sessionmaker, folder: str) -> tuple[MessageView, ...]:
    """The messages of a folder, newest first (C3.2)."""
    validation.choice(folder, FOLDER_LABELS, field="dossier")
    with session_factory.begin() as session:
        rows = session.execute(
            select(Message, Customer)
            .outerjoin(Customer, Customer.id == Message.customer_id)
            .where(Message.folder == folder)
            .order_by(Message.received_at.desc(), Message.id.desc())
        ).all()
        return tuple(_message_view(message, customer) for message, customer in rows)


def search_messages(
    session_factory: sessionmaker, text: str, folder: str | None = None
) -> tuple[MessageView, ...]:
    """Messages whose subject, body or sender contain every word of `text`, accents and case
    ignored (« prelevement » finds « Prélèvement »), newest first."""
    words = validation.fold(text or "").split()
    if not words:
        raise ValidationError.single("recherche", _("Saisissez un mot à rechercher."))
    folders = [folder] if folder is not None else list(FOLDER_LABELS)
    found: list[MessageView] = []
    for name in folders:
        for view in list_messages(session_factory, name):
            haystack = validation.fold(f"{view.subject}\n{view.body}\n{view.sender}")
            if all(word in haystack for word in words):
                found.append(view)
    return tuple(sorted(found, key=lambda view: (view.received_at, view.id), reverse=True))


def open_message(session_factory: sessionmaker, message_id: int, now: datetime) -> MessageView:
    """Read a message: an unread one becomes read and keeps the time it was first opened."""
    require_aware(now, "date")
    with session_factory.begin() as session:
        message = _get_message(session, message_id)
        if message.read_at is None and message.folder == "inbox":
            message.read_at = now
        if message.status == "unread":
            message.status = "read"
        session.flush()
        return _view(session, message)


def annotate(session_factory: sessionmaker, message_id: int, note: str) -> MessageView:
    """Keep the agent's note with the message (an empty note removes it)."""
    value = validation.text_value(note, field="annotation", required=False)
    with session_factory.begin() as session:
        message = _get_message(session, message_id)
        message.annotation = value
        session.flush()
        return _view(session, message)


def check_attachment(path: str | Path) -> str:
    """The absolute path of a file a reply may carry: it exists and is .docx, .pdf or .txt."""
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise ValidationError.single("piece_jointe", _("Choisissez un fichier à joindre."))
    file = Path(str(path).strip()).expanduser()
    if file.suffix.lower() not in ATTACHMENT_SUFFIXES:
        raise ValidationError.single(
            "piece_jointe",
            _("« {name} » : seuls les fichiers .docx, .pdf et .txt peuvent être joints.").format(
                name=file.name
            ),
        )
    if not file.is_file():
        raise ValidationError.single(
            "piece_jointe", _("Fichier introuvable : {path}.").format(path=file)
        )
    return str(file.resolve())


def _check_reply(
    body: str, attachments: Sequence[str | Path], now: datetime
) -> tuple[str, tuple[str, ...]]:
    check = validation.Checker()
    text = check(validation.text_value, body, field="reponse", max_length=10000)
    files: list[str] = []
    for path in attachments:
        file = check(check_attachment, path)
        if file and file not in files:
            files.append(file)
    if not isinstance(now, datetime) or now.tzinfo is None:
        check.add("date", _("Date et heure invalides (fuseau horaire manquant)."))
    check.raise_if_any()
    return text, tuple(files)


def _answerable(session: Session, message_id: int) -> Message:
    original = _get_message(session, message_id)
    if original.folder != "inbox":
        raise RuleViolation("not_received", _("Seul un message reçu peut recevoir une réponse."))
    return original


def _draft_of(session: Session, original: Message) -> Message | None:
    return session.scalars(
        select(Message)
        .where(Message.in_reply_to_id == original.id, Message.folder == "drafts")
        .order_by(Message.id)
    ).first()


def _write_reply(
    session: Session,
    original: Message,
    text: str,
    files: tuple[str, ...],
    now: datetime,
    agent_id: int | None,
    folder: str,
) -> Message:
    if agent_id is not None and session.get(User, agent_id) is None:
        raise NotFound(_("Conseiller introuvable (identifiant {id}).").format(id=agent_id))
    reply = _draft_of(session, original)
    if reply is None:
        prefix = "" if original.subject.upper().startswith("RE:") else "RE: "
        reply = Message(
            channel=original.channel,
            language=original.language,
            sender=original.recipient,
            recipient=original.sender,
            subject=(prefix + original.subject)[:200],
            customer_id=original.customer_id,
            in_reply_to_id=original.id,
        )
        session.add(reply)
    reply.body = text
    reply.attachments = "\n".join(files)
    reply.received_at = now
    reply.agent_id = agent_id
    reply.folder = folder
    reply.status = "read"
    session.flush()
    return reply


def save_draft(
    session_factory: sessionmaker,
    message_id: int,
    body: str,
    now: datetime,
    *,
    attachments: Sequence[str | Path] = (),
    agent_id: int | None = None,
) -> MessageView:
    """Save the reply being written in "Brouillons" (one draft per message, updated in place)."""
    text, files = _check_reply(body, attachments, now)
    with session_factory.begin() as session:
        original = _answerable(session, message_id)
        draft = _write_reply(session, original, text, files, now, agent_id, "drafts")
        return _view(session, draft)


def send_reply(
    session_factory: sessionmaker,
    message_id: int,
    body: str,
    now: datetime,
    *,
    attachments: Sequence[str | Path] = (),
    agent_id: int | None = None,
) -> SentReply:
    """Send the answer to a received message (C3.2): the reply (its draft, if any) goes to
    "Envoyés", the message is marked answered, and the delay since it arrived is returned."""
    text, files = _check_reply(body, attachments, now)
    with session_factory.begin() as session:
        original = _answerable(session, message_id)
        if original.status == "answered":
            raise RuleViolation("already_answered", _("Ce message a déjà reçu une réponse."))
        reply = _write_reply(session, original, text, files, now, agent_id, "sent")
        original.status = "answered"
        original.answered_at = now
        original.read_at = original.read_at or now
        session.flush()
        delay = max(0.0, (now - original.received_at).total_seconds())
        return SentReply(_view(session, reply), _view(session, original), delay)


def archive_message(session_factory: sessionmaker, message_id: int) -> MessageView:
    """File a message in "Archivés" (C2.3: sauvegarder, archiver)."""
    with session_factory.begin() as session:
        message = _get_message(session, message_id)
        if message.folder == "archive":
            raise RuleViolation("already_archived", _("Ce message est déjà archivé."))
        if message.folder == "drafts":
            raise RuleViolation(
                "draft", _("Un brouillon ne s'archive pas : envoyez-le ou complétez-le.")
            )
        message.folder = "archive"
        message.status = "archived"
        session.flush()
        return _view(session, message)


def memo_recipients(session_factory: sessionmaker) -> tuple[Recipient, ...]:
    """The services of the org chart, then their active members (C4.1: à qui transmettre)."""
    with session_factory.begin() as session:
        services = session.scalars(select(Service).order_by(Service.extension)).all()
        users = session.execute(
            select(User, Service)
            .join(Service, Service.id == User.service_id)
            .where(User.active.is_(True))
            .order_by(User.display_name)
        ).all()
        return tuple(
            Recipient(
                f"service:{service.code}",
                _("Service {name} (poste {extension})").format(
                    name=service.name, extension=service.extension
                ),
            )
            for service in services
        ) + tuple(
            Recipient(f"user:{user.login}", f"{user.display_name} — {service.name}")
            for user, service in users
        )


def _recipient_label(session: Session, memo: Memo) -> str:
    if memo.to_user_id is not None:
        user = session.get(User, memo.to_user_id)
        return user.display_name if user else "?"
    service = session.get(Service, memo.to_service_id)
    return service.name if service else "?"


def _memo_view(session: Session, memo: Memo) -> MemoView:
    author = session.get(User, memo.author_id) if memo.author_id else None
    return MemoView(
        id=memo.id,
        kind=memo.kind,
        priority=memo.priority,
        subject=memo.subject,
        body=memo.body,
        recipient=_recipient_label(session, memo),
        author=author.display_name if author else None,
        customer_id=memo.customer_id,
        status=memo.status,
        created_at=memo.created_at,
    )


def send_memo(session_factory: sessionmaker, memo: NewMemo) -> MemoView:
    """Send a memo to a service or a colleague (C3.1); kind "anomaly" or "reaction"
    passes on an anomaly or a customer's reaction (C4.3). Every wrong field is reported."""
    check = validation.Checker()
    priority = check(validation.choice, memo.priority, PRIORITY_LABELS, field="priorite")
    kind = check(validation.choice, memo.kind, KIND_LABELS, field="nature")
    subject = check(validation.text_value, memo.subject, field="objet", max_length=200)
    body = check(validation.text_value, memo.body, field="message", max_length=5000)
    if not isinstance(memo.created_at, datetime) or memo.created_at.tzinfo is None:
        check.add("date", _("Date et heure invalides (fuseau horaire manquant)."))
    scope, _sep, key = (memo.recipient or "").partition(":")
    if scope not in ("service", "user") or not key:
        check.add("destinataire", _("Choisissez un destinataire : un service ou un collègue."))
    check.raise_if_any()
    with session_factory.begin() as session:
        service_id = user_id = None
        if scope == "service":
            service_id = session.scalar(select(Service.id).where(Service.code == key))
        else:
            user_id = session.scalar(
                select(User.id).where(User.login == key, User.active.is_(True))
            )
        if service_id is None and user_id is None:
            raise ValidationError.single(
                "destinataire",
                _("Destinataire inconnu de l'organigramme : « {key} ».").format(key=key),
            )
        if memo.author_id is not None and session.get(User, memo.author_id) is None:
            raise NotFound(_("Auteur introuvable (identifiant {id}).").format(id=memo.author_id))
        if memo.customer_id is not None and session.get(Customer, memo.customer_id) is None:
            raise NotFound(_("Client introuvable (identifiant {id}).").format(id=memo.customer_id))
        row = Memo(
            author_id=memo.author_id,
            to_service_id=service_id,
            to_user_id=user_id,
            customer_id=memo.customer_id,
            priority=priority,
            kind=kind,
            subject=subject,
            body=body,
            status="unread",
            created_at=memo.created_at,
        )
        session.add(row)
        session.flush()
        return _memo_view(session, row)


def service_tray(session_factory: sessionmaker, service_code: str) -> tuple[MemoView, ...]:
    """The memos sent to a service or to its members, the most urgent then the newest first."""
    order = {code: rank for rank, code in enumerate(reversed(MEMO_PRIORITIES))}
    with session_factory.begin() as session:
        service = session.scalar(select(Service).where(Service.code == service_code))
        if service is None:
            raise NotFound(_("Service inconnu : « {code} ».").format(code=service_code))
        members = select(User.id).where(User.service_id == service.id)
        memos = session.scalars(
            select(Memo).where((Memo.to_service_id == service.id) | Memo.to_user_id.in_(members))
        ).all()
        views = [_memo_view(session, memo) for memo in memos]
    views.sort(key=lambda view: view.created_at, reverse=True)
    views.sort(key=lambda view: order[view.priority])
    return tuple(views)


@dataclass(frozen=True)
class IncomingMessage:
    """A customer's e-mail or chat message arriving during a shift (practice scenarios)."""

    channel: str
    language: str
    sender: str
    subject: str
    body: str
    received_at: datetime
    customer_number: str | None = None
    recipient: str = "service.client@orbelia.fr"


def receive_message(session_factory: sessionmaker, incoming: IncomingMessage) -> MessageView:
    """File an incoming message in the inbox, unread, tied to its customer when known."""
    check = validation.Checker()
    channel = check(validation.choice, incoming.channel, MESSAGE_CHANNELS, field="canal")
    language = check(validation.choice, incoming.language, LANGUAGES, field="langue")
    # Without a sender address, a known customer writes from the address on their file.
    sender = check(validation.text_value, incoming.sender, field="expediteur", max_length=254,
                   required=not incoming.customer_number)  # fmt: skip
    subject = check(validation.text_value, incoming.subject, field="objet", max_length=200)
    body = check(validation.text_value, incoming.body, field="message", max_length=20000)
    check.raise_if_any()
    require_aware(incoming.received_at, "date")
    with session_factory.begin() as session:
        customer = None
        if incoming.customer_number:
            customer = session.scalar(
                select(Customer).where(Customer.number == incoming.customer_number)
            )
            if customer is None:
                raise NotFound(
                    _("Client introuvable : « {n} ».").format(n=incoming.customer_number)
                )
        if not sender and customer is not None:
            sender = customer.email or f"{customer.first_name} {customer.last_name}".strip()
        row = Message(
            channel=channel,
            language=language,
            sender=sender,
            recipient=incoming.recipient,
            subject=subject,
            body=body,
            received_at=incoming.received_at,
            status="unread",
            folder="inbox",
            customer_id=customer.id if customer else None,
        )
        session.add(row)
        session.flush()
        return _message_view(row, customer)


def recent_messages(session: Session, customer_id: int, limit: int = 3) -> Recent[MessageBrief]:
    """A customer's latest written messages, received and sent (drafts left out), newest
    first, with their count (within `session`, for the customer card's transaction)."""
    # The window count travels with the rows: one round trip gives the items and the total.
    rows = session.execute(
        select(Message, func.count().over())
        .where(Message.customer_id == customer_id, Message.folder != "drafts")
        .order_by(Message.received_at.desc(), Message.id.desc())
        .limit(max(1, limit))
    ).all()
    items = tuple(
        MessageBrief(
            id=message.id,
            channel=message.channel,
            language=message.language,
            folder=message.folder,
            status=message.status,
            subject=message.subject,
            received_at=message.received_at,
            answered_at=message.answered_at,
            attachments=sum(1 for line in message.attachments.splitlines() if line),
        )
        for message, _total in rows
    )
    return Recent(items, rows[0][1] if rows else 0)


def customer_messages(
    session_factory: sessionmaker, customer_id: int, *, limit: int = 3
) -> Recent[MessageBrief]:
    """A customer's latest e-mails and chat messages, received and sent (C3.2), newest first,
    with their count; `NotFound` if the customer does not exist."""
    with session_factory.begin() as session:
        get_customer(session, customer_id)
        return recent_messages(session, customer_id, limit)
