"""Forms of the currency exchange pages: the exchange asked for, and the confirmation of a quoted one."""

from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.models import BankAccount
from banking.services import PaymentError, parse_amount
from core.forms import BootstrapFormMixin
from core.money import money

_INCOMPLETE = {
    "required": _("The exchange form is incomplete; open it again."),
    "invalid": _("The exchange form is incomplete; open it again."),
}


def _choices(accounts: list[BankAccount]) -> list[tuple[str, str]]:
    return [(a.number, f"{a.masked_number} · {money(a.balance, a.currency)}") for a in accounts]


class ExchangeForm(BootstrapFormMixin, forms.Form):
    sell_from = forms.ChoiceField(label=_("Sell from account"))
    buy_to = forms.ChoiceField(label=_("Buy to account"))
    amount = forms.CharField(
        label=_("Amount to sell"),
        max_length=40,
        help_text=_("In the currency of the account you sell from, for example 1 500,50"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    # Made once when the form is shown and carried to the confirmation: confirming twice exchanges once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages=_INCOMPLETE)

    def __init__(self, *args, accounts: list[BankAccount], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sell_from", "buy_to"):
            cast(forms.ChoiceField, self.fields[name]).choices = _choices(accounts)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            currencies = [a.currency for a in accounts]
            # Roubles are sold first; the first account in another currency is bought.
            source = next((a for a in accounts if a.currency == "RUB"), accounts[0] if accounts else None)
            target = next((a for a in accounts if source and a.currency != source.currency), None)
            if source is not None and target is not None and len(set(currencies)) > 1:
                self.initial.setdefault("sell_from", source.number)
                self.initial.setdefault("buy_to", target.number)

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None


class ExchangeConfirmForm(forms.Form):
    """What the confirmation page shows, sent back with "Confirm"; the service checks all of it again."""

    sell_from = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    buy_to = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    amount = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    rate_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=_INCOMPLETE)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages=_INCOMPLETE)

    def clean_amount(self):
        """Read as the form reads it (ASCII digits only), not as Decimal() would ("1e1", "١٠")."""
        try:
            return parse_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None
