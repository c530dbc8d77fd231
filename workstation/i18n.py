"""The translation layer: every user-facing string is written in French inside `_()`.

All packages use the standard library's `gettext.gettext` as `_`, with French as the source
language, so the libraries need no dependency on the application. The application chooses the
language once at start-up with `setup_language`; English catalogues live in
`workstation/locale/en/LC_MESSAGES/acvd.mo` (compiled from the `.po` next to it).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "acvd"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def setup_language(lang: str) -> None:
    """Make `_()` everywhere answer in `lang` ("fr" is the source language)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    # gettext reads LANGUAGE before the locale variables; French needs no catalogue.
    os.environ["LANGUAGE"] = lang
