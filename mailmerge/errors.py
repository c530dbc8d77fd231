"""The errors of the mail-merge library; each carries a complete French message for the user."""

from __future__ import annotations


class MergeError(Exception):
    """Base class: `str(error)` is a French sentence that says what is wrong and where."""


class TemplateError(MergeError):
    """The template cannot be used: not a .docx, broken, too large, or a field it cannot read."""


class DataError(MergeError):
    """A data file (CSV or JSON) or a record cannot be read."""


class MissingValuesError(MergeError):
    """The record lacks values the template needs (the merge is refused, nothing is written)."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing


class OutputError(MergeError):
    """The output cannot be written (file exists with no-clobber, PDF conversion failed...)."""
