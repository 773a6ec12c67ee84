"""The statements every payment runs for the payee's e-mail, compiled once per database (``core.compiled``):
built with the ORM on each payment they cost it more Python than the database spent running them (cProfile,
issue 15 item 11). The SQL is the ORM's own for each database, so it stays what SQL Server is sent."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from accounts.models import Account
from core.compiled import Insert, Select, Slots
from outreach.models import Delivery, Notification


@lru_cache(maxsize=8)
def recipient(alias: str) -> Select[Account]:
    """A login with what its e-mail needs: active, its client's address, its settings (None: never changed)."""
    slots = Slots(account=int)
    logins = Account.objects.select_related("client", "notification_settings").only(
        "is_active", "client__email", "notification_settings__money_arrived"
    )
    return Select(logins.filter(pk=slots["account"]), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def insert_notification(alias: str) -> Insert[Notification]:
    slots = Slots(account_id=int, kind=str, event_key=str, subject=str, body=str, created_at=dt.datetime)
    return Insert(Notification, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def insert_delivery(alias: str) -> Insert[Delivery]:
    """An e-mail of a notification (no message): every column but the ones left empty (NULL) until it is sent."""
    slots = Slots(
        notification_id=int,
        channel=str,
        address=str,
        status=str,
        attempts=int,
        last_error=str,
        idempotency_key=str,
        provider_id=str,
        next_attempt_at=dt.datetime,
        claimed_by=str,
        created_at=dt.datetime,
    )
    return Insert(Delivery, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def waiting_run(alias: str) -> Select[DBTaskResult]:
    """A run of a task waiting to start: ``DBTaskResult.objects.ready()``'s filter, with the time it compares
    ``run_after`` to as a slot (ready() reads the clock when it is called)."""
    slots = Slots(task_path=str, backend_name=str, queue_name=str, now=dt.datetime)
    ready = DBTaskResult.objects.filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=slots["now"]),
        status=TaskResultStatus.READY,
        task_path=slots["task_path"],
        backend_name=slots["backend_name"],
        queue_name=slots["queue_name"],
    )
    return Select(ready.only("pk").order_by()[:1], alias=alias, slots=slots)
