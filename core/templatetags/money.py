"""{% load money %} … {{ bank_account.balance|money:bank_account.currency }} → "1 500,50 ₽";
{{ receipt.signed_amount|signed_money:currency }} → "+1 500,50 ₽" / "−40,00 ₽";
{{ product.interest_rate|percent }} → "12,5 %"."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core import money as formatting

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "") -> str:
    return formatting.money(amount, currency)


@register.filter
def signed_money(amount: Decimal, currency: str) -> str:
    return formatting.signed_money(amount, currency)


@register.filter
def currency_sign(currency: str) -> str:
    return formatting.currency_sign(currency)


@register.filter
def percent(rate: Decimal | None) -> str:
    return formatting.format_percent(rate)
