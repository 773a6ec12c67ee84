"""The supervisors' figures: first response, resolution and CSAT per agent and per day, the live queue, computed
by the database in a bounded number of queries; shown to supervisors, the back office and administrators only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from chat import figures, services
from chat.models import AgentSettings, Availability, Conversation
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
DAY = dt.date(2026, 11, 20)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=MOSCOW)


def served(agent, *, started, answered_after, closed_after=None, rating=None, day=DAY):
    """A conversation whose times are set as if it had happened then; rated through the service."""
    conversation = services.start_conversation(customer=CustomerFactory())
    services.claim_conversation(conversation_id=conversation.pk, agent=agent)
    services.post_message(conversation_id=conversation.pk, sender=agent, client_message_id="1", text="Добрый день")
    start = at(day, *started)
    changes = {"created_at": start, "first_response_at": start + dt.timedelta(seconds=answered_after)}
    if closed_after is not None:
        services.close_conversation(conversation_id=conversation.pk, by=agent)
        changes["closed_at"] = start + dt.timedelta(seconds=closed_after)
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    if rating is not None:
        services.rate_conversation(conversation_id=conversation.pk, customer=conversation.customer, rating=rating)
    return conversation


@pytest.fixture
def history():
    olga = StaffFactory(chat_agent=True, first_name="Ольга", last_name="Белова")
    ivan = StaffFactory(chat_agent=True, first_name="Иван", last_name="Андреев")
    served(olga, started=(10, 0), answered_after=30, closed_after=600, rating=5)
    served(olga, started=(23, 30), answered_after=90, closed_after=1200, rating=2)  # 20:30 UTC, still the 20th here
    served(ivan, started=(9, 0), answered_after=60, closed_after=300, rating=4, day=DAY + dt.timedelta(days=1))
    served(ivan, started=(11, 0), answered_after=120, day=DAY + dt.timedelta(days=1))  # still open
    served(ivan, started=(11, 0), answered_after=5, day=DAY - dt.timedelta(days=1))  # before the period
    return olga, ivan


@pytest.mark.postgres  # durations are averaged by each database its own way (intervals, microseconds)
def test_per_agent_per_day_and_in_total(history):
    result = figures.chat_figures(date_from=DAY, date_to=DAY + dt.timedelta(days=1))
    olga_row = next(row for row in result.agents if row.label == "Ольга Белова")
    ivan_row = next(row for row in result.agents if row.label == "Иван Андреев")
    assert (olga_row.conversations, olga_row.first_response, olga_row.resolution) == (
        2,
        dt.timedelta(seconds=60),
        dt.timedelta(seconds=900),
    )
    assert (olga_row.rated, olga_row.csat, olga_row.average_rating) == (2, 50, 3.5)
    assert (ivan_row.conversations, ivan_row.resolved, ivan_row.resolution, ivan_row.csat) == (
        2,
        1,
        dt.timedelta(seconds=300),
        100,
    )
    assert [(row.label, row.conversations) for row in result.days] == [("20.11.2026", 2), ("21.11.2026", 2)]
    assert (result.total.conversations, result.total.answered, result.total.first_response) == (
        4,
        4,
        dt.timedelta(seconds=75),
    )
    assert result.total.csat == 67


def test_the_live_queue_counts_who_waits_now_and_who_is_online():
    services.start_conversation(customer=CustomerFactory())
    services.start_conversation(customer=CustomerFactory())
    AgentSettings.objects.create(agent=StaffFactory(chat_agent=True), availability=Availability.BUSY)
    queue = figures.live_queue()
    assert (queue.waiting, queue.agents_online) == (2, 0) and queue.longest_wait is not None


def test_the_query_count_does_not_grow_with_the_data(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        figures.chat_figures(date_from=DAY - dt.timedelta(days=30), date_to=DAY + dt.timedelta(days=30))
    for _more in range(3):
        served(StaffFactory(chat_agent=True), started=(12, 0), answered_after=10, closed_after=20, rating=3)
    with django_assert_max_num_queries(5):
        figures.chat_figures(date_from=DAY - dt.timedelta(days=30), date_to=DAY + dt.timedelta(days=30))


class TestPage:
    URL = reverse("chat:figures")

    def test_supervisors_back_office_and_administrators_see_it(self, client, history):
        for person in (
            StaffFactory(chat_supervisor=True),
            StaffFactory(back_office=True),
            StaffFactory(administrator=True),
        ):
            client.force_login(person)
            page = client.get(self.URL, {"date_from": "2026-11-20", "date_to": "2026-11-21"})
            assert page.status_code == 200
            text = page.content.decode()
            assert "Ольга Белова" in text and "15 min 00 s" in text and "50%" in text

    def test_customers_and_plain_agents_do_not(self, client):
        for person in (CustomerFactory(), StaffFactory(chat_agent=True), StaffFactory(telemarketing_agent=True)):
            client.force_login(person)
            assert client.get(self.URL).status_code == 403

    @pytest.mark.parametrize(
        ("params", "problem"),
        [
            ({"date_from": "2026-11-21", "date_to": "2026-11-20"}, "The period ends before it starts."),
            ({"date_from": "yesterday", "date_to": "2026-11-20"}, "Enter a valid date."),
            ({"date_from": "2020-01-01", "date_to": "2026-11-20"}, "Choose a period of at most a year."),
        ],
    )
    def test_a_bad_period_is_explained_and_the_default_shown(self, client, params, problem):
        client.force_login(StaffFactory(back_office=True))
        page = client.get(self.URL, params)
        assert page.status_code == 200 and problem in page.content.decode()
        assert (page.context["figures"].date_from, page.context["figures"].date_to) == figures.default_period()
