"""Scheduled news through the management API: schedule, list, withdraw; bad input refused with the field named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import ScheduledNews
from tests.api.conftest import Api
from tests.factories import CustomerFactory, StaffFactory, token_for

pytestmark = pytest.mark.django_db
NEWS = {"title": "Вклад «Зима»", "body": "Ставка 13% годовых.", "audience": "all_customers"}


def tomorrow() -> str:
    return (timezone.localtime() + timedelta(days=1)).replace(microsecond=0).isoformat()


def test_a_manager_schedules_lists_and_withdraws_news(api):
    created = api.post("news/scheduled", {**NEWS, "publish_at": tomorrow()})
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["status_label"], body["published_to"]) == ("scheduled", "scheduled", None)

    listed = api.get("news/scheduled", status="scheduled").json()
    assert [row["title"] for row in listed["results"]] == ["Вклад «Зима»"]

    withdrawn = api.post(f"news/scheduled/{body['id']}/withdraw", {})
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    again = api.post(f"news/scheduled/{body['id']}/withdraw", {})
    assert again.status_code == 400
    assert (
        again.json()["error"]
        == "This news is withdrawn before publication: only news that waits can be withdrawn here."
    )
    assert api.post("news/scheduled/999999/withdraw", {}).status_code == 404


@pytest.mark.parametrize(
    ("publish_at", "field_error"),
    [
        ("2030-01-01T09:00:00", "Give the time with its offset, e.g. +03:00."),
        ("tomorrow", "Expected a time as YYYY-MM-DDTHH:MM[:SS]+HH:MM."),
        (1800000000, "Expected a time as YYYY-MM-DDTHH:MM[:SS]+HH:MM."),
        ("2020-01-01T09:00:00+03:00", "Choose a time at least a minute from now, or publish the news now."),
    ],
)
def test_a_bad_time_is_refused_with_the_field_named_and_nothing_scheduled(api, publish_at, field_error):
    answer = api.post("news/scheduled", {**NEWS, "publish_at": publish_at})
    assert answer.status_code == 400
    assert answer.json()["details"]["publish_at"] == field_error
    assert not ScheduledNews.objects.exists()


def test_only_product_managers_schedule():
    CustomerFactory()
    for role in ({"back_office": True}, {"chat_agent": True}):
        api = Api(token_for(StaffFactory(**role)))
        assert api.post("news/scheduled", {**NEWS, "publish_at": tomorrow()}).status_code == 403
        assert api.get("news/scheduled").status_code == 403
    assert Api().get("news/scheduled").status_code == 401
    assert not ScheduledNews.objects.exists()
