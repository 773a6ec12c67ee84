"""Forms of the customer website: they parse and check input; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from banking.models import BankAccount
from banking.services import PaymentError, parse_amount
from core.forms import BootstrapFormMixin
from surveys.models import SurveyKind
from surveys.services import REVIEW_KINDS, REVIEW_TEXT_MAX_LENGTH


class SignInForm(BootstrapFormMixin, AuthenticationForm):
    remember_me = forms.BooleanField(label=_("Remember my login and language on this computer"), required=False)

    # One message for an unknown login and a wrong password alike, so it gives away neither.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong login or password. Check both and try again (letter case matters)."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Login")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class SecondFactorForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=16,
        help_text=_("6 digits from the authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class BankPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class PaymentForm(BootstrapFormMixin, forms.Form):
    payer = forms.ChoiceField(label=_("From account"))
    payee_number = forms.CharField(
        label=_("To account number"),
        max_length=40,
        help_text=_("20 digits; your own account or another customer's, in the same currency."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    amount = forms.CharField(
        label=_("Amount"),
        max_length=40,
        help_text=_("For example 1 500,50"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)
    # Made once when the form is shown: submitting the same form twice pays once.
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The payment form is incomplete; open it again."),
            "invalid": _("The payment form is incomplete; open it again."),
        },
    )

    def __init__(self, *args, payer_accounts: list[BankAccount], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [
            (
                account.number,
                f"{account.number} · {number_format(account.balance, 2, force_grouping=True)} {account.currency}",
            )
            for account in payer_accounts
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_payee_number(self) -> str:
        # People paste numbers with spaces in them: 40817 810 ...
        return "".join(self.cleaned_data["payee_number"].split())

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise forms.ValidationError(str(error)) from None


class ReviewForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind.value, kind.label) for kind in REVIEW_KINDS], initial=SurveyKind.THANKS
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(value, str(value)) for value in range(5, 0, -1)],
        initial=5,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review"), max_length=REVIEW_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    suggestions = forms.CharField(
        label=_("Suggestions for improvement"),
        max_length=REVIEW_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
