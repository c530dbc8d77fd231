"""Input validation: normalised values, French messages, and nothing but ValidationError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm import validation
from crm.errors import ValidationError


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("01 23 45 67 89", "+33123456789"),
        ("09 70 80 90 00", "+33970809000"),
        ("0590 20 12 34", "+590590201234"),  # Guadeloupe, fixed
        ("0690 00 12 34", "+590690001234"),  # Guadeloupe, mobile
        ("0596 30 12 34", "+596596301234"),  # Martinique
        ("0696 20 12 34", "+596696201234"),
        ("0594 10 12 34", "+594594101234"),  # Guyane
        ("0694 20 12 34", "+594694201234"),
        ("0262 16 12 34", "+262262161234"),  # La Réunion
        ("0692 12 34 56", "+262692123456"),
        ("0269 60 12 34", "+262269601234"),  # Mayotte (region FR would wrongly accept it)
        ("0639 01 23 45", "+262639012345"),
        ("+590 690 00 12 34", "+590690001234"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed: str, e164: str) -> None:
    assert validation.phone(typed) == e164


@pytest.mark.parametrize(
    "typed", ["", "   ", "12", "06 12 34 56", "06 12 34 56 78 90", "00 00 00 00 00", "abc", "+33"]
)
def test_bad_phone_numbers_get_a_french_message(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.phone(typed, field="telephone_1")
    assert caught.value.errors[0].field == "telephone_1"
    assert "numéro" in str(caught.value).lower()


@given(st.integers(min_value=100_000_000, max_value=999_999_999))
def test_fast_french_check_agrees_with_phonenumbers(national: int) -> None:
    expected = phonenumbers.is_valid_number(
        phonenumbers.PhoneNumber(country_code=33, national_number=national)
    )
    assert bool(validation._valid_national_pattern("FR").fullmatch(str(national))) == expected


def test_fast_french_check_agrees_on_every_prefix() -> None:
    for prefix in range(100, 1000):
        for tail in ("000000", "123456", "999999"):
            number = int(f"{prefix}{tail}")
            expected = phonenumbers.is_valid_number(
                phonenumbers.PhoneNumber(country_code=33, national_number=number)
            )
            assert bool(validation._valid_national_pattern("FR").fullmatch(str(number))) == expected


@pytest.mark.parametrize("prefix", sorted(validation.DOM_PREFIXES))
def test_fast_overseas_path_agrees_with_phonenumbers(prefix: str) -> None:
    region = validation.DOM_PREFIXES[prefix]
    for middle in range(100):
        national = f"{prefix}{middle:02d}1234"
        try:
            ours: str | None = validation.phone(national)
        except ValidationError:
            ours = None
        # The overseas reading wins; a range the plan gives to metropolitan France is +33.
        expected = None
        for reading in (region, "FR"):
            parsed = phonenumbers.parse(national, reading)
            if phonenumbers.is_valid_number(parsed):
                expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
                break
        assert ours == expected, national


def test_phone_display_is_french() -> None:
    assert validation.phone_display("+33612345678") == "06 12 34 56 78"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" Claire.Dubois@Exemple.FR ", "Claire.Dubois@exemple.fr"),
        ("a+b@orbelia.fr", "a+b@orbelia.fr"),
    ],
)
def test_emails(typed: str, expected: str) -> None:
    assert validation.email(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "claire", "claire@", "@exemple.fr", "a b@exemple.fr", "a..b@x.fr", "a@x"]
)
def test_bad_emails(typed: str) -> None:
    with pytest.raises(ValidationError, match="e-mail"):
        validation.email(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("75011", "75011"), (" 69 002 ", "69002"), ("20000", "20000"), ("97100", "97100")],
)
def test_postcodes(typed: str, expected: str) -> None:
    assert validation.postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "7501", "750011", "00100", "96000", "99000", "7501A"])
def test_bad_postcodes(typed: str) -> None:
    with pytest.raises(ValidationError, match=r"[Cc]ode postal"):
        validation.postcode(typed)


def test_ibans() -> None:
    assert validation.iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert validation.iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_bad_ibans_say_why() -> None:
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validation.iban("FR76 3000 6000 0112 3456 7890 188")
    with pytest.raises(ValidationError, match="27 caractères"):
        validation.iban("FR76 3000 6000 0112 3456 7890 18")
    with pytest.raises(ValidationError, match="zone SEPA"):
        validation.iban("US12 3456 7890 1234")
    with pytest.raises(ValidationError, match="obligatoire"):
        validation.iban("  ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1\u202f234,50 €", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1234.5", "1234.50"),
        ("15", "15.00"),
        ("0,99", "0.99"),
        (Decimal("12.3"), "12.30"),
        (40, "40.00"),
    ],
)
def test_amounts(typed: str | Decimal | int, expected: str) -> None:
    assert validation.amount(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "0", "12,345", "1,2,3", Decimal("1.234"), Decimal("NaN"), "2000000"]
)
def test_bad_amounts(typed: str | Decimal) -> None:
    with pytest.raises(ValidationError, match=r"[Mm]ontant"):
        validation.amount(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2026-03-15", dt.date(2026, 3, 15)), ("15/03/2026", dt.date(2026, 3, 15))],
)
def test_dates(typed: str, expected: dt.date) -> None:
    assert validation.date_value(typed) == expected


@pytest.mark.parametrize("typed", ["", "31/02/2026", "2026/03/15", "15-3-26", "1/1/1800"])
def test_bad_dates(typed: str) -> None:
    with pytest.raises(ValidationError, match=r"[Dd]ate"):
        validation.date_value(typed)


def test_customer_numbers() -> None:
    assert validation.customer_number(" cl 0004512") == "CL0004512"
    with pytest.raises(ValidationError, match="CL suivi de 7 chiffres"):
        validation.customer_number("CL12345")


def test_names() -> None:
    assert validation.person_name("  Jean-Pierre   d’Arc ") == "Jean-Pierre d’Arc"
    assert validation.person_name("Lefèvre") == "Lefèvre"
    for bad in ("", "R2D2", "x" * 81, "--"):
        with pytest.raises(ValidationError):
            validation.person_name(bad)


def test_fold_ignores_case_and_accents() -> None:
    assert validation.fold("Lefèvre") == validation.fold("LEFEVRE") == "lefevre"
    assert validation.fold("Œuvrard") == "œuvrard"


def test_checker_reports_every_field() -> None:
    check = validation.Checker()
    check(validation.email, "x@", field="email")
    check(validation.postcode, "123", field="code_postal")
    assert check(validation.postcode, "75011", field="autre") == "75011"
    with pytest.raises(ValidationError) as caught:
        check.raise_if_any()
    assert [error.field for error in caught.value.errors] == ["email", "code_postal"]
    assert caught.value.for_field("email")


VALIDATORS = [
    validation.phone,
    validation.email,
    validation.postcode,
    validation.iban,
    validation.amount,
    validation.date_value,
    validation.customer_number,
    validation.person_name,
]


@pytest.mark.parametrize("validator", VALIDATORS, ids=lambda v: v.__name__)
@given(text=st.text(max_size=40))
def test_arbitrary_text_raises_only_validation_error(validator, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        validator(text)
    except ValidationError as error:
        assert error.errors and all(e.message for e in error.errors)


@given(
    text=st.text(
        alphabet=st.sampled_from("0123456789 +.()-/"),
        max_size=25,
    )
)
def test_phone_like_text_raises_only_validation_error(text: str) -> None:
    try:
        result = validation.phone(text)
    except ValidationError:
        return
    assert result.startswith("+") and result[1:].isdigit()
    assert phonenumbers.is_valid_number(phonenumbers.parse(result, None))


@given(cents=st.integers(min_value=1, max_value=100_000_000))
def test_french_amounts_round_trip(cents: int) -> None:
    value = Decimal(cents) / 100
    euros, centimes = divmod(cents, 100)
    typed = f"{euros:,}".replace(",", " ") + f",{centimes:02d}"
    assert validation.amount(typed) == value
