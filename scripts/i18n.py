"""Maintain the translation catalogues of the workstation (gettext domain `acvd`).

French is the source language: every user-facing string is written in French inside `_()` (or
`N_()` where a label is only marked and translated later). Two catalogues live in
`workstation/locale/`:

- `en/LC_MESSAGES/acvd.po`: the English interface (`acvd --lang en`), one entry per French
  string of `workstation/`, `cti/`, `crm/`, `kb/` and `mailmerge/`;
- `fr/LC_MESSAGES/acvd.po`: French for the English messages of click (usage, help headings,
  usage errors), which click looks up through the same gettext domain.

Workflow after adding or changing a string:

    .venv/bin/python scripts/i18n.py extract   # sources -> workstation/locale/acvd.pot
    .venv/bin/python scripts/i18n.py update    # .pot -> en .po (click's messages -> fr .po)
    # translate the new entries (empty msgstr) and review those marked "#, fuzzy"
    .venv/bin/python scripts/i18n.py compile   # .po -> .mo (both are committed)
    .venv/bin/python scripts/i18n.py check     # what tests/workstation/test_i18n.py runs

`check` exits 1 and lists every source string missing from the English catalogue, untranslated
or fuzzy entries, entries whose `{placeholders}` differ between msgid and msgstr, and `.mo`
files that are out of date with their `.po`. Keep placeholders exactly as in the msgid: they are
filled by `str.format` after translation. A `# Translators: …` comment on the line before a
`_()` call is copied into the catalogues, for strings whose context is not obvious.

The French catalogue follows the installed click: messages a newer click adds are listed by
`check` as notices (click shows them in English) until `update` brings them in. Strings that are
not `_()` calls — click `help=` texts and command docstrings, module-level text evaluated before
`setup_language` — are not translated; see `workstation/i18n.py`.
"""

from __future__ import annotations

import argparse
import io
import string
import sys
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("workstation", "cti", "crm", "kb", "mailmerge")
DOMAIN = "acvd"
LOCALE_DIR = ROOT / "workstation" / "locale"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
PROJECT = "acvd-workstation"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
VERSION = "0.1.0"
TEAM = "ACVD workstation team"


def _stamp(catalog: Catalog) -> Catalog:
    """Fill the header fields Babel leaves as placeholders."""
    language = catalog.locale.english_name if catalog.locale else "template"
    catalog.header_comment = (
        f"# Translations of the ACVD workstation ({language}).\n"
        "# This file is distributed under the same license as the acvd-workstation project.\n"
        "# See scripts/i18n.py for the workflow.\n#"
    )
    catalog.project, catalog.version, catalog.copyright_holder = PROJECT, VERSION, TEAM
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = TEAM
    return catalog


def catalogue_path(lang: str, ext: str = "po") -> Path:
    """Where the catalogue of `lang` lives, e.g. workstation/locale/en/LC_MESSAGES/acvd.po."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.{ext}"


def _extract(directory: Path, relative_to: Path) -> Catalog:
    catalog = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        directory,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        directory_filter=lambda path: "locale" not in Path(path).parts,
    ):
        location = (directory.relative_to(relative_to) / filename).as_posix()
        catalog.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return catalog


def source_template() -> Catalog:
    """Every `_()` / `N_()` string of the project's packages, extracted from the sources."""
    template = _stamp(Catalog(domain=DOMAIN, fuzzy=False))
    for package in SOURCE_PACKAGES:
        for message in _extract(ROOT / package, ROOT):
            if message.id:
                template.add(
                    message.id,
                    None,
                    message.locations,
                    auto_comments=message.auto_comments,
                    context=message.context,
                )
    return template


def click_template() -> Catalog:
    """The user-visible English messages of the installed click, to be translated into French."""
    directory = Path(click.__file__).resolve().parent
    return _extract(directory, directory.parent)


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # No line numbers: they would change the files on every edit of the sources.
    write_po(buffer, catalog, width=100, include_lineno=False, sort_output=False)
    return buffer.getvalue()


def _write_if_changed(path: Path, catalog: Catalog, date_header: str) -> bool:
    """Write the catalogue unless only its date header would differ; True if written."""
    new = _po_bytes(catalog)
    if path.exists():
        old_lines = [ln for ln in path.read_bytes().splitlines() if date_header.encode() not in ln]
        new_lines = [ln for ln in new.splitlines() if date_header.encode() not in ln]
        if old_lines == new_lines:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def extract() -> int:
    """Write the template of all source strings; unchanged templates are left alone."""
    template = source_template()
    written = _write_if_changed(TEMPLATE, template, "POT-Creation-Date")
    state = "written" if written else "unchanged"
    print(f"{TEMPLATE.relative_to(ROOT)}: {len(template)} messages ({state})")
    return 0


def _merge(path: Path, lang: str, template: Catalog) -> Catalog:
    if path.exists():
        catalog = _read(path, lang)
        # A string that comes back (a revert, a branch merged late) gets its translation back.
        for message in list(catalog.obsolete.values()):
            if message.id not in catalog:
                catalog[message.id] = message
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=lang, project=PROJECT, domain=DOMAIN, fuzzy=False)
    catalog.update(template, update_creation_date=False)
    return _stamp(catalog)


def update() -> int:
    """Merge the template into the English catalogue and click's messages into the French one."""
    if not TEMPLATE.exists():
        print("Run `extract` first.", file=sys.stderr)
        return 1
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle, domain=DOMAIN)
    for lang, source in (("en", template), ("fr", click_template())):
        path = catalogue_path(lang)
        catalog = _merge(path, lang, source)
        catalog.revision_date = datetime.now(UTC)  # kept only if something else changed
        written = _write_if_changed(path, catalog, "PO-Revision-Date")
        todo = sum(1 for m in catalog if m.id and (not _translated(m) or m.fuzzy))
        state = "written" if written else "unchanged"
        print(f"{path.relative_to(ROOT)}: {todo} to translate or review ({state})")
    return 0


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogues() -> int:
    """Write each `.mo` next to its `.po` (fuzzy entries are left out, as gettext expects)."""
    for path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = path.parent.parent.name
        mo = path.with_suffix(".mo")
        mo.write_bytes(_mo_bytes(_read(path, lang)))
        print(f"{mo.relative_to(ROOT)} written")
    return 0


def placeholders(text: str) -> Counter[tuple[str, str | None, str]]:
    """The `str.format` fields of `text` (name, conversion, format spec), counted."""
    try:
        fields = [
            (name, conversion, spec or "")
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:  # not a format string: compare the raw braces instead
        return Counter((part, None, "") for part in text.split("{")[1:])
    return Counter(fields)


def _strings(message: Message) -> tuple[str, ...]:
    """The msgstr as a tuple, one item per plural form (read_mo gives lists)."""
    string = message.string
    return tuple(string) if isinstance(string, list | tuple) else (string,)


def _key(message: Message) -> tuple[tuple[str, ...], str | None]:
    msgid = message.id
    return (tuple(msgid) if isinstance(msgid, list | tuple) else (msgid,)), message.context


def _translated(message: Message) -> bool:
    return all(_strings(message))


def _placeholder_errors(catalog: Catalog, where: str) -> list[str]:
    errors = []
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        ids, _context = _key(message)
        strs = _strings(message)
        # Every plural form of the msgstr must use the fields of the singular or the plural.
        expected = [placeholders(i) for i in ids]
        for text in strs:
            if placeholders(text) not in expected and not (
                len(ids) > 1 and set(placeholders(text)) <= set(expected[-1])
            ):
                errors.append(f"{where}: {{placeholders}} differ: {ids[0]!r} -> {text!r}")
    return errors


def _mo_errors(po_path: Path, catalog: Catalog) -> list[str]:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path.relative_to(ROOT)} missing: run `compile`"]
    with mo_path.open("rb") as handle:
        committed = {_key(m): _strings(m) for m in read_mo(handle) if m.id}
    expected = {_key(m): _strings(m) for m in catalog if m.id and _translated(m) and not m.fuzzy}
    if committed != expected:
        return [f"{mo_path.relative_to(ROOT)} out of date with its .po: run `compile`"]
    return []


def _entry_errors(catalog: Catalog, where: str, ids: Iterable[str | tuple[str, ...]]) -> list[str]:
    errors = []
    for msgid in ids:
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        if message is None:
            errors.append(f"{where}: missing (run `extract` then `update`): {key!r}")
        elif not _translated(message):
            errors.append(f"{where}: untranslated: {key!r}")
        elif message.fuzzy:
            errors.append(f"{where}: fuzzy (review it): {key!r}")
    return errors


def check() -> int:
    """List every problem of the catalogues; 1 if there is any.

    The English catalogue must cover every source string. Messages of a newer click that the
    French catalogue lacks are only reported: a dependency upgrade must not fail the build, and
    click then simply shows them in English until `update` and a translation add them.
    """
    errors: list[str] = []
    for lang, template in (("en", source_template()), ("fr", click_template())):
        path = catalogue_path(lang)
        where = str(path.relative_to(ROOT))
        if not path.exists():
            errors.append(f"{where} missing")
            continue
        catalog = _read(path, lang)
        entries = _entry_errors(catalog, where, (m.id for m in template if m.id))
        if lang == "fr":
            for notice in (e for e in entries if ": missing (" in e):
                print(f"notice: {notice}")
            entries = [e for e in entries if ": missing (" not in e]
        errors += entries
        errors += _entry_errors(catalog, where, (m.id for m in catalog if m.id))
        errors += _placeholder_errors(catalog, where)
        errors += _mo_errors(path, catalog)
    for error in dict.fromkeys(errors):
        print(error)
    if errors:
        print(f"{len(set(errors))} problem(s) in the translations.", file=sys.stderr)
        return 1
    print("Translations complete.")
    return 0


COMMANDS = {"extract": extract, "update": update, "compile": compile_catalogues, "check": check}


def main(argv: list[str] | None = None) -> int:
    """Run one step of the workflow described in the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=list(COMMANDS), help="the step to run")
    args = parser.parse_args(argv)
    return COMMANDS[args.step]()


if __name__ == "__main__":
    sys.exit(main())
