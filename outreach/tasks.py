"""Background tasks of outreach (django-tasks): run by ``manage.py run_worker``."""

from __future__ import annotations

from django_tasks import task

from outreach.delivery import outbox


@task()
def deliver_messages(delivery_ids: list[int]) -> int:
    """Send these outbox rows now, and whatever else is due, in batches over one connection per batch.

    The periodic job ``outreach.deliver_due`` also recovers rows of dead workers and retries after back-off.
    """
    return outbox.deliver(delivery_ids=delivery_ids) + outbox.send_due()
