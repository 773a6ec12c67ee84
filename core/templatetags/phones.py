"""``{{ lead.phone|phone }}``: a stored E.164 number as a person reads it, ``+7 903 144-76-02``."""

from __future__ import annotations

from django import template

from core.phones import format_phone

register = template.Library()


@register.filter(name="phone")
def phone(value: str) -> str:
    return format_phone(value or "")
