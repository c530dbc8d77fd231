"""Errors raised by the CRM services, each carrying a French message for the user.

The workstation catches `CrmError` and shows `str(error)`; a `ValidationError` also names the
fields, so a form can put each message beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from gettext import gettext as _


class CrmError(Exception):
    """Base of every error a CRM service raises on purpose; the message is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldError:
    """One invalid field: its name (the service parameter) and a French message."""

    field: str
    message: str


class ValidationError(CrmError):
    """Input refused before anything was written; one or more fields are wrong."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationError needs at least one field error")
        super().__init__(" ; ".join(error.message for error in self.errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        """A validation error on one field."""
        return cls([FieldError(field, message)])

    def for_field(self, field: str) -> tuple[str, ...]:
        """The messages about `field` (empty when that field is fine)."""
        return tuple(error.message for error in self.errors if error.field == field)

    def renamed(self, field: str) -> ValidationError:
        """The same messages attached to `field` (a validator does not know the form's names)."""
        return ValidationError(FieldError(field, error.message) for error in self.errors)


def field_errors(error: CrmError, form_field: str = "formulaire") -> tuple[FieldError, ...]:
    """The fields a refusal is about: a ValidationError's own, else the whole form's."""
    if isinstance(error, ValidationError):
        return error.errors
    return (FieldError(form_field, str(error)),)


class NotFound(CrmError):
    """The record the caller named does not exist."""


class RuleViolation(CrmError):
    """A business rule refused the request (e.g. a payment plan beyond an agent's rights).

    `rule` is a stable identifier of the rule (e.g. "max_instalments") so callers and tests
    can tell which one applied without parsing the French message.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class AuthenticationFailed(CrmError):
    """Login refused; the message never says whether the login exists."""

    def __init__(self) -> None:
        super().__init__(_("Identifiant ou mot de passe incorrect."))
