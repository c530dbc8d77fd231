"""What a panel says when its background work fails unexpectedly (DESIGN 8: never a
traceback, always a French sentence that says what to do)."""

from __future__ import annotations

from gettext import gettext as _


def unexpected_error_text(error: BaseException | None) -> str:
    """The message for an error no service anticipated, naming only its kind."""
    return _(
        "Erreur inattendue ({error}). Réessayez ; si elle persiste, prévenez le formateur."
    ).format(error=type(error).__name__)
