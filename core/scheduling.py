"""Periodic jobs that survive restarts and never run twice at once, however many workers there are.

Each job of ``settings.PERIODIC_JOBS`` has a ``ScheduledJob`` row. A worker takes a due job with a
conditional UPDATE (after ``select_for_update(skip_locked=True)`` where the database has it, so that
workers never wait for each other): the UPDATE sets ``locked_until``, and only one worker's UPDATE can
match. A worker that dies while running a job leaves the lock to expire after ``job_lease()``; the job then
runs again, so every job must be safe to run again (they are: each reads what is due and does it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import ScheduledJob

logger = logging.getLogger(__name__)


def job_lease() -> timedelta:
    """How long a worker may run one job before another worker may take it over (it is presumed dead)."""
    return timedelta(seconds=settings.PERIODIC_JOB_LEASE_SECONDS)


def periodic_jobs() -> dict[str, tuple[Callable[[], object], timedelta]]:
    return {
        name: (import_string(path), timedelta(seconds=seconds))
        for name, (path, seconds) in settings.PERIODIC_JOBS.items()
    }


def _free(now: datetime) -> Q:
    return Q(next_run_at__lte=now) & (Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _ensure_rows(names: list[str], now: datetime) -> None:
    known = set(ScheduledJob.objects.filter(name__in=names).values_list("name", flat=True))
    for name in names:
        if name not in known:
            try:
                with transaction.atomic():
                    ScheduledJob.objects.create(name=name, next_run_at=now)
            except IntegrityError:  # another worker added it at the same moment
                pass


def claim_due_job(*, now: datetime | None = None, names: list[str] | None = None) -> ScheduledJob | None:
    """Take one due job for this worker, or None; no other worker can take it until it is released."""
    now = now or timezone.now()
    names = list(settings.PERIODIC_JOBS) if names is None else names
    _ensure_rows(names, now)
    with transaction.atomic():
        due = ScheduledJob.objects.filter(_free(now), name__in=names).order_by("next_run_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for job in due[:5]:
            until = now + job_lease()
            taken = ScheduledJob.objects.filter(_free(now), pk=job.pk).update(locked_until=until, last_started_at=now)
            if taken == 1:
                job.locked_until, job.last_started_at = until, now
                return job
    return None


def release_job(*, job: ScheduledJob, every: timedelta, error: str = "") -> None:
    """The job ran: it is due again ``every`` from now, and free for any worker."""
    now = timezone.now()
    ScheduledJob.objects.filter(pk=job.pk).update(
        next_run_at=now + every, locked_until=None, last_finished_at=now, last_error=error[:500], runs=job.runs + 1
    )


def run_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Run, once each, the jobs that are due and that no other worker is running; the names of those run here."""
    jobs = periodic_jobs()
    ran: list[str] = []
    while (job := claim_due_job(now=now, names=[name for name in jobs if name not in ran])) is not None:
        function, every = jobs[job.name]
        try:
            function()
        except Exception as error:
            logger.exception("Periodic job %s failed", job.name)
            release_job(job=job, every=every, error=f"{type(error).__name__}: {error}")
        else:
            release_job(job=job, every=every)
        ran.append(job.name)
    return ran


def purge_expired_sessions() -> None:
    """What ``manage.py clearsessions`` does, as a periodic job."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
