"""Background tasks of outreach (django-tasks): run by ``manage.py run_worker``."""

from __future__ import annotations

from django.db import router
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from outreach import outbox_statements
from outreach.delivery import outbox


@task()
def deliver_messages(delivery_ids: list[int]) -> int:
    """Send these outbox rows now, and whatever else is due, in batches over one connection per batch.

    The periodic job ``outreach.deliver_due`` also recovers rows of dead workers and retries after back-off.
    """
    if outbox.more_due_than(outbox.BATCH):  # a second worker can take the batches this run does not reach first
        queue_delivery([])
    return outbox.deliver(delivery_ids=delivery_ids) + outbox.send_due()


def queue_delivery(delivery_ids: list[int]) -> None:
    """Queue ``deliver_messages`` for committed outbox rows, unless a run is already waiting to start: every run
    sends whatever is due, so the waiting one, which starts after these rows were committed, sends them too. A
    message written while the worker is busy then costs the worker no task of its own."""
    if isinstance(deliver_messages.get_backend(), DatabaseBackend):
        waiting = outbox_statements.waiting_run(router.db_for_read(DBTaskResult)).first(
            task_path=deliver_messages.module_path,
            backend_name=deliver_messages.backend,
            queue_name=deliver_messages.queue_name,
            now=timezone.now(),
        )
        if waiting is not None:
            return
    deliver_messages.enqueue(delivery_ids=delivery_ids)
