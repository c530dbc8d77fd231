"""The action journal: what every user action and telephony event of a shift left behind.

DESIGN principle 3: evaluation reads only the journal. Each entry carries its shift, agent and
call, a kind, a JSON payload, a UTC wall-clock time and a monotonic nanosecond time. Entries
are append-only (database triggers refuse UPDATE and DELETE, and this module offers neither)
and hash-chained per shift: each entry's hash covers its content and the previous entry's
hash, and the shift row keeps the head of the chain, so an edited, deleted or inserted row is
found by `verify` and named.

Appends go straight to the DBAPI connection: an acknowledged entry is committed (SQLite WAL
keeps it across a kill -9 of the process), and the per-append overhead stays close to a bare
INSERT + COMMIT (see benchmarks/bench_journal.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from gettext import gettext as _
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import Base

GENESIS_HASH = "0" * 64
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class JournalClock(Protocol):
    """The part of a clock the journal reads (workstation.clock.Clock satisfies it)."""

    def now(self) -> datetime: ...

    def monotonic_ns(self) -> int: ...


class JournalError(Exception):
    """A journal operation that cannot be done; the message is for the user (French)."""


class ShiftRow(Base):
    """One practice shift ("vacation"). Its chain head is sealed when the shift ends."""

    __tablename__ = "journal_shifts"

    shift_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[str] = mapped_column(String(32))
    ended_at: Mapped[str | None] = mapped_column(String(32))
    # Sealed at the end of the shift: entries deleted after the last one are then detected.
    head_seq: Mapped[int | None] = mapped_column(Integer)
    head_hash: Mapped[str | None] = mapped_column(String(64))


class EntryRow(Base):
    """One journal entry. Never updated nor deleted (guarded by triggers)."""

    __tablename__ = "journal_entries"
    __table_args__ = (UniqueConstraint("shift_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No index beyond (shift_id, seq): every extra one is another page written per commit,
    # and readers always go through a shift.
    shift_id: Mapped[str] = mapped_column(ForeignKey("journal_shifts.shift_id"))
    seq: Mapped[int] = mapped_column(Integer)
    agent: Mapped[str] = mapped_column(String(64))
    call_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    wall_time: Mapped[str] = mapped_column(String(32))
    mono_ns: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Shift:
    shift_id: str
    agent: str
    title: str
    started_at: datetime
    ended_at: datetime | None
    #: Entries sealed at the end of the shift (None while it is running or if it was cut).
    sealed_entries: int | None


@dataclass(frozen=True)
class JournalEntry:
    id: int
    shift_id: str
    seq: int
    agent: str
    call_id: str | None
    kind: str
    payload: Mapping[str, Any]
    wall_time: datetime
    mono_ns: int
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Tampering:
    """The first broken link of a shift's chain."""

    shift_id: str
    seq: int | None
    entry_id: int | None
    reason: str

    def describe(self) -> str:
        where = (
            _("entrée n° {seq} (id {id})").format(seq=self.seq, id=self.entry_id)
            if self.seq is not None
            else _("fin du journal")
        )
        return _("vacation {shift}, {where} : {reason}").format(
            shift=self.shift_id, where=where, reason=self.reason
        )


# --- hashing -------------------------------------------------------------------------------


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """The one JSON text stored and hashed for a payload (sorted keys, no spaces)."""
    try:
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise JournalError(
            _("Données d'entrée de journal non enregistrables en JSON : {error}").format(
                error=error
            )
        ) from error


def format_wall_time(moment: datetime) -> str:
    """ISO 8601 UTC with microseconds and a Z: sortable as text, identical on every database."""
    if moment.tzinfo is None:
        raise JournalError(_("L'heure d'une entrée de journal doit être en UTC."))
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_wall_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def entry_hash(
    prev_hash: str,
    shift_id: str,
    seq: int,
    agent: str,
    call_id: str | None,
    kind: str,
    payload: str,
    wall_time: str,
    mono_ns: int,
) -> str:
    """SHA-256 over the previous hash and every stored field of the entry."""
    material = json.dumps(
        [prev_hash, shift_id, seq, agent, call_id, kind, payload, wall_time, mono_ns],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# --- guards --------------------------------------------------------------------------------

_SQLITE_GUARDS = [
    """CREATE TRIGGER IF NOT EXISTS journal_entries_no_update BEFORE UPDATE ON journal_entries
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_entries_no_delete BEFORE DELETE ON journal_entries
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
]
_POSTGRES_GUARDS = [
    """CREATE OR REPLACE FUNCTION journal_entries_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'journal entries are append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS journal_entries_no_change ON journal_entries",
    """CREATE TRIGGER journal_entries_no_change BEFORE UPDATE OR DELETE ON journal_entries
       FOR EACH ROW EXECUTE FUNCTION journal_entries_append_only()""",
]


def install_guards(connection: Connection) -> None:
    """Make the database itself refuse UPDATE and DELETE on journal entries."""
    statements = _SQLITE_GUARDS if connection.dialect.name == "sqlite" else _POSTGRES_GUARDS
    for statement in statements:
        connection.exec_driver_sql(statement)


def remove_guards(connection: Connection) -> None:
    """Drop the guards (migration downgrade only)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS journal_entries_no_update")
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS journal_entries_no_delete")
    else:
        connection.exec_driver_sql(
            "DROP TRIGGER IF EXISTS journal_entries_no_change ON journal_entries"
        )
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS journal_entries_append_only()")


# --- writing -------------------------------------------------------------------------------


def new_shift_id(agent: str, moment: datetime) -> str:
    """A readable, unique shift id: date, agent, random suffix."""
    safe_agent = re.sub(r"[^a-z0-9]+", "-", agent.lower()).strip("-") or "agent"
    return f"{moment:%Y%m%d-%H%M}-{safe_agent}-{uuid.uuid4().hex[:6]}"


def _unique_violation(dbapi_connection: Any) -> type[Exception]:
    """The driver's exception for a duplicate (shift_id, seq)."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        import psycopg

        return psycopg.errors.UniqueViolation
    return sqlite3.IntegrityError


class JournalWriter:
    """Appends the entries of one shift. One writer per thread; it owns a DBAPI connection.

    The chain head is cached, so an append is one INSERT and one COMMIT. The UNIQUE
    (shift_id, seq) constraint keeps one chain when two writers share a shift (the student's
    workstation and the trainer playing the customer): the loser reloads the head and retries.
    """

    def __init__(self, engine: Engine, shift_id: str, agent: str, clock: JournalClock) -> None:
        self.shift_id = shift_id
        self.agent = agent
        self._clock = clock
        self._connection = engine.raw_connection()
        self._dbapi = self._connection.driver_connection
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._sql_insert = (
            "INSERT INTO journal_entries (shift_id, seq, agent, call_id, kind, payload, "
            f"wall_time, mono_ns, prev_hash, hash) VALUES ({', '.join([marker] * 10)})"
        )
        self._sql_head = (
            f"SELECT seq, hash FROM journal_entries WHERE shift_id = {marker} "
            "ORDER BY seq DESC LIMIT 1"
        )
        self._sql_shift = f"SELECT ended_at FROM journal_shifts WHERE shift_id = {marker}"
        self._sql_seal = (
            f"UPDATE journal_shifts SET ended_at = {marker}, head_seq = {marker}, "
            f"head_hash = {marker} WHERE shift_id = {marker}"
        )
        self._known_kinds: set[str] = set()
        self._conflict = _unique_violation(self._dbapi)
        # One cursor for the writer's life: appends are the hot path.
        self._cursor = self._dbapi.cursor()
        self._head_seq, self._head_hash = self._load_head()

    @classmethod
    def start_shift(
        cls, engine: Engine, agent: str, clock: JournalClock, title: str = "", shift_id: str = ""
    ) -> JournalWriter:
        """Create a shift and return its writer."""
        moment = clock.now()
        shift_id = shift_id or new_shift_id(agent, moment)
        with engine.begin() as connection:
            connection.execute(
                ShiftRow.__table__.insert().values(
                    shift_id=shift_id, agent=agent, title=title, started_at=format_wall_time(moment)
                )
            )
        return cls(engine, shift_id, agent, clock)

    def _fetch_one(self, sql: str, params: tuple[Any, ...]) -> Any:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()
            self._dbapi.rollback()

    def _load_head(self) -> tuple[int, str]:
        shift = self._fetch_one(self._sql_shift, (self.shift_id,))
        if shift is None:
            raise JournalError(_("Vacation inconnue : {shift}.").format(shift=self.shift_id))
        if shift[0] is not None:
            raise JournalError(_("Vacation terminée : {shift}.").format(shift=self.shift_id))
        head = self._fetch_one(self._sql_head, (self.shift_id,))
        return (0, GENESIS_HASH) if head is None else (int(head[0]), str(head[1]))

    def _check_kind(self, kind: str) -> None:
        if kind in self._known_kinds:
            return
        if not KIND_PATTERN.match(kind):
            raise JournalError(
                _("Type d'entrée de journal invalide : « {kind} » (ex. « call.answer »).").format(
                    kind=kind
                )
            )
        self._known_kinds.add(kind)

    def append(
        self, kind: str, payload: Mapping[str, Any] | None = None, call_id: str | None = None
    ) -> JournalEntry:
        """Record one entry and return it once committed (then it survives a crash)."""
        self._check_kind(kind)
        payload_text = canonical_payload(payload or {})
        moment = self._clock.now()
        wall = format_wall_time(moment)
        mono = self._clock.monotonic_ns()
        for _attempt in range(20):
            seq, prev = self._head_seq + 1, self._head_hash
            digest = entry_hash(
                prev, self.shift_id, seq, self.agent, call_id, kind, payload_text, wall, mono
            )
            row = (self.shift_id, seq, self.agent, call_id, kind, payload_text, wall, mono, prev)
            try:
                self._cursor.execute(self._sql_insert, (*row, digest))
                self._dbapi.commit()
            except self._conflict:
                # Another writer took this number: follow the chain from its new head.
                self._dbapi.rollback()
                self._head_seq, self._head_hash = self._load_head()
                continue
            except BaseException:
                self._dbapi.rollback()
                raise
            self._head_seq, self._head_hash = seq, digest
            return JournalEntry(
                id=0, shift_id=self.shift_id, seq=seq, agent=self.agent, call_id=call_id,
                kind=kind, payload=dict(payload or {}), wall_time=moment, mono_ns=mono,
                prev_hash=prev, hash=digest,
            )  # fmt: skip
        raise JournalError(_("Journal trop sollicité : entrée non enregistrée, réessayez."))

    def end_shift(self, payload: Mapping[str, Any] | None = None) -> JournalEntry:
        """Append `shift.end` and seal the chain head on the shift row."""
        entry = self.append("shift.end", payload)
        marker_params = (format_wall_time(self._clock.now()), entry.seq, entry.hash, self.shift_id)
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(self._sql_seal, marker_params)
            self._dbapi.commit()
        finally:
            cursor.close()
        return entry

    def close(self) -> None:
        """Release the connection (the shift stays open for another writer)."""
        self._cursor.close()
        self._connection.close()


# --- reading and verifying -----------------------------------------------------------------


def _shift(row: Any) -> Shift:
    return Shift(
        shift_id=row.shift_id,
        agent=row.agent,
        title=row.title,
        started_at=parse_wall_time(row.started_at),
        ended_at=parse_wall_time(row.ended_at) if row.ended_at else None,
        sealed_entries=row.head_seq,
    )


def list_shifts(engine: Engine, agent: str | None = None) -> list[Shift]:
    """Shifts, newest first; only `agent`'s when given (students see only their own)."""
    query = select(ShiftRow).order_by(ShiftRow.started_at.desc())
    if agent is not None:
        query = query.where(ShiftRow.agent == agent)
    with engine.connect() as connection:
        return [_shift(row) for row in connection.execute(query)]


def get_shift(engine: Engine, shift_id: str) -> Shift:
    with engine.connect() as connection:
        row = connection.execute(select(ShiftRow).where(ShiftRow.shift_id == shift_id)).first()
    if row is None:
        raise JournalError(_("Vacation inconnue : {shift}.").format(shift=shift_id))
    return _shift(row)


def _entry(row: Any) -> JournalEntry:
    return JournalEntry(
        id=row.id, shift_id=row.shift_id, seq=row.seq, agent=row.agent, call_id=row.call_id,
        kind=row.kind, payload=json.loads(row.payload), wall_time=parse_wall_time(row.wall_time),
        mono_ns=row.mono_ns, prev_hash=row.prev_hash, hash=row.hash,
    )  # fmt: skip


def iter_entries(engine: Engine, shift_id: str) -> Iterator[JournalEntry]:
    """The entries of a shift in chain order."""
    query = select(EntryRow).where(EntryRow.shift_id == shift_id).order_by(EntryRow.seq)
    with engine.connect() as connection:
        for row in connection.execute(query):
            yield _entry(row)


def _broken_link(row: Any, expected_seq: int, prev_hash: str) -> str | None:
    """Why `row` does not continue the chain, or None when it does."""
    if row.seq < expected_seq:
        return _("entrée insérée (numéro en double)")
    if row.seq > expected_seq:
        return _("entrée(s) supprimée(s) avant celle-ci (n° {n} manquant)").format(n=expected_seq)
    if row.prev_hash != prev_hash:
        return _("chaînage rompu (entrée insérée ou remplacée)")
    recomputed = entry_hash(
        prev_hash, row.shift_id, row.seq, row.agent, row.call_id, row.kind, row.payload,
        row.wall_time, row.mono_ns,
    )  # fmt: skip
    if recomputed != row.hash:
        return _("empreinte invalide (contenu modifié)")
    return None


def verify_shift(engine: Engine, shift_id: str) -> Tampering | None:
    """Walk a shift's chain; return its first broken link, or None when intact."""
    shift = get_shift(engine, shift_id)
    prev_hash, expected_seq = GENESIS_HASH, 1
    query = (
        select(EntryRow).where(EntryRow.shift_id == shift_id).order_by(EntryRow.seq, EntryRow.id)
    )
    with engine.connect() as connection:
        for row in connection.execute(query):
            if shift.sealed_entries is not None and row.seq > shift.sealed_entries:
                return Tampering(shift_id, row.seq, row.id, _("entrée ajoutée après la clôture"))
            reason = _broken_link(row, expected_seq, prev_hash)
            if reason is not None:
                return Tampering(shift_id, row.seq, row.id, reason)
            prev_hash, expected_seq = row.hash, expected_seq + 1
        head_hash = connection.execute(
            select(ShiftRow.head_hash).where(ShiftRow.shift_id == shift_id)
        ).scalar_one()
    found = expected_seq - 1
    if shift.sealed_entries is not None and (
        shift.sealed_entries != found or head_hash != prev_hash
    ):
        return Tampering(
            shift_id, None, None,
            _("la clôture annonce {n} entrées, {m} trouvées (entrées finales supprimées ?)").format(
                n=shift.sealed_entries, m=found
            ),
        )  # fmt: skip
    return None


def verify_all(engine: Engine) -> list[Tampering]:
    """Every shift's first broken link (empty when the whole journal is intact)."""
    problems = []
    for shift in list_shifts(engine):
        problem = verify_shift(engine, shift.shift_id)
        if problem is not None:
            problems.append(problem)
    return problems


def count_entries(engine: Engine, shift_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(EntryRow).where(EntryRow.shift_id == shift_id)
        ).scalar_one()


def schema_ready(engine: Engine) -> bool:
    """Whether the journal tables exist (a database that was never upgraded has none)."""
    return inspect(engine).has_table(EntryRow.__tablename__)
