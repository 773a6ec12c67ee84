"""Local weeks and months grouped by the database: the same days as Django's own truncation, summer time included.

On SQLite they are SQLite's "localtime" (the C library's zone, which Django sets to TIME_ZONE); elsewhere
Django's AT TIME ZONE. Where the C library's zone is not the one asked for, Django's own function answers."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import DateField
from django.db.models.functions import TruncMonth, TruncWeek
from django.test.utils import CaptureQueriesContext

from core.querying import LocalMonth, LocalWeek
from surveys.models import Survey
from tests.factories import ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _surveys_around_clock_changes() -> None:
    """Surveys at random moments, and at each minute around the summer-time changes of Berlin and of Moscow
    (which had summer time until 2010 and a permanent +4 from 2011 to 2014)."""
    client = ClientFactory()
    rng = random.Random(18)
    moments = [
        dt.datetime(1995, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(40 * 365 * 86400))
        for _ in range(300)
    ]
    for change in ("2024-03-31 00:59", "2024-10-27 00:59", "2010-03-27 22:59", "2014-10-25 21:59", "2023-12-31 20:59"):
        start = dt.datetime.fromisoformat(change).replace(tzinfo=dt.UTC)
        moments += [start + dt.timedelta(minutes=minutes) for minutes in range(-61, 62, 30)]
    Survey.objects.bulk_create(
        Survey(client=client, kind="thanks", rating=5, created_at=moment, source="website") for moment in moments
    )


def _by_django_and_by_ours(ours, django) -> tuple[list, list]:
    # With a parameter, as every query of the selectors has: mssql-django's week truncation writes its modulo
    # as "%%", which only a query with parameters turns back into "%" (the shadow compilation checks T-SQL).
    rows = Survey.objects.filter(rating__gte=1).order_by("id")
    with CaptureQueriesContext(connection) as queries:
        got = list(rows.annotate(day=ours("created_at")).values_list("day", flat=True))
    expected = list(rows.annotate(day=django("created_at", output_field=DateField())).values_list("day", flat=True))
    if connection.vendor == "sqlite":
        assert "localtime" in queries[0]["sql"]  # grouped by SQLite itself, not a Python function per row
    return got, expected


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/Berlin", "Asia/Vladivostok"])
@pytest.mark.parametrize(("ours", "django"), [(LocalMonth, TruncMonth), (LocalWeek, TruncWeek)])
def test_the_same_local_days_as_django_in_every_zone(settings, zone, ours, django):
    settings.TIME_ZONE = zone
    _surveys_around_clock_changes()

    got, expected = _by_django_and_by_ours(ours, django)

    assert got == expected
    assert all(day.weekday() == 0 for day in got) if ours is LocalWeek else all(day.day == 1 for day in got)


def test_a_c_library_in_another_zone_leaves_the_work_to_django(settings, monkeypatch):
    settings.TIME_ZONE = "Europe/Berlin"
    _surveys_around_clock_changes()
    monkeypatch.setenv("TZ", "UTC")  # as if the process's zone were not the bank's (time.tzset() not called)

    rows = Survey.objects.order_by("id")
    with CaptureQueriesContext(connection) as queries:
        got = list(rows.annotate(day=LocalMonth("created_at")).values_list("day", flat=True))

    assert "localtime" not in queries[0]["sql"]
    assert got == list(
        rows.annotate(day=TruncMonth("created_at", output_field=DateField())).values_list("day", flat=True)
    )
