"""Role-play: the trainer plays the customer of a student's call from a second terminal.

The trainer picks a student's extension and a caller (a customer of the CRM or a free number),
then places the call into a service's queue or straight to the extension, or takes a call the
student is placing to an outside number. The conversation travels over the PBX as `AcvdLine`
user events (cti.customer), so the student's workstation sees it like any customer's words.

The trainer's side is journaled in a trainer shift of the same database (kinds
`conversation.customer`, `conversation.agent` and `call.*`, with the call id), next to the
student's own shift: the grader reads both sides of the call (C1.4, C2.1, C2.2).

No Textual here: the console (workstation/tui/customer_console.py) only shows what this
service reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from gettext import gettext as _
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm.errors import ValidationError
from crm.journal import JournalError, JournalWriter
from crm.models import PhoneNumber, User
from crm.services.callers import national_digits
from crm.services.customers import find_by_number, find_by_phone, search_customers
from cti.ami.client import AmiClient
from cti.ami.errors import AmiError
from cti.customer import CustomerCall, CustomerNews, StudentCall, StudentCalls
from workstation.clock import Clock

log = logging.getLogger("workstation.role_play")

#: The trainer's login when none is given: the journal's `agent` of the trainer shift.
DEFAULT_TRAINER = "formateur"


class RolePlayError(Exception):
    """A request the trainer must correct; the message is French and says what to do."""


@dataclass(frozen=True)
class Student:
    """An extension a student may sit at, with the student's name when the CRM knows it."""

    extension: str
    name: str = ""

    @property
    def label(self) -> str:
        return f"{self.extension} — {self.name}" if self.name else self.extension


@dataclass(frozen=True)
class Target:
    """Where a placed call goes: a service's queue, or straight to the student's extension."""

    queue: str  # "" = the student's extension
    label: str


@dataclass(frozen=True)
class Caller:
    """Who the trainer plays: a number, a name, and the CRM customer number when known."""

    number: str
    name: str
    customer_number: str = ""


@dataclass(frozen=True)
class LogLine:
    """One line of the console: `who` is "customer", "agent" or "event"."""

    at: datetime
    who: str
    text: str
    call_id: str = ""


# --- reference data -------------------------------------------------------------------------


def company_setup(company_yaml: Path) -> tuple[range, tuple[Target, ...]]:
    """The students' extensions and the services' queues of company.yaml."""
    document = yaml.safe_load(company_yaml.read_text(encoding="utf-8")) or {}
    extensions = document.get("agent_extensions") or {}
    first, last = int(extensions.get("first", 101)), int(extensions.get("last", 130))
    targets = [
        Target(str(service["queue"]), str(service["name"]))
        for service in document.get("services") or []
        if service.get("queue")
    ]
    targets.append(Target("", _("Poste de l'élève, en direct")))
    return range(first, last + 1), tuple(targets)


def students(extensions: range, session_factory: sessionmaker | None) -> tuple[Student, ...]:
    """Every student extension, named after the CRM's student account that uses it."""
    names: dict[str, str] = {}
    if session_factory is not None:
        with session_factory() as session:
            rows = session.execute(
                select(User.extension, User.display_name).where(
                    User.role == "student", User.active.is_(True), User.extension.is_not(None)
                )
            )
            names = {str(ext): name for ext, name in rows}
    return tuple(Student(str(ext), names.get(str(ext), "")) for ext in extensions)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch not in " .-")


def resolve_caller(session_factory: sessionmaker | None, query: str, name: str = "") -> Caller:
    """The caller the trainer asks for: a phone number, a customer number (CL…) or a name.

    A number the CRM knows takes the customer's name; an unknown number keeps the name typed
    (a prospect, a wrong number). A customer number or a name must match a customer with a
    phone number.
    """
    query, name = query.strip(), " ".join(name.split())
    digits = _digits(query)
    if not query:
        raise RolePlayError(_("Indiquez l'appelant : un numéro, un numéro client ou un nom."))
    if digits.isdigit():
        if len(digits) != 10 or not digits.startswith("0"):
            raise RolePlayError(
                _("Numéro invalide : « {n} » (10 chiffres, ex. 0612345678).").format(n=query)
            )
        found = None
        if session_factory is not None:
            try:
                found = find_by_phone(session_factory, digits)
            except ValidationError:
                found = None
        if found is not None:
            return Caller(digits, name or found.display_name, found.number)
        return Caller(digits, name or _("Client"))
    if session_factory is None:
        raise RolePlayError(_("Sans base de données, indiquez un numéro de téléphone."))
    try:
        if query.upper().startswith("CL"):
            found = find_by_number(session_factory, query)
            matches = (found,) if found is not None else ()
        else:
            matches = search_customers(session_factory, name=query, page_size=20).items
    except ValidationError as error:
        raise RolePlayError(str(error)) from error
    for customer in matches:
        with session_factory() as session:
            e164 = session.scalars(
                select(PhoneNumber.e164)
                .where(PhoneNumber.customer_id == customer.id)
                .order_by(PhoneNumber.is_primary.desc(), PhoneNumber.id)
                .limit(1)
            ).first()
        if e164:
            return Caller(national_digits(e164), name or customer.display_name, customer.number)
    raise RolePlayError(_("Aucun client avec un téléphone pour « {q} ».").format(q=query))


# --- the trainer's session ------------------------------------------------------------------


class RolePlay:
    """The trainer's side: one customer call at a time, shown and journaled.

    `listener` gets each LogLine; `on_calls` gets the watched student's outside calls whenever
    they change. `journal` may be None (no database): nothing is then recorded.
    """

    def __init__(
        self,
        client: AmiClient,
        clock: Clock,
        journal: JournalWriter | None,
        listener: Callable[[LogLine], None],
        on_calls: Callable[[tuple[StudentCall, ...]], None] = lambda calls: None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.journal = journal
        self.listener = listener
        self.on_calls = on_calls
        self.call: CustomerCall | None = None
        self.student = ""
        self._watch: StudentCalls | None = None
        self._pending: list[CustomerNews] | None = None

    # --- the student --------------------------------------------------------------------------

    async def watch(self, extension: str) -> None:
        """Follow the outside calls of `extension` (the student the trainer plays with),
        those already in progress included."""
        if not extension.isdigit():
            raise RolePlayError(_("Choisissez le poste de l'élève."))
        if self._watch is not None:
            self._watch.close()
        self.student = extension
        self._watch = StudentCalls(self.client, extension, self._calls_changed)
        self.on_calls(())
        try:
            await self._watch.refresh()
        except AmiError as error:
            raise RolePlayError(
                _("Appels en cours de l'élève illisibles : {error}").format(error=error)
            ) from error

    @property
    def student_calls(self) -> tuple[StudentCall, ...]:
        return tuple(self._watch.calls.values()) if self._watch is not None else ()

    def _calls_changed(self, _call: StudentCall) -> None:
        self.on_calls(self.student_calls)

    # --- the call -----------------------------------------------------------------------------

    @property
    def in_call(self) -> bool:
        return self.call is not None and not self.call.ended

    def _new_call(self) -> CustomerCall:
        if self.in_call:
            raise RolePlayError(_("Raccrochez d'abord l'appel en cours."))
        if self.call is not None:
            self.call.close()
        self.call = CustomerCall(self.client, self._hear)
        return self.call

    def _drop(self, call: CustomerCall) -> None:
        """A call that could not be placed or joined: forget it, so the next one can start."""
        call.close()
        if self.call is call:
            self.call = None

    async def place(self, caller: Caller, target: Target) -> str:
        """Call the student as `caller`: into `target`'s queue, or straight to the extension."""
        if not self.student:
            raise RolePlayError(_("Choisissez le poste de l'élève."))
        call = self._new_call()
        try:
            if target.queue:
                call_id = await call.place(caller.number, caller.name, target.queue)
            else:
                call_id = await call.place(caller.number, caller.name, extension=self.student)
        except AmiError as error:
            self._drop(call)
            raise RolePlayError(_("Appel impossible : {error}").format(error=error)) from error
        self._record(
            "call.placed",
            {
                "student": self.student,
                "queue": target.queue,
                "extension": "" if target.queue else self.student,
                "number": caller.number,
                "name": caller.name,
                "customer": caller.customer_number,
            },
        )
        where = (
            _("la file « {name} »").format(name=target.label)
            if target.queue
            else _("le poste {ext}").format(ext=self.student)
        )
        self._event(
            _("Appel de {name} ({number}) vers {where}.").format(
                name=caller.name, number=caller.number, where=where
            )
        )
        return call_id

    async def take(self, call_id: str) -> None:
        """Play the customer of a call the student placed (already ringing or answered)."""
        known = {c.call_id: c for c in self.student_calls}
        if call_id not in known:
            raise RolePlayError(_("Cet appel de l'élève n'est plus en cours."))
        call = self._new_call()
        # Joining an answered call reports the answer at once: keep it until "attached" is said.
        self._pending = []
        try:
            await call.attach(call_id)
        except AmiError as error:
            self._pending = None
            self._drop(call)
            raise RolePlayError(str(error)) from error
        number = known[call_id].number
        self._record("call.attached", {"student": self.student, "number": number})
        self._event(
            _("Vous jouez le client appelé au {number} par le poste {ext}.").format(
                number=number, ext=self.student
            )
        )
        pending, self._pending = self._pending, None
        for news in pending:
            self._hear(news)

    async def say(self, text: str) -> None:
        """Say one line as the customer."""
        clean = " ".join(text.split())
        if not clean:
            raise RolePlayError(_("Écrivez la réplique du client avant de l'envoyer."))
        if not self.in_call:
            raise RolePlayError(_("Aucun appel en cours : appelez l'élève ou prenez son appel."))
        assert self.call is not None
        try:
            await self.call.say(clean)
        except AmiError as error:
            raise RolePlayError(_("Réplique non envoyée : {error}").format(error=error)) from error
        self._record("conversation.customer", {"speaker": "customer", "text": clean})
        self._show("customer", clean)

    async def hang_up(self) -> None:
        """The customer hangs up (the end is reported when the PBX confirms it)."""
        if not self.in_call:
            raise RolePlayError(_("Aucun appel en cours."))
        assert self.call is not None
        self._record("call.customer_hangup", {})
        try:
            await self.call.hang_up()
        except AmiError as error:
            raise RolePlayError(
                _("Raccrochage impossible : {error}").format(error=error)
            ) from error

    def close(self) -> None:
        """Stop listening (the call, if any, goes on without the trainer)."""
        if self.call is not None:
            self.call.close()
        if self._watch is not None:
            self._watch.close()

    # --- news from the PBX ----------------------------------------------------------------------

    def _hear(self, news: CustomerNews) -> None:
        if self._pending is not None:
            self._pending.append(news)
            return
        if news.kind == "line":
            self._record("conversation.agent", {"speaker": "agent", "text": news.text})
            self._show("agent", news.text)
            return
        assert self.call is not None
        who = news.text or self.student
        kind, payload, text = {
            "answered": (
                "call.answered",
                {"by": news.text},
                # A call the student placed is answered by the customer: the trainer.
                _("L'élève a décroché ({who}).").format(who=who)
                if self.call.queue or self.call.extension
                else _("Vous avez décroché : en ligne avec l'élève ({who}).").format(who=who),
            ),
            "hold": ("call.hold", {}, _("Mis en attente.")),
            "retrieved": ("call.retrieved", {}, _("Repris par l'élève.")),
            "transferred": (
                "call.transferred",
                {"target": news.text},
                _("Transféré vers le poste {target}.").format(target=news.text),
            ),
            "ended": (
                "call.hangup",
                {"cause_txt": news.text},
                # Q.850 texts are English: only an unusual end is worth showing.
                _("Appel terminé.")
                if news.text in ("", "Normal Clearing")
                else _("Appel terminé ({cause}).").format(cause=news.text),
            ),
        }.get(news.kind, ("", {}, ""))
        if kind:
            self._record(kind, payload)
            self._event(text)

    # --- journal and display --------------------------------------------------------------------

    def _call_id(self) -> str:
        return self.call.call_id if self.call is not None else ""

    def _record(self, kind: str, payload: dict[str, Any]) -> None:
        if self.journal is None:
            return
        try:
            self.journal.append(kind, payload, call_id=self._call_id() or None)
        except JournalError as error:
            log.warning("trainer journal: %s", error)
            self._event(_("Journal non enregistré : {error}").format(error=error))

    def _show(self, who: str, text: str) -> None:
        self.listener(LogLine(self.clock.now(), who, text, self._call_id()))

    def _event(self, text: str) -> None:
        self._show("event", text)


def start_trainer_journal(engine: Any, trainer: str, clock: Clock) -> JournalWriter:
    """A trainer shift for this console session, in the journal the grader reads."""
    return JournalWriter.start_shift(
        engine,
        trainer or DEFAULT_TRAINER,
        clock,
        title=_("Jeu de rôle : le formateur joue le client"),
    )


__all__ = [
    "DEFAULT_TRAINER",
    "Caller",
    "LogLine",
    "RolePlay",
    "RolePlayError",
    "Student",
    "Target",
    "company_setup",
    "resolve_caller",
    "start_trainer_journal",
    "students",
]
