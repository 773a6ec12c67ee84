"""Forms of the payment pages: the payment asked for, its confirmation, the one-time code, a template's name."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from banking.confirmation import CODE_DIGITS, normalize_recipient
from banking.models import BankAccount
from banking.saved_payments import TEMPLATE_NAME_MAX_LENGTH
from banking.services import PaymentError, parse_amount
from core.forms import BootstrapFormMixin
from core.money import money

_INCOMPLETE = {
    "required": _("The payment form is incomplete; open it again."),
    "invalid": _("The payment form is incomplete; open it again."),
}


class PaymentForm(BootstrapFormMixin, forms.Form):
    payer = forms.ChoiceField(label=_("From account"))
    recipient = forms.CharField(
        label=pgettext_lazy("payment", "To"),
        max_length=40,
        help_text=_("The recipient's phone number (a customer of our bank) or a 20-digit account number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    amount = forms.CharField(
        label=_("Amount"),
        max_length=40,
        help_text=_("For example 1 500,50"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)
    # Made once when the form is shown and carried to the confirmation: confirming twice pays once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages=_INCOMPLETE)

    def __init__(self, *args, payer_accounts: list[BankAccount], **kwargs):
        super().__init__(*args, **kwargs)
        # Roubles first, and preselected: the account most payments leave from.
        ordered = sorted(payer_accounts, key=lambda account: (account.currency != "RUB", account.currency))
        self.fields["payer"].choices = [  # type: ignore[attr-defined]
            (account.number, f"{account.masked_number} · {money(account.balance, account.currency)}")
            for account in ordered
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_recipient(self) -> str:
        try:
            return normalize_recipient(self.cleaned_data["recipient"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None


class PaymentConfirmForm(forms.Form):
    """What the confirmation page shows, sent back with "Confirm"; the services check all of it again."""

    payer = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    recipient = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    amount = forms.CharField(widget=forms.HiddenInput, max_length=40, error_messages=_INCOMPLETE)
    comment = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages=_INCOMPLETE)

    def clean_amount(self):
        """Read as the form reads it (ASCII digits only), not as Decimal() would ("1e1", "١٠")."""
        try:
            return parse_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None


class PaymentCodeForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from the message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
                "maxlength": CODE_DIGITS,
            }
        ),
    )


class TemplateNameForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Template name"), max_length=TEMPLATE_NAME_MAX_LENGTH)
