"""Errors of the knowledge bases; every message is French and meant for the user."""

from __future__ import annotations

from collections.abc import Sequence
from gettext import gettext as _


class KbError(Exception):
    """A knowledge-base problem the user can understand and act on."""


class ContentError(KbError):
    """The content folder has problems; `problems` lists each one with its file and field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        header = _("Contenu des bases de connaissances invalide ({n} problème(s)) :").format(
            n=len(self.problems)
        )
        super().__init__("\n".join([header, *(f"- {p}" for p in self.problems)]))


class IndexCorrupt(KbError):
    """The index on disk cannot be used; it is rebuilt from the content."""


class IndexWriteError(KbError):
    """The index folder cannot be written (permissions, full disk)."""


class NotFound(KbError):
    """No article with this id that the reader may open (restricted ones look missing)."""


class UnknownBase(KbError):
    """A base filter names no base the reader may search."""


class UnknownRole(KbError):
    """A role that is not student, trainer or grader."""
