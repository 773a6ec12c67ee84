"""Money as the bank stores and shows it: Decimal(18, 2) columns; amounts as customers read them.

Every amount a person sees goes through ``money`` (``format_money`` is the same with the currency optional):
two decimals, thousands grouped, the decimal separator of the language (a comma in Russian), the currency's
sign after a no-break space: "1 234,50 ₽" in Russian, "1,234.50 ₽" in English.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypedDict

from django.utils.formats import number_format


class MoneyColumn(TypedDict):
    max_digits: int
    decimal_places: int


# Every money column: up to 16 digits before the point, kopecks/cents after it.
MONEY: Final = MoneyColumn(max_digits=18, decimal_places=2)

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

NO_BREAK_SPACE: Final = "\u00a0"
MINUS: Final = "\u2212"  # the minus sign, not the hyphen: it neither breaks a line nor looks like a dash


def currency_sign(currency: str) -> str:
    """The sign "₽" for "RUB"; a code without a sign of its own (CHF, AED) stays as it is, and so does a sign."""
    return CURRENCY_SIGNS.get(currency, currency)


def money(amount: Decimal | None, currency: str = "") -> str:
    """An amount as customers read it: "1 500,50 ₽" in Russian (no-break spaces), "−20.00 $" when negative."""
    if amount is None:
        return "—"
    text = number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    # Grouping in Russian is a no-break space already; an ordinary one (a locale's) must not break a line either.
    text = text.replace(" ", NO_BREAK_SPACE)
    sign = MINUS if amount < 0 else ""
    return f"{sign}{text}{NO_BREAK_SPACE}{currency_sign(currency)}" if currency else f"{sign}{text}"


def signed_money(amount: Decimal, currency: str) -> str:
    """An operation's amount with its direction always shown: "+1 000,00 ₽", "−40,00 ₽"."""
    return money(amount, currency) if amount < 0 else f"+{money(amount, currency)}"


format_money = money


def format_percent(rate: Decimal | None) -> str:
    """An interest rate as people read it, ``12,5 %`` in Russian: trailing zeros dropped, "—" for none."""
    if rate is None:
        return "—"
    shortest = rate.quantize(Decimal(1)) if rate == rate.to_integral() else rate.normalize()
    text = number_format(shortest, use_l10n=True)
    return f"{text}{NO_BREAK_SPACE}%"
