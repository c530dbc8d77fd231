"""Word field switches rendered in French: `\\@` date pictures, `\\#` number pictures, `\\*` case.

Word formats a merged date or number with the picture written in the field (`\\@ "d MMMM yyyy"`,
`\\# "# ##0,00 €"`); the result here is always French whatever the convention of the picture
(`#,##0.00` written on an English Word gives "1 234,50" too). Month and day names come from Babel
(locale fr_FR).

Deliberate choices, tested:
- The thousands separator is the no-break space U+00A0 (not Babel's narrow U+202F): it is the
  space Word users type with Ctrl+Shift+Space, and every font of a letter has it. A space between
  the number and a unit written in the picture (" €") becomes U+00A0 too, so an amount never
  breaks across lines.
- `#` placeholders print nothing when there is no digit (Word pads with spaces; letters do not
  want them).
- A day of 1 followed by a month name prints "1er" ("1er mars 2027"), as French typography asks.
- Without a switch: a date prints as "12 mars 2027"; an integer as is ("2027", "12"); a
  non-integer number with at least two decimals and grouping ("1 234,50"), no currency sign.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.dates import get_day_names, get_month_names
from babel.numbers import format_decimal

LOCALE = "fr_FR"
NBSP = "\u00a0"
_SPACES = " \u00a0\u202f"

_MONTHS = {n: str(name) for n, name in get_month_names("wide", locale=LOCALE).items()}
_MONTHS_ABBR = {n: str(name) for n, name in get_month_names("abbreviated", locale=LOCALE).items()}
_DAYS = {n: str(name) for n, name in get_day_names("wide", locale=LOCALE).items()}
_DAYS_ABBR = {n: str(name) for n, name in get_day_names("abbreviated", locale=LOCALE).items()}

DEFAULT_DATE_PICTURE = "d MMMM yyyy"


# --- parsing values written as text (CSV cells, untyped JSON strings) -------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?")


def parse_date(text: str) -> date | None:
    """A date written "2027-03-12", "2027-03-12T10:30" or "12/03/2027" (French), else None."""
    text = text.strip()
    try:
        if m := _ISO_DATETIME.fullmatch(text):
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            return datetime(y, mo, d, h, mi, s)
        if m := _ISO_DATE.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _FR_DATE.fullmatch(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def parse_number(text: str) -> Decimal | None:
    """A number written "1234.5", "1234,5", "1 234,50" or "-12", else None (currency ignored)."""
    text = text.strip().removesuffix("€").strip()
    if not _NUMBER.fullmatch(text):
        return None
    cleaned = text.translate({ord(c): None for c in _SPACES}).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


# --- dates --------------------------------------------------------------------------------------

_DATE_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"|am/pm|AM/PM|d+|D+|M+|y+|Y+|h+|H+|m+|s+|.", re.DOTALL)


def format_date(value: date, picture: str) -> str:
    """`value` through a Word date picture, in French ("dddd d MMMM yyyy" -> "mardi 2 mars...")."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    tokens = _DATE_TOKEN.findall(picture)
    out: list[str] = []
    for index, token in enumerate(tokens):
        kind, count = token[0], len(token)
        if kind in "'\"" and count >= 2 and token[-1] == kind:
            out.append(token[1:-1])
        elif token.lower() == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif kind in "dD":
            if count == 1:
                following = "".join(tokens[index + 1 : index + 3]).strip()
                first = moment.day == 1 and following.startswith("MMM")
                out.append("1er" if first else str(moment.day))
            elif count == 2:
                out.append(f"{moment.day:02d}")
            elif count == 3:
                out.append(_DAYS_ABBR[moment.weekday()])
            else:
                out.append(_DAYS[moment.weekday()])
        elif kind == "M":
            if count == 1:
                out.append(str(moment.month))
            elif count == 2:
                out.append(f"{moment.month:02d}")
            elif count == 3:
                out.append(_MONTHS_ABBR[moment.month])
            else:
                out.append(_MONTHS[moment.month])
        elif kind in "yY":
            out.append(f"{moment.year % 100:02d}" if count <= 2 else f"{moment.year:04d}")
        elif kind == "h":
            hour = moment.hour % 12 or 12
            out.append(str(hour) if count == 1 else f"{hour:02d}")
        elif kind == "H":
            out.append(str(moment.hour) if count == 1 else f"{moment.hour:02d}")
        elif kind == "m":
            out.append(str(moment.minute) if count == 1 else f"{moment.minute:02d}")
        elif kind == "s":
            out.append(str(moment.second) if count == 1 else f"{moment.second:02d}")
        else:
            out.append(token)
    return "".join(out)


# --- numbers ------------------------------------------------------------------------------------

_PLACEHOLDERS = "0#x"
_NUMERIC_SPAN = re.compile(r"[0#x](?:[0#x.,  \u202f]*[0#x])?")


def _split_sections(picture: str) -> list[str]:
    sections, current, quoted = [], [], False
    for char in picture:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
    sections.append("".join(current))
    return sections


def _literal(text: str) -> str:
    return text.replace("'", "")


def _separators(numeric: str) -> tuple[str | None, bool]:
    """(decimal separator, grouping?) of a picture's numeric part, whatever its convention."""
    seps = [c for c in numeric if c not in _PLACEHOLDERS]
    if not seps:
        return None, False
    if any(c in _SPACES for c in seps):
        decimal = "," if "," in seps else ("." if "." in seps else None)
        return decimal, True
    if "," in seps and "." in seps:
        return (",", True) if numeric.rfind(",") > numeric.rfind(".") else (".", True)
    sep = seps[0]
    if seps.count(sep) > 1:
        return None, True
    before, after = numeric.split(sep)
    if sep == "," and len(after) == 3 and "#" in before:
        return None, True  # "#,##0": English grouping
    return sep, False


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return NBSP.join(parts)


def _format_section(value: Decimal, section: str, sign: str) -> str:
    match = _NUMERIC_SPAN.search(section)
    if match is None:
        return _literal(section)
    numeric = match.group()
    prefix, suffix = _literal(section[: match.start()]), _literal(section[match.end() :])
    decimal_sep, grouping = _separators(numeric)
    if decimal_sep is not None:
        int_part, frac_part = numeric.rsplit(decimal_sep, 1)
    else:
        int_part, frac_part = numeric, ""
    frac_min = frac_part.count("0")
    frac_max = sum(frac_part.count(c) for c in _PLACEHOLDERS)
    int_min = int_part.count("0")
    quantum = Decimal(1).scaleb(-frac_max)
    rounded = abs(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        sign = ""
    text = f"{rounded:.{frac_max}f}"
    digits, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(frac_min, "0") if frac_max > frac_min else fraction
    digits = digits.lstrip("0").rjust(int_min, "0")
    if grouping:
        digits = _group(digits)
    number = digits + ("," + fraction if fraction else "")
    if not number:
        number = "0"
    if prefix.endswith(" "):
        prefix = prefix[:-1] + NBSP
    if suffix.startswith(" "):
        suffix = NBSP + suffix[1:]
    return f"{prefix}{sign}{number}{suffix}"


def format_number(value: Decimal | int | float, picture: str) -> str:
    """`value` through a Word number picture, written the French way ("1 234,50 €")."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    sections = _split_sections(picture)
    if number == 0 and len(sections) >= 3:
        return _format_section(number, sections[2], "")
    if number < 0 and len(sections) >= 2:
        return _format_section(number, sections[1], "")
    return _format_section(number, sections[0], "-" if number < 0 else "")


def default_number(value: Decimal | int | float) -> str:
    """A number without a picture: integers as is, others "1 234,50" (see module docstring)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    text = format_decimal(number, format="#,##0.00####", locale=LOCALE)
    return text.replace("\u202f", NBSP)


# --- case ---------------------------------------------------------------------------------------

_WORD_START = re.compile(r"(^|[\s\-'’])(\w)")


def apply_case(text: str, switch: str) -> str:
    """A `\\*` format switch; MERGEFORMAT, CHARFORMAT and unknown switches change nothing."""
    name = switch.strip().lower()
    if name == "upper":
        return text.upper()
    if name == "lower":
        return text.lower()
    if name == "caps":
        return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), text.lower())
    if name == "firstcap":
        return text[:1].upper() + text[1:]
    return text


# --- a value through all its switches -----------------------------------------------------------


def as_text(value: object, switches: Sequence[tuple[str, str]] = ()) -> str:
    """A record value as a field shows it, given the field's switches in order.

    Text that looks like a date or a number is converted when a `\\@` or `\\#` switch asks for
    it (CSV cells are text); otherwise it is kept exactly.
    """
    date_picture = next((arg for name, arg in switches if name == "@"), None)
    number_picture = next((arg for name, arg in switches if name == "#"), None)
    if isinstance(value, str):
        if date_picture is not None and (parsed := parse_date(value)) is not None:
            value = parsed
        elif number_picture is not None and (number := parse_number(value)) is not None:
            value = number
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "Oui" if value else "Non"
    elif isinstance(value, date):
        text = format_date(value, date_picture or DEFAULT_DATE_PICTURE)
    elif isinstance(value, int | float | Decimal):
        text = format_number(value, number_picture) if number_picture else default_number(value)
    else:
        text = str(value)
    for name, arg in switches:
        if name == "*":
            text = apply_case(text, arg)
    return text
