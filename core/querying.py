"""Query helpers shared by the selectors of every app: column sorting, local-day ranges, case-blind search."""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
import zoneinfo

from django.db.models import DateField, Q
from django.db.models.functions import TruncMonth, TruncWeek
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


# --- local weeks and months, grouped in the database ------------------------------------------------------------
#
# PostgreSQL and SQL Server convert a timestamp to the bank's zone themselves (AT TIME ZONE), which Django's
# TruncMonth/TruncWeek emit. On SQLite Django converts every row in a Python function instead (3–5 times the cost
# of the plain SQL over 100,000 surveys). SQLite's own "localtime" modifier converts in C with the process's
# time zone, and Django sets the process's zone (TZ, tzset) to TIME_ZONE, summer time included: so where the
# C library's zone is the one asked for (checked against zoneinfo), SQLite groups by itself.


@functools.cache
def _c_library_keeps(zone_name: str, process_zone: str | None) -> bool:
    """The C library's local time is ``zone_name``'s, summer and winter, past and future (a system without
    the zone's tzdata would silently fall back to UTC)."""
    if process_zone != zone_name or not hasattr(time, "tzset"):
        return False
    zone = zoneinfo.ZoneInfo(zone_name)
    for year in (1985, 2000, 2010, 2016, 2024, 2035):
        for month in (1, 7):
            moment = dt.datetime(year, month, 1, 12, tzinfo=dt.UTC)
            offset = moment.astimezone(zone).utcoffset()
            if offset is None or time.localtime(moment.timestamp()).tm_gmtoff != offset.total_seconds():
                return False
    return True


class _InLocalCalendar:
    """A Trunc that, on SQLite, truncates in the C library's local time when that is the zone asked for."""

    sqlite_modifiers: tuple[str, ...] = ()

    def as_sqlite(self, compiler, connection, **extra_context):
        zone_name = self.get_tzname()  # type: ignore[attr-defined]
        if zone_name is None or not _c_library_keeps(zone_name, os.environ.get("TZ")):
            return self.as_sql(compiler, connection, **extra_context)  # type: ignore[attr-defined]
        sql, params = compiler.compile(self.lhs)  # type: ignore[attr-defined]
        modifiers = ", ".join(f"'{modifier}'" for modifier in ("localtime", *self.sqlite_modifiers))
        return f"date({sql}, {modifiers})", params


class LocalMonth(_InLocalCalendar, TruncMonth):
    """The first day of the bank's local month of a timestamp, as a date."""

    sqlite_modifiers = ("start of month",)
    output_field = DateField()


class LocalWeek(_InLocalCalendar, TruncWeek):
    """The Monday of the bank's local week of a timestamp, as a date ('weekday 0' is the Sunday on or after)."""

    sqlite_modifiers = ("weekday 0", "-6 days")
    output_field = DateField()
