"""Survey analytics through the management API: NPS and CSAT, the trend by week or month against the period before,
the breakdown by kind and source; weeks and months are the bank's local calendar, also across summer-time changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import ClientFactory, SurveyFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def at(day: str, hour: int = 12, zone=MOSCOW) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=zone)


def answers(client, kind: str, ratings: list[int], day: str) -> None:
    for rating in ratings:
        SurveyFactory(client=client, kind=kind, rating=rating, created_at=at(day))


@pytest.mark.postgres
def test_nps_counts_promoters_passives_detractors_and_scores_their_difference(api):
    client = ClientFactory()
    answers(client, "nps", [10, 9, 9, 8, 7, 6, 0, 10], "2024-03-05")  # 4 promoters, 2 passives, 2 detractors
    answers(client, "csat", [5, 4, 3, 1], "2024-03-06")  # 2 of 4 satisfied
    answers(client, "complaint", [2, 4], "2024-03-07")
    figures = api.get("surveys/analytics").json()["overall"]
    assert figures["count"] == 14
    assert figures["nps"] == {"promoters": 4, "passives": 2, "detractors": 2, "answers": 8, "score": 25.0}
    assert figures["csat"] == {"satisfied": 2, "answers": 4, "score": 50.0}
    assert figures["average_rating"] == 3.17  # (5+4+3+1+2+4)/6: the five-point kinds only, NPS's 0–10 left out


def test_no_answers_means_no_score_rather_than_zero(api):
    SurveyFactory(client=ClientFactory(), kind="complaint", rating=2)
    figures = api.get("surveys/analytics").json()["overall"]
    assert figures["nps"]["score"] is None and figures["csat"]["score"] is None


def test_monthly_trend_has_every_month_and_its_change_from_the_month_before(api):
    client = ClientFactory()
    answers(client, "nps", [10, 10, 0], "2024-01-15")  # NPS 33.3
    answers(client, "nps", [10, 10, 10, 9], "2024-03-02")  # NPS 100
    trend = api.get("surveys/analytics", period="month").json()["trend"]
    assert [point["start"] for point in trend] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert [point["figures"]["count"] for point in trend] == [3, 0, 4]
    assert trend[0]["change"] is None
    assert trend[1]["change"] == {"count": -3, "average_rating": None, "nps_score": None, "csat_score": None}
    assert trend[2]["change"]["count"] == 4
    assert trend[2]["figures"]["nps"]["score"] == 100.0


def test_weekly_trend_starts_on_mondays(api):
    client = ClientFactory()
    answers(client, "csat", [5], "2024-03-03")  # a Sunday: the week of Monday 26 February
    answers(client, "csat", [1], "2024-03-04")  # a Monday
    trend = api.get("surveys/analytics", period="week").json()["trend"]
    assert [(point["start"], point["figures"]["csat"]["score"]) for point in trend] == [
        ("2024-02-26", 100.0),
        ("2024-03-04", 0.0),
    ]
    assert trend[1]["change"]["csat_score"] == -100.0


def test_a_chosen_period_is_compared_with_the_equally_long_period_before(api):
    client = ClientFactory()
    answers(client, "csat", [5, 5], "2024-02-20")  # before: 100 %
    answers(client, "csat", [5, 1, 1, 1], "2024-03-10")  # now: 25 %
    answers(client, "csat", [1], "2024-01-01")  # outside both
    answer = api.get("surveys/analytics", date_from="2024-03-01", date_to="2024-03-31").json()
    assert answer["previous"]["date_from"] == "2024-01-30" and answer["previous"]["date_to"] == "2024-02-29"
    assert answer["previous"]["csat"]["score"] == 100.0
    assert answer["overall"]["csat"]["score"] == 25.0
    assert answer["change"]["csat_score"] == -75.0 and answer["change"]["count"] == 2
    assert api.get("surveys/analytics", date_from="2024-03-01").json()["previous"] is None
    from_the_first_day = api.get("surveys/analytics", date_from="0001-01-01", date_to="2024-03-31")
    assert from_the_first_day.status_code == 400, "days outside the bank's range are refused, not overflowed"


def test_breakdown_by_kind_and_source(api):
    client = ClientFactory()
    SurveyFactory(client=client, kind="nps", rating=10, source="phone")
    SurveyFactory(client=client, kind="nps", rating=3, source="website")
    SurveyFactory(client=client, kind="csat", rating=5, source="phone")
    answer = api.get("surveys/analytics").json()
    by_source = {row["source"]: row for row in answer["per_source"]}
    assert by_source["phone"]["count"] == 2 and by_source["phone"]["nps"]["score"] == 100.0
    assert by_source["website"]["nps"]["score"] == -100.0 and by_source["chat"]["count"] == 0
    by_kind = {row["kind"]: row for row in answer["per_kind"]}
    assert by_kind["nps"]["count"] == 2 and by_kind["csat"]["csat"]["score"] == 100.0
    assert by_kind["thanks"]["count"] == 0


def test_figures_are_computed_by_a_few_aggregate_queries_whatever_the_data(api):
    client = ClientFactory()
    for day in range(1, 29):
        answers(client, "nps", [day % 11], f"2024-02-{day:02d}")
    with CaptureQueriesContext(connection) as queries:
        api.get("surveys/analytics", period="week", date_from="2024-02-01", date_to="2024-02-29")
    survey_queries = [query for query in queries.captured_queries if "surveys_survey" in query["sql"]]
    assert len(survey_queries) == 5


@pytest.mark.postgres  # and on SQLite, where Django truncates in Python
@pytest.mark.parametrize(
    ("moment_utc", "period", "start"),
    [
        # 1 April 2024, 00:30 in Berlin is already summer time (UTC+2): 31 March, 22:30 UTC belongs to April.
        ("2024-03-31T22:30:00", "month", "2024-04-01"),
        # 31 March 2024, 23:30 Berlin summer time is 21:30 UTC: still March.
        ("2024-03-31T21:30:00", "month", "2024-03-01"),
        # Sunday 27 October 2024, 23:30 Berlin winter time (UTC+1) is 22:30 UTC: the week of 21 October.
        ("2024-10-27T22:30:00", "week", "2024-10-21"),
        # Monday 28 October, 00:30 winter time is 23:30 UTC on Sunday: the week of 28 October.
        ("2024-10-27T23:30:00", "week", "2024-10-28"),
    ],
)
def test_weeks_and_months_follow_the_local_calendar_across_summer_time_changes(
    api, settings, moment_utc, period, start
):
    settings.TIME_ZONE = "Europe/Berlin"
    when = dt.datetime.fromisoformat(moment_utc).replace(tzinfo=dt.UTC)
    SurveyFactory(client=ClientFactory(), kind="csat", rating=4, created_at=when)
    trend = api.get("surveys/analytics", period=period).json()["trend"]
    assert [point["start"] for point in trend] == [start]


@pytest.mark.postgres
@pytest.mark.parametrize(("kind", "rating"), [("nps", 11), ("csat", 0), ("complaint", 6), ("thanks", 0)])
def test_the_database_refuses_a_rating_outside_its_kinds_scale(kind, rating):
    client = ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyFactory(client=client, kind=kind, rating=rating)


def test_nps_takes_zero_to_ten_and_a_product_manager_can_record_it(api):
    client = ClientFactory(email="olga@example.ru")
    assert api.post("surveys", {"client_email": "olga@example.ru", "kind": "nps", "rating": 0}).status_code == 201
    assert api.post("surveys", {"client_email": "olga@example.ru", "kind": "nps", "rating": 10}).status_code == 201
    refused = api.post("surveys", {"client_id": client.pk, "kind": "csat", "rating": 7})
    assert refused.status_code == 400
    assert refused.json()["details"]["rating"] == "The rating is a whole number from 1 to 5."
