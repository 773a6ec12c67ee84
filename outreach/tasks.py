"""Background tasks of outreach (django-tasks): run by ``manage.py run_worker``."""

from __future__ import annotations

from django_tasks import task

from outreach.delivery import outbox


@task()
def deliver_messages(delivery_ids: list[int]) -> int:
    """Send these outbox rows now; the periodic job ``outreach.deliver_due`` catches any this one misses."""
    return outbox.deliver(delivery_ids=delivery_ids)
