"""{% load money %} … {{ bank_account.balance|money:bank_account.currency }} → "1 500,50 ₽";
{{ product.interest_rate|percent }} → "12,5 %"."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core.money import format_percent
from core.money import money as format_with_sign

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_with_sign(amount, currency)


@register.filter
def percent(rate: Decimal | None) -> str:
    return format_percent(rate)
