"""The dates a filter may ask for: far enough for any real question, near enough for every date computation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)


def date_range_message() -> str:
    return _("Expected a date from %(first)s to %(last)s.") % {
        "first": DATE_MIN.strftime("%d.%m.%Y"),
        "last": DATE_MAX.strftime("%d.%m.%Y"),
    }


class BoundedDateField(forms.DateField):
    """A date field that refuses, with a readable message, dates outside DATE_MIN..DATE_MAX."""

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(date_range_message(), code="out_of_range")
