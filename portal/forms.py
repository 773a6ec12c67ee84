"""Forms of the customer website: they parse and check input; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

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
