"""Checks done in the window before anything is sent, so that a slip is pointed out at once."""

from __future__ import annotations

import datetime as dt
import re

from desktop_client.datepicker import DateField
from desktop_client.formats import DAY_PATTERNS, day
from desktop_client.i18n import Translator

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def period_filters(date_from: DateField, date_to: DateField) -> dict:
    """The API's date_from/date_to (YYYY-MM-DD) from two date fields; ValueError if one cannot be read."""
    return {"date_from": date_from.iso(), "date_to": date_to.iso()}


def bad_day_message(tr: Translator) -> str:
    return tr(
        "Dates are written as {pattern}, for example {example}.",
        pattern=tr(DAY_PATTERNS.get(tr.language, DAY_PATTERNS["en"])),
        example=day(dt.date(2024, 3, 31), tr.language),
    )
