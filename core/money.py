"""Money as the bank stores and shows it: Decimal(18, 2) columns, amounts grouped for reading."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypedDict

from django.utils.formats import number_format


class MoneyColumn(TypedDict):
    max_digits: int
    decimal_places: int


# Every money column: up to 16 digits before the point, kopecks/cents after it.
MONEY: Final = MoneyColumn(max_digits=18, decimal_places=2)


def format_money(amount: Decimal | None, currency: str = "") -> str:
    """Two decimals with thousands grouped, so that columns of amounts read at a glance."""
    if amount is None:
        return "—"
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


def format_percent(rate: Decimal | None) -> str:
    """An interest rate as people read it, ``12,5 %`` in Russian: trailing zeros dropped, "—" for none."""
    if rate is None:
        return "—"
    shortest = rate.quantize(Decimal(1)) if rate == rate.to_integral() else rate.normalize()
    text = number_format(shortest, use_l10n=True)
    return f"{text}\u00a0%"


# How a customer reads each currency; one without a sign of its own keeps its code.
CURRENCY_SIGNS: Final = {
    "RUB": "₽",
    "USD": "$",
    "EUR": "€",
    "CNY": "¥",
    "GBP": "£",
    "KZT": "₸",
    "TRY": "₺",
    "BYN": "Br",
}


def money(amount: Decimal | None, currency: str) -> str:
    """An amount as customers read it: "1 500,50 ₽" in Russian (no-break spaces), "−20.00 $" when negative."""
    if amount is None:
        return "—"
    text = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "\u2212" if amount < 0 else ""
    return f"{sign}{text}\u00a0{CURRENCY_SIGNS.get(currency, currency)}"
