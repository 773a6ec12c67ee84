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
