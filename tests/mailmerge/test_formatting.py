"""French rendering of Word's date and number pictures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailmerge.fields import compare, parse_instruction
from mailmerge.formatting import (
    as_text,
    format_date,
    format_number,
    parse_date,
    parse_number,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("picture", "expected"),
    [
        ("d MMMM yyyy", "12 mars 2027"),
        ("dddd d MMMM yyyy", "vendredi 12 mars 2027"),
        ("dd/MM/yyyy", "12/03/2027"),
        ("d MMM yy", "12 mars 27"),
        ("MMMM yyyy", "mars 2027"),
        ("'le' d MMMM", "le 12 mars"),
        ("HH:mm", "09:05"),
    ],
)
def test_date_pictures(picture: str, expected: str) -> None:
    assert format_date(datetime(2027, 3, 12, 9, 5), picture) == expected


def test_first_of_the_month_is_written_1er() -> None:
    assert format_date(date(2027, 8, 1), "d MMMM yyyy") == "1er août 2027"
    assert format_date(date(2027, 8, 1), "d/MM/yyyy") == "1/08/2027"


@pytest.mark.parametrize(
    ("picture", "value", "expected"),
    [
        ("# ##0,00 €", "1234.5", f"1{NBSP}234,50{NBSP}€"),
        ("#,##0.00 €", "1234.5", f"1{NBSP}234,50{NBSP}€"),
        ("#.##0,00", "1234567.891", f"1{NBSP}234{NBSP}567,89"),
        ("0,00", "0.005", "0,01"),
        ("#,##0", "999.5", f"1{NBSP}000"),
        ("0.0#", "2.5", "2,5"),
        ("000", "7", "007"),
        ("# ##0,00 €;(# ##0,00 €);néant", "-12", f"(12,00{NBSP}€)"),
        ("# ##0,00 €;(# ##0,00 €);néant", "0", "néant"),
        ("# ##0,00", "-1234.5", f"-1{NBSP}234,50"),
    ],
)
def test_number_pictures(picture: str, value: str, expected: str) -> None:
    assert format_number(Decimal(value), picture) == expected


def test_thousands_separator_is_no_break_space_not_narrow() -> None:
    text = format_number(Decimal("1234567"), "# ##0")
    assert "\u202f" not in text and text == f"1{NBSP}234{NBSP}567"
    assert as_text(Decimal("1234.5")) == f"1{NBSP}234,50"


def test_values_without_switch() -> None:
    assert as_text(date(2027, 3, 12)) == "12 mars 2027"
    assert as_text(2027) == "2027"
    assert as_text(None) == ""
    assert as_text("69002") == "69002"
    assert as_text("12,5", [("#", "0,00 €")]) == f"12,50{NBSP}€"
    assert as_text("2027-03-12", [("@", "d MMMM yyyy")]) == "12 mars 2027"
    assert as_text("pas une date", [("@", "d MMMM yyyy")]) == "pas une date"


def test_parsers() -> None:
    assert parse_date("12/03/2027") == date(2027, 3, 12)
    assert parse_date("2027-02-30") is None
    assert parse_number(f"1{NBSP}234,56 €") == Decimal("1234.56")
    assert parse_number("06 12 34 56 78") is None


def test_if_comparisons_like_word() -> None:
    assert compare("10", ">", "9")  # numbers compare as numbers
    assert compare("Mme", "=", "Mme") and not compare("Mme", "=", "M.")
    assert compare("Durand", "=", "Dur*") and compare("Durand", "<>", "Mar?in")


def test_if_operator_glued_to_nested_field() -> None:
    nested = parse_instruction([" MERGEFIELD Civilite "])
    node = parse_instruction([" IF ", nested, '="Mme" "Madame" "Monsieur"'])
    assert node.operator == "="  # type: ignore[union-attr]


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_amounts_round_trip(value: Decimal) -> None:
    text = format_number(value, "# ##0,00 €")
    assert parse_number(text.removesuffix(f"{NBSP}€")) == value
