"""Query helpers shared by the selectors of every app: column sorting, local-day ranges, case-blind search."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def ordering_for(sort: str, fields: dict[str, tuple[str, ...]]) -> list[str]:
    """ORDER BY for "column" or "-column", with the id last so that pages never overlap."""
    descending = sort.startswith("-")
    columns = fields[sort.removeprefix("-")]
    prefix = "-" if descending else ""
    return [f"{prefix}{column}" for column in columns] + ([] if columns == ("id",) else [f"{prefix}id"])



def local_days(field: str, date_from: dt.date | None, date_to: dt.date | None) -> Q:
    """The rows whose ``field`` falls on the bank's local days (TIME_ZONE) from ``date_from`` to ``date_to``,
    both included; compared as a range so that the column's index serves."""
    condition = Q()
    zone = timezone.get_current_timezone()
    # Days outside the years a row can carry bound nothing (and would overflow when shifted to UTC).
    date_from = date_from if date_from is not None and date_from > EARLIEST_DAY else None
    date_to = date_to if date_to is not None and date_to < LATEST_DAY else None
    if date_from is not None:
        condition &= Q(**{f"{field}__gte": dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)})
    if date_to is not None:
        next_day = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        condition &= Q(**{f"{field}__lt": next_day})
    return condition


def contains_in_any_case(word: str, fields: tuple[str, ...]) -> Q:
    """One of the fields contains the word in any letter case. SQLite folds the case of Latin letters only,
    so Cyrillic is also tried as typed, in lower case, capitalised and in capitals (as names are written)."""
    condition = Q()
    for variant in {word, word.lower(), word.capitalize(), word.upper()}:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": variant})
    return condition
