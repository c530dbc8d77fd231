"""The file desk: what the contact form asks of the CRM (C2.3 "mettre à jour le fichier").

Reads a customer's contact details and saves the agent's changes through
`crm.services.file_updates`, which notes in the history who changed what. Every method may
block on the database: call it from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from crm import validation
from crm.errors import FieldError, ValidationError
from crm.services import customers
from crm.services.customers import ContactUpdate, NewPhone
from crm.services.file_updates import FileUpdate, update_file
from crm.views import CustomerCard
from workstation.clock import Clock
from workstation.dispositions import N_

#: The contact preferences of the CRM and how the form names them.
PREFERENCES: tuple[tuple[str, str], ...] = (
    ("telephone", N_("Téléphone")),
    ("email", N_("E-mail")),
    ("sms", N_("SMS")),
    ("courrier", N_("Courrier")),
)

#: The form's fields, in screen order (also the names errors are reported under).
FIELDS = (
    "telephone_1",
    "telephone_2",
    "adresse",
    "complement_adresse",
    "code_postal",
    "ville",
    "email",
    "preference_contact",
)


@dataclass(frozen=True)
class ContactDetails:
    """The contact form, as typed (or as read from the file)."""

    phone_1: str
    phone_2: str
    address_line1: str
    address_line2: str
    postcode: str
    city: str
    email: str
    contact_preference: str
    marketing_consent: bool


def details_of(card: CustomerCard) -> ContactDetails:
    """The form's values for a customer's file (primary number first)."""
    phones = sorted(card.phones, key=lambda phone: not phone.is_primary)
    return ContactDetails(
        phone_1=phones[0].display if phones else "",
        phone_2=phones[1].display if len(phones) > 1 else "",
        address_line1=card.address_line1,
        address_line2=card.address_line2 or "",
        postcode=card.summary.postcode,
        city=card.summary.city,
        email=card.email or "",
        contact_preference=card.contact_preference,
        marketing_consent=card.marketing_consent,
    )


def _label(number: str, known: dict[str, str]) -> str:
    """A number's label: the one it had, else mobile for 06/07 numbers, else fixe."""
    try:
        e164 = validation.phone(number)
    except ValidationError:
        return "mobile"  # the CRM reports the bad number itself
    if e164 in known:
        return known[e164]
    return "mobile" if e164.startswith(("+336", "+337")) else "fixe"


class FileDesk:
    """The use cases of the contact form (C2.3)."""

    def __init__(
        self, session_factory: sessionmaker, clock: Clock, *, agent_id: int | None = None
    ) -> None:
        self.clock = clock
        self.agent_id = agent_id
        self._session_factory = session_factory

    def details(self, customer_id: int) -> tuple[str, ContactDetails]:
        """The customer's name and number, and contact details; `NotFound` if gone."""
        card = customers.customer_card(self._session_factory, customer_id, now=self.clock.now())
        summary = card.summary
        name = f"{summary.civility} {summary.first_name} {summary.last_name} — {summary.number}"
        return name, details_of(card)

    def save(self, customer_id: int, form: ContactDetails) -> FileUpdate:
        """Save the contact details and note the change in the history (C2.3).

        Every wrong field is reported at once under the form's field names; nothing is
        written then.
        """
        card = customers.customer_card(self._session_factory, customer_id, now=self.clock.now())
        known = {phone.e164: phone.label for phone in card.phones}
        # The numbers given, in field order; the first one is the primary number.
        given = [
            (field, number.strip())
            for field, number in (("telephone_1", form.phone_1), ("telephone_2", form.phone_2))
            if number.strip()
        ]
        phones = tuple(
            NewPhone(number, _label(number, known), index == 0)
            for index, (_field, number) in enumerate(given)
        )
        update = ContactUpdate(
            email=form.email.strip(),
            address_line1=form.address_line1,
            address_line2=form.address_line2,
            postcode=form.postcode,
            city=form.city,
            contact_preference=form.contact_preference,
            marketing_consent=form.marketing_consent,
            phones=phones,
        )
        try:
            return update_file(
                self._session_factory,
                customer_id,
                update,
                agent_id=self.agent_id,
                now=self.clock.now(),
            )
        except ValidationError as error:
            raise ValidationError(_placed(item, given) for item in error.errors) from None


def _placed(item: FieldError, given: list[tuple[str, str]]) -> FieldError:
    """A CRM error under the form's field: its phone numbers count only the filled fields."""
    if item.field == "telephones":
        return FieldError("telephone_1", item.message)
    if item.field.startswith("telephone_"):
        index = int(item.field.split("_")[1]) - 1
        if 0 <= index < len(given):
            return FieldError(given[index][0], item.message)
    return item
