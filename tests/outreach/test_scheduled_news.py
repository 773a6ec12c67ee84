"""News scheduled for later: refused when the time is wrong, withdrawn while it waits, published once when due,
even with several workers at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from outreach.models import News, ScheduledNews, ScheduledNewsStatus
from outreach.scheduled_news import publish_due_news, schedule_news, withdraw_scheduled_news
from outreach.services import NewsError
from tests.factories import CustomerFactory, StaffFactory

NEWS = {"title": "Вклад «Зима»", "body": "Ставка 13% годовых."}


def later(minutes: int = 60):
    return timezone.now() + timedelta(minutes=minutes)


@pytest.mark.django_db
class TestScheduling:
    def test_news_waits_and_is_published_once_when_due(self):
        anna, boris = CustomerFactory(), CustomerFactory()
        manager = StaffFactory(product_manager=True)
        scheduled = schedule_news(**NEWS, audience="all_customers", publish_at=later(), actor=manager)
        vera = CustomerFactory()  # the audience is counted when it goes out
        assert publish_due_news() == 0
        assert not News.objects.exists()

        assert publish_due_news(now=later(61)) == 1
        assert publish_due_news(now=later(62)) == 0
        assert set(News.objects.values_list("account_id", flat=True)) == {anna.pk, boris.pk, vera.pk}
        scheduled.refresh_from_db()
        assert (scheduled.status, scheduled.published_to) == (ScheduledNewsStatus.PUBLISHED, 3)
        assert scheduled.published_at is not None

    def test_withdrawn_news_never_goes_and_published_news_cannot_be_withdrawn_here(self):
        CustomerFactory()
        waiting = schedule_news(**NEWS, audience="all_customers", publish_at=later())
        withdraw_scheduled_news(scheduled_id=waiting.pk)
        gone = schedule_news(title="Другое", body="Текст", audience="all_customers", publish_at=later())
        publish_due_news(now=later(61))
        assert list(News.objects.values_list("title", flat=True)) == ["Другое"]
        with pytest.raises(NewsError, match=r"This news is published: only news that waits can be withdrawn here\."):
            withdraw_scheduled_news(scheduled_id=gone.pk)
        with pytest.raises(NewsError, match="withdrawn before publication"):
            withdraw_scheduled_news(scheduled_id=waiting.pk)

    @pytest.mark.parametrize(
        ("publish_at", "error"),
        [
            (timedelta(seconds=10), "Choose a time at least a minute from now, or publish the news now."),
            (timedelta(days=-1), "Choose a time at least a minute from now, or publish the news now."),
            (timedelta(days=400), "News can be scheduled at most a year ahead."),
        ],
    )
    def test_a_wrong_time_is_refused_and_nothing_is_scheduled(self, publish_at, error):
        with pytest.raises(NewsError) as refusal:
            schedule_news(**NEWS, audience="all_customers", publish_at=timezone.now() + publish_at)
        assert refusal.value.errors == {"publish_at": error}
        assert not ScheduledNews.objects.exists()

    def test_the_audience_is_checked_as_for_news_published_now(self):
        with pytest.raises(NewsError) as refusal:
            schedule_news(**NEWS, audience="account", account_id=999_999, publish_at=later())
        assert refusal.value.errors == {"account_id": "There is no active customer login with this number."}

    def test_a_login_closed_meanwhile_fails_the_news_with_the_reason(self):
        anna = CustomerFactory()
        scheduled = schedule_news(**NEWS, audience="account", account_id=anna.pk, publish_at=later())
        anna.is_active = False
        anna.save(update_fields=["is_active"])
        assert publish_due_news(now=later(61)) == 0
        scheduled.refresh_from_db()
        assert scheduled.status == ScheduledNewsStatus.FAILED
        assert scheduled.last_error == "There is no active customer login with this number."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_publish_each_piece_exactly_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables between threads")
    CustomerFactory()
    for n in range(5):
        schedule_news(title=f"Новость {n}", body="Текст", audience="all_customers", publish_at=later())
    barrier, counts = threading.Barrier(4), []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(publish_due_news(now=later(61)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 5
    assert News.objects.count() == 5
    assert set(ScheduledNews.objects.values_list("status", flat=True)) == {ScheduledNewsStatus.PUBLISHED}
