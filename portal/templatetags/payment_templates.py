"""{% load payment_templates %}{% payment_templates user %}: the customer's saved payments, one click to repeat.

A tag, so that the overview shows the templates without its own view knowing about them (one bounded query).
"""

from __future__ import annotations

from django import template

from accounts.models import Account
from banking import selectors as banking_selectors

register = template.Library()


@register.inclusion_tag("portal/_dashboard_templates.html")
def payment_templates(account: Account) -> dict:
    return {"templates": banking_selectors.payment_templates(account=account)}
