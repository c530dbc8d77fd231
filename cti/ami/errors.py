"""Typed AMI errors, each with a French message a trainee or trainer can act on.

`error_for` maps the exact `Message` texts Asterisk 22 sends with `Response: Error` (listed in
the reference README) to these types; anything else becomes a plain ActionFailed.
"""

from __future__ import annotations

from gettext import gettext as _


class AmiError(Exception):
    """Base class: every error of the AMI layer carries a user-facing French message."""


class InvalidAmiUrl(AmiError, ValueError):
    """An `ami://user:secret@host:port` address that cannot be used."""


class ConnectFailed(AmiError):
    """The TCP connection could not be opened, or closed before the AMI banner."""


class NotAnAmiServer(AmiError):
    """The peer answered but is not an Asterisk Manager Interface."""


class AuthenticationFailed(AmiError):
    """`Authentication failed`: wrong user or secret (Asterisk then closes the socket)."""

    def __init__(self) -> None:
        super().__init__(_("Identifiant ou mot de passe AMI refusé par le PBX."))


class NotConnected(AmiError):
    """An action was asked while no AMI session is up."""

    def __init__(self) -> None:
        super().__init__(_("Pas de connexion au PBX : action impossible pour l'instant."))


class ConnectionLost(AmiError):
    """The line died while an action was in flight. It is never sent again automatically."""

    def __init__(self, action: str = "") -> None:
        if action:
            message = _(
                "Connexion au PBX perdue pendant l'action {action} : elle n'a pas été "
                "renvoyée, son résultat est inconnu."
            ).format(action=action)
        else:
            message = _("Connexion au PBX perdue.")
        super().__init__(message)
        self.action = action


class ActionTimeout(AmiError):
    """No Response (or no list completion) within the timeout."""

    def __init__(self, action: str, seconds: float) -> None:
        super().__init__(
            _("Le PBX n'a pas répondu à l'action {action} en {seconds:g} s.").format(
                action=action, seconds=seconds
            )
        )
        self.action = action
        self.seconds = seconds


class ActionFailed(AmiError):
    """`Response: Error`. `reason` keeps Asterisk's own text for the journal."""

    def __init__(self, action: str, reason: str, message: str | None = None) -> None:
        super().__init__(
            message
            or _("Le PBX a refusé l'action {action} : {reason}").format(
                action=action, reason=reason or _("(sans motif)")
            )
        )
        self.action = action
        self.reason = reason


class PermissionDenied(ActionFailed):
    """`Permission denied`: not logged in, or the account lacks the write class."""


class UnknownAction(ActionFailed):
    """`Invalid/unknown command: …`: the PBX does not offer this action."""


class NoSuchChannel(ActionFailed):
    """`No such channel` / `Channel does not exist: …`: the call has already ended."""


class OriginateFailed(ActionFailed):
    """`Originate failed` (a synchronous Originate whose call did not go through)."""


class AlreadyInQueue(ActionFailed):
    """`Unable to add interface: Already there`."""


class NoSuchQueue(ActionFailed):
    """`Unable to add interface to queue: No such queue` (and the QueueRemove variants)."""


class NotInQueue(ActionFailed):
    """`Unable to remove interface: Not there` / `Interface not found`."""


class TransferFailed(ActionFailed):
    """`Transfer invalid`, `No extension specified`, `No attended transfer feature code found`."""


def error_for(action: str, reason: str) -> ActionFailed:
    """The typed error for an Asterisk `Response: Error` whose Message is `reason`."""
    text = reason.strip()
    lowered = text.lower()
    if text == "Permission denied":
        return PermissionDenied(
            action,
            text,
            _("Droits AMI insuffisants pour l'action {action} (voir manager.conf).").format(
                action=action
            ),
        )
    if text.startswith("Invalid/unknown command"):
        return UnknownAction(
            action, text, _("Le PBX ne connaît pas l'action {action}.").format(action=action)
        )
    if text == "No such channel" or text.startswith("Channel does not exist"):
        return NoSuchChannel(
            action,
            text,
            _("L'appel n'existe plus sur le PBX ({action} : {reason}).").format(
                action=action, reason=text
            ),
        )
    if text == "Originate failed":
        return OriginateFailed(action, text, _("L'appel n'a pas pu être lancé par le PBX."))
    if "already there" in lowered:
        return AlreadyInQueue(action, text, _("Le poste est déjà connecté à cette file."))
    if "no such queue" in lowered:
        return NoSuchQueue(action, text, _("Cette file d'attente n'existe pas sur le PBX."))
    if "not there" in lowered or "interface not found" in lowered:
        return NotInQueue(action, text, _("Le poste n'est pas connecté à cette file."))
    if "transfer" in lowered or text == "No extension specified":
        return TransferFailed(
            action, text, _("Transfert refusé par le PBX : {reason}").format(reason=text)
        )
    return ActionFailed(action, text)


__all__ = [
    "ActionFailed",
    "ActionTimeout",
    "AlreadyInQueue",
    "AmiError",
    "AuthenticationFailed",
    "ConnectFailed",
    "ConnectionLost",
    "InvalidAmiUrl",
    "NoSuchChannel",
    "NoSuchQueue",
    "NotAnAmiServer",
    "NotConnected",
    "NotInQueue",
    "OriginateFailed",
    "PermissionDenied",
    "TransferFailed",
    "UnknownAction",
    "error_for",
]
