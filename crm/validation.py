"""Input validation: pure functions that return the normalised value or raise ValidationError.

Every service validates what a student typed with these before touching the database, so a
form gets a clear French message per field and nothing is written half-way (DESIGN.md, 8).
Each function takes the text as typed (surrounding spaces, French separators) and a `field`
name, used in the error so the form can show the message beside the right field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from gettext import gettext as _
from typing import Any, TypeVar

import phonenumbers

from crm.errors import FieldError, ValidationError

T = TypeVar("T")

# Separators people type inside numbers: spaces (normal, no-break, narrow no-break), dots,
# dashes, slashes and parentheses.
_PHONE_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\t.-/()")

# Overseas departments dialled nationally (0590…): region FR rejects them (or, for 0269,
# wrongly accepts them as metropolitan), so the national prefix picks the region first.
DOM_PREFIXES: dict[str, str] = {
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
    "0594": "GF",
    "0694": "GF",
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
}
_COUNTRY_CODES = {"FR": 33, "GP": 590, "MQ": 596, "GF": 594, "RE": 262, "YT": 262}
_NATIONAL_FR = re.compile(r"0[1-9]\d{8}", re.ASCII)


@cache
def _valid_national_pattern(region: str) -> re.Pattern[str]:
    """Every valid national significant number of `region`, from phonenumbers' metadata.

    The screen pop normalises a number on every incoming call; matching one regex is ten
    times faster than `phonenumbers.is_valid_number` and gives the same answer (tests check
    it on every prefix).
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    descs = (
        metadata.fixed_line,
        metadata.mobile,
        metadata.toll_free,
        metadata.premium_rate,
        metadata.shared_cost,
        metadata.personal_number,
        metadata.voip,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    patterns = [d.national_number_pattern for d in descs if d and d.national_number_pattern]
    return re.compile("(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.ASCII)


def _phone_error(field: str, raw: str) -> ValidationError:
    return ValidationError.single(
        field,
        _(
            "Numéro de téléphone invalide : « {value} ». Saisissez un numéro français à "
            "10 chiffres (06 12 34 56 78, 0590 12 34 56) ou international (+33 6 12 34 56 78)."
        ).format(value=raw.strip()[:40]),
    )


def phone(text: str, *, field: str = "telephone") -> str:
    """A phone number in E.164 (+33612345678), from French or international input.

    Accepts the national format (06 12 34 56 78), +33 / 0033 prefixes and overseas numbers
    dialled nationally (0590…, 0262…, 0639…). C1.1: the number is the key of the screen pop.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationError.single(field, _("Le numéro de téléphone est obligatoire."))
    compact = text.translate(_PHONE_SEPARATORS)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+330"):  # "+33 (0)6 …" written out
        compact = "+33" + compact[4:]
    if len(compact) > 20:
        raise _phone_error(field, text)
    # Fast paths for the common cases: +33 numbers, and national numbers whose region the
    # prefix tells (metropolitan or overseas); anything else goes through phonenumbers.
    if compact.startswith("+33") and len(compact) == 12:
        if _valid_national_pattern("FR").fullmatch(compact[3:]):
            return compact
        raise _phone_error(field, text)
    if _NATIONAL_FR.fullmatch(compact):
        region = DOM_PREFIXES.get(compact[:4], "FR")
        if _valid_national_pattern(region).fullmatch(compact[1:]):
            return f"+{_COUNTRY_CODES[region]}{compact[1:]}"
    if compact.startswith("+"):
        regions: tuple[str | None, ...] = (None,)
    elif compact.startswith("0"):
        # An overseas prefix is read in its region first; some of those ranges are
        # metropolitan in the numbering plan (0263 38…), so FR comes next.
        region = DOM_PREFIXES.get(compact[:4])
        regions = (region, "FR") if region else ("FR",)
    else:
        raise _phone_error(field, text)
    for region in regions:
        try:
            parsed = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise _phone_error(field, text)


def phone_display(e164: str) -> str:
    """A stored E.164 number as a French reader expects it (06 12 34 56 78)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code in (33, 590, 594, 596, 262):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)


def email(text: str, *, field: str = "email") -> str:
    """An e-mail address, trimmed, with its domain in lower case."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        raise ValidationError.single(field, _("L'adresse e-mail est obligatoire."))
    local, _sep, domain = value.rpartition("@")
    if (
        len(value) > 254
        or len(local) > 64
        or not _EMAIL.fullmatch(value)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise ValidationError.single(
            field,
            _("Adresse e-mail invalide : « {value} » (exemple : prenom.nom@exemple.fr).").format(
                value=value[:60]
            ),
        )
    return f"{local}@{domain.lower()}"


def postcode(text: str, *, field: str = "code_postal") -> str:
    """A French postcode: five digits, metropolitan (01–95, Corsica 20xxx) or overseas (97x)."""
    value = text.strip().replace(" ", "") if isinstance(text, str) else ""
    if not value:
        raise ValidationError.single(field, _("Le code postal est obligatoire."))
    department = value[:2]
    valid = (
        len(value) == 5
        and value.isascii()
        and value.isdigit()
        and (
            "01" <= department <= "95"
            or value[:3] in ("971", "972", "973", "974", "975", "976", "977", "978")
            or value[:3] in ("980", "986", "987", "988")
        )
    )
    if not valid:
        raise ValidationError.single(
            field,
            _(
                "Code postal invalide : « {value} ». Il compte 5 chiffres (75011, 20000 en "
                "Corse, 97100 en Guadeloupe)."
            ).format(value=value[:20]),
        )
    return value


# IBAN lengths (ISO 13616 registry) of the SEPA countries a French customer may bank in.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}  # fmt: skip


def iban(text: str, *, field: str = "iban") -> str:
    """An IBAN in its compact upper-case form, checked by length and ISO 13616 mod-97.

    Spaces are accepted (FR76 3000 6000 0112 3456 7890 189). C1.8: SEPA direct debit.
    """
    value = re.sub(r"[\s\u00a0\u202f]", "", text).upper() if isinstance(text, str) else ""
    if not value:
        raise ValidationError.single(field, _("L'IBAN est obligatoire."))
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{1,30}", value, re.ASCII):
        raise ValidationError.single(
            field,
            _(
                "IBAN invalide : il commence par le code pays et deux chiffres de contrôle "
                "(FR76 …) puis ne contient que des lettres et des chiffres."
            ),
        )
    country = value[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise ValidationError.single(
            field,
            _("IBAN invalide : le pays « {country} » n'est pas dans la zone SEPA.").format(
                country=country
            ),
        )
    if len(value) != expected:
        raise ValidationError.single(
            field,
            _(
                "IBAN invalide : un IBAN {country} compte {expected} caractères, pas {actual}."
            ).format(country=country, expected=expected, actual=len(value)),
        )
    rearranged = value[4:] + value[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    if int(digits) % 97 != 1:
        raise ValidationError.single(
            field,
            _("IBAN invalide : la clé de contrôle ne correspond pas (vérifiez chaque caractère)."),
        )
    return value


_AMOUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+", re.ASCII)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


def _too_big() -> str:
    return _("Montant invalide : il dépasse 1 000 000 €, vérifiez la saisie.")


def amount(
    value: str | Decimal | int, *, field: str = "montant", allow_zero: bool = False
) -> Decimal:
    """A positive amount in euros with two decimals, from "1 234,50", "1234.50 €" or a Decimal."""
    if isinstance(value, bool):
        raise ValidationError.single(field, _("Montant invalide."))
    if isinstance(value, Decimal | int):
        number = Decimal(value)
        if number.is_finite() and abs(number) > MAX_AMOUNT:
            raise ValidationError.single(field, _too_big())
        if not number.is_finite() or number != number.quantize(CENT, rounding=ROUND_HALF_UP):
            raise ValidationError.single(
                field, _("Montant invalide : deux décimales au plus (centimes).")
            )
    else:
        text = value.strip().removesuffix("€").removesuffix("EUR").strip()
        if not text:
            raise ValidationError.single(field, _("Le montant est obligatoire."))
        integer, sep, decimals = text.rpartition(",") if "," in text else ("", "", "")
        if not sep:
            # No comma: a dot followed by one or two digits is the decimal point.
            match = re.fullmatch(r"(.*)\.(\d{1,2})", text, re.ASCII)
            integer, decimals = (match.group(1), match.group(2)) if match else (text, "")
        if not _AMOUNT.fullmatch(integer) or not re.fullmatch(r"\d{0,2}", decimals, re.ASCII):
            raise ValidationError.single(
                field,
                _(
                    "Montant invalide : « {value} ». Saisissez par exemple 1 234,50 "
                    "(deux décimales au plus)."
                ).format(value=text[:30]),
            )
        digits = re.sub(r"[ \u00a0\u202f.]", "", integer)
        try:
            number = Decimal(f"{digits}.{decimals or '0'}")
        except InvalidOperation:  # pragma: no cover - the regexes admit only digits
            raise ValidationError.single(field, _("Montant invalide.")) from None
    if number > MAX_AMOUNT:
        raise ValidationError.single(field, _too_big())
    number = number.quantize(CENT)
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationError.single(field, _("Le montant doit être supérieur à zéro."))
    return number


_DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.ASCII)
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def date_value(value: str | dt.date, *, field: str = "date") -> dt.date:
    """A date from ISO (2026-03-15) or French (15/03/2026) input, between 1900 and 2100."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise ValidationError.single(field, _("La date est obligatoire."))
        iso = _DATE_ISO.fullmatch(text)
        french = _DATE_FR.fullmatch(text)
        try:
            if iso:
                day = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            elif french:
                day = dt.date(int(french.group(3)), int(french.group(2)), int(french.group(1)))
            else:
                raise ValidationError.single(
                    field,
                    _("Date invalide : « {value} ». Saisissez-la au format JJ/MM/AAAA.").format(
                        value=text[:30]
                    ),
                )
        except ValueError:
            raise ValidationError.single(
                field,
                _("Date invalide : « {value} » n'existe pas dans le calendrier.").format(
                    value=text[:30]
                ),
            ) from None
    if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValidationError.single(field, _("Date invalide : hors de la période 1900–2100."))
    return day


_CUSTOMER_NUMBER = re.compile(r"CL\d{7}")


def customer_number(text: str, *, field: str = "numero_client") -> str:
    """A customer number: CL followed by 7 digits (CL0004512); case and spaces forgiven."""
    value = re.sub(r"\s", "", text).upper() if isinstance(text, str) else ""
    if not value:
        raise ValidationError.single(field, _("Le numéro client est obligatoire."))
    if not _CUSTOMER_NUMBER.fullmatch(value) or not value.isascii():
        raise ValidationError.single(
            field,
            _("Numéro client invalide : « {value} » (format CL suivi de 7 chiffres).").format(
                value=value[:20]
            ),
        )
    return value


_NAME_CHARS = re.compile(r"[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?")


def person_name(text: str, *, field: str = "nom", max_length: int = 80) -> str:
    """A person's name: trimmed, inner spaces collapsed, letters with - ' . only."""
    value = " ".join(text.split()) if isinstance(text, str) else ""
    if not value:
        raise ValidationError.single(field, _("Ce nom est obligatoire."))
    if len(value) > max_length:
        raise ValidationError.single(
            field, _("Ce nom est trop long ({max} caractères au plus).").format(max=max_length)
        )
    if not _NAME_CHARS.fullmatch(value):
        raise ValidationError.single(
            field,
            _("Nom invalide : « {value} » (lettres, espaces, tirets et apostrophes).").format(
                value=value[:40]
            ),
        )
    return value


def text_value(
    text: str | None, *, field: str, max_length: int = 2000, required: bool = True
) -> str:
    """Free text (a note, a company name): trimmed, non-empty when required, bounded."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        if required:
            raise ValidationError.single(field, _("Ce champ est obligatoire."))
        return ""
    if len(value) > max_length:
        raise ValidationError.single(
            field, _("Texte trop long ({max} caractères au plus).").format(max=max_length)
        )
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
        raise ValidationError.single(field, _("Le texte contient des caractères de contrôle."))
    return value


def choice(value: str, allowed: dict[str, str] | tuple[str, ...], *, field: str) -> str:
    """One of `allowed` (codes; a dict maps code -> French label used in the message)."""
    if value in allowed:
        return value
    labels = allowed.values() if isinstance(allowed, dict) else allowed
    raise ValidationError.single(
        field,
        _("Valeur invalide : « {value} ». Choisissez parmi : {choices}.").format(
            value=str(value)[:40], choices=", ".join(labels)
        ),
    )


def fold(text: str) -> str:
    """Lower case without accents, for accent-insensitive name search (Lefèvre = lefevre)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold().replace("’", "'").strip()


class Checker:
    """Collects field errors so a form reports every wrong field at once.

    >>> check = Checker()
    >>> mail = check(email, "x@", field="email")
    >>> check.raise_if_any()  # raises ValidationError naming every bad field
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, validator: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return validator(*args, **kwargs)
        except ValidationError as error:
            self.errors.extend(error.errors)
            return None  # type: ignore[return-value]  # raise_if_any() stops before use

    def add(self, field: str, message: str) -> None:
        """Record an error found by the caller itself."""
        self.errors.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        """Raise one ValidationError with every collected field error."""
        if self.errors:
            raise ValidationError(self.errors)
