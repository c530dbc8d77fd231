"""What a panel says when its input is refused or its background work fails (DESIGN 8: never
a traceback, always a French sentence that says what to do)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from gettext import gettext as _

from textual.widget import Widget
from textual.widgets import Static

from crm.errors import FieldError


def unexpected_error_text(error: BaseException | None) -> str:
    """The message for an error no service anticipated, naming only its kind."""
    return _(
        "Erreur inattendue ({error}). Réessayez ; si elle persiste, prévenez le formateur."
    ).format(error=type(error).__name__)


def place_field_errors(
    panel: Widget, errors: Iterable[FieldError], label_id: Callable[[str], str | None]
) -> str:
    """Show each refused field's message in its `.field-error` label (`label_id(field)`, None
    for a field shown nowhere); returns the status line: what could not be placed, or a
    reminder to correct the fields marked."""
    unplaced = []
    for item in errors:
        widget_id = label_id(item.field)
        labels = panel.query(f"#{widget_id}") if widget_id else None
        if labels:
            label = labels.first(Static)
            label.update(item.message)
            label.add_class("-shown")
        else:
            unplaced.append(item.message)
    return " ".join(unplaced) if unplaced else _("Corrigez les champs signalés.")
