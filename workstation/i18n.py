"""The translation layer: every user-facing string is written in French inside `_()`.

All packages use the standard library's `gettext.gettext` as `_`, with French as the source
language, so the libraries need no dependency on the application. The application chooses the
language once at start-up with `setup_language`; English catalogues live in
`workstation/locale/en/LC_MESSAGES/acvd.mo` (compiled from the `.po` next to it). The French
catalogue holds only click's own messages (usage, help headings, usage errors), which click
writes in English and looks up through the same domain. `scripts/i18n.py` maintains both.

`_()` answers in the language set when it runs. The CLI sets it before click parses the command
line (`requested_language`), and imports the command modules and the TUI only afterwards, so
their module-level `_()` calls (key bindings, `help=_("…")` of click options) get the right
language; `workstation.cli` itself and what it imports are loaded earlier and must call `_()` at
run time. Plain `help="…"` texts and command docstrings are not translated at all.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Sequence
from pathlib import Path

from workstation.config import LANGUAGES, ConfigError, load_settings

DOMAIN = "acvd"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def setup_language(lang: str) -> None:
    """Make `_()` everywhere answer in `lang` ("fr" is the source language)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    # gettext reads LANGUAGE before the locale variables, so the user's locale never mixes in.
    os.environ["LANGUAGE"] = lang


def requested_language(args: Sequence[str]) -> str:
    """The language asked for by `--lang` in `args`, else by the settings file or environment.

    The CLI needs it before click parses the command line, so that click's own help and usage
    errors are already in that language; a bad value falls back to French and is then reported
    by the normal settings check.
    """
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args) and args[index + 1] in LANGUAGES:
            return args[index + 1]
        if arg.startswith("--lang=") and arg.removeprefix("--lang=") in LANGUAGES:
            return arg.removeprefix("--lang=")
    try:
        return load_settings().lang
    except ConfigError:
        return "fr"
