"""Technician appointments: free slots and booking (C1.6 installation, C1.4 repairs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from gettext import gettext as _

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import NotFound, RuleViolation, ValidationError
from crm.models import Appointment, Contract, User
from crm.services._common import PARIS, appointment_of, get_customer, require_aware
from crm.views import AppointmentView, Slot


def installation_slots(
    first_day: date, days: int, hours: Sequence[str], *, weekdays: Iterable[int] = range(6)
) -> tuple[Slot, ...]:
    """Slots from company.yaml's `installation.slots` ("08:00-10:00") on `days` days from
    `first_day`, Paris time, Monday to Saturday by default (weekday numbers, Monday = 0)."""
    allowed = set(weekdays)
    slots = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in allowed:
            continue
        for span in hours:
            start_text, end_text = span.split("-")
            start = datetime.combine(day, time.fromisoformat(start_text), PARIS)
            end = datetime.combine(day, time.fromisoformat(end_text), PARIS)
            slots.append(Slot(start=start, end=end))
    return tuple(slots)


def free_slots(
    session_factory: sessionmaker,
    slots: Iterable[Slot],
    *,
    now: datetime,
    technicians: int = 1,
) -> tuple[Slot, ...]:
    """The future slots among `slots` that still have a technician free."""
    require_aware(now, "now")
    candidates = sorted((slot for slot in slots if slot.start > now), key=lambda s: s.start)
    if not candidates:
        return ()
    with session_factory.begin() as session:
        booked = session.execute(
            select(Appointment.slot_start, Appointment.slot_end).where(
                Appointment.status == "planned",
                Appointment.slot_end > candidates[0].start,
                Appointment.slot_start < candidates[-1].end,
            )
        ).all()
    return tuple(
        slot
        for slot in candidates
        if sum(1 for start, end in booked if start < slot.end and end > slot.start) < technicians
    )


@dataclass(frozen=True)
class NewAppointment:
    """A visit to book in one of the offered slots."""

    customer_id: int
    slot: Slot
    kind: str = "installation"
    contract_id: int | None = None
    request_id: int | None = None
    agent_id: int | None = None
    note: str = ""


def book_appointment(
    session_factory: sessionmaker,
    appointment: NewAppointment,
    *,
    now: datetime,
    technicians: int = 1,
) -> AppointmentView:
    """Book a technician visit; a slot already full is refused (RuleViolation "slot_taken")."""
    require_aware(now, "now")
    check = validation.Checker()
    kind = check(
        validation.choice,
        appointment.kind,
        {
            "installation": _("installation"),
            "repair": _("dépannage"),
            "equipment_swap": _("échange de matériel"),
            "removal": _("dépose"),
        },
        field="type",
    )

    slot = appointment.slot
    if (
        not isinstance(slot, Slot)
        or slot.start.tzinfo is None
        or slot.end.tzinfo is None
        or slot.end <= slot.start
    ):
        check.add("creneau", _("Créneau invalide."))
    elif slot.start <= now:
        check.add("creneau", _("Ce créneau est déjà passé."))
    note = check(validation.text_value, appointment.note, field="commentaire", required=False)
    check.raise_if_any()
    with session_factory.begin() as session:
        customer = get_customer(session, appointment.customer_id)
        if appointment.contract_id is not None:
            contract = session.get(Contract, appointment.contract_id)
            if contract is None or contract.customer_id != customer.id:
                raise ValidationError.single("contrat", _("Ce contrat n'est pas celui du client."))
        if appointment.agent_id is not None and session.get(User, appointment.agent_id) is None:
            raise NotFound(
                _("Conseiller introuvable (identifiant {id}).").format(id=appointment.agent_id)
            )
        overlapping = session.scalars(
            select(Appointment.id).where(
                Appointment.status == "planned",
                Appointment.slot_start < slot.end,
                Appointment.slot_end > slot.start,
            )
        ).all()
        if len(overlapping) >= technicians:
            raise RuleViolation(
                "slot_taken",
                _("Ce créneau n'est plus disponible : proposez-en un autre au client."),
            )
        row = Appointment(
            customer_id=customer.id,
            contract_id=appointment.contract_id,
            request_id=appointment.request_id,
            kind=kind,
            status="planned",
            slot_start=slot.start,
            slot_end=slot.end,
            note=note,
            booked_by_id=appointment.agent_id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return appointment_of(row)
