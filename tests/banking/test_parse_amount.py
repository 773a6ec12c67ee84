from decimal import Decimal

import pytest

from banking.services import InvalidAmount, parse_amount


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("1500.50", "1500.50"),
        ("1 500,50", "1500.50"),
        ("1\u00a0500,5", "1500.50"),  # the no-break space of numbers formatted in Russian
        ("1\u202f000", "1000.00"),
        (" 7 ", "7.00"),
        ("1.500", "1.50"),
        ("+10", "10.00"),
        ("0,5", "0.50"),
        (Decimal("0.01"), "0.01"),
        ("9999999999999999.99", "9999999999999999.99"),
    ],
)
def test_accepted_amounts(raw, amount):
    assert parse_amount(raw) == Decimal(amount)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the amount as a number"),
        ("abc", "Enter the amount as a number"),
        ("1,5,0", "Enter the amount as a number"),
        ("NaN", "Enter the amount as a number"),
        ("Infinity", "Enter the amount as a number"),
        ("0", "greater than zero"),
        ("-0.01", "greater than zero"),
        ("0.001", "at most two digits"),
        ("10000000000000000", "too large"),
        ("99999999999999999999999999999.001", "too large"),  # wider than the decimal context
        ("1e400", "Enter the amount as a number"),
        # Decimal() reads each of these as 10; a person typing them made a slip (or is probing the parser).
        ("\u0661\u0660", "Enter the amount as a number"),  # Arabic-Indic digits
        ("\u06f1\u06f0", "Enter the amount as a number"),  # Extended Arabic-Indic (Persian) digits
        ("\uff11\uff10", "Enter the amount as a number"),  # full-width digits
        ("1e1", "Enter the amount as a number"),
        ("1E1", "Enter the amount as a number"),
        ("1_0", "Enter the amount as a number"),
        ("10.", "Enter the amount as a number"),
        ("1.5.0", "Enter the amount as a number"),
        ("0x10", "Enter the amount as a number"),
        ("--1", "Enter the amount as a number"),
    ],
)
def test_refused_amounts(raw, message):
    with pytest.raises(InvalidAmount, match=message):
        parse_amount(raw)
