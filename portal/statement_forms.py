"""Forms of the statement pages: the period asked for, and the account's nickname."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.models import NICKNAME_MAX_LENGTH
from core.dates import BoundedDateField
from core.forms import BootstrapFormMixin


class StatementFilterForm(BootstrapFormMixin, forms.Form):
    date_from = BoundedDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class NicknameForm(BootstrapFormMixin, forms.Form):
    nickname = forms.CharField(
        label=_("Account name"),
        max_length=NICKNAME_MAX_LENGTH,
        required=False,
        help_text=_("Your own name for the account, for example “Salary”. Leave empty to show the currency."),
    )
