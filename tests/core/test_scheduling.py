"""Periodic jobs: each runs when due, in one worker at a time, and its schedule survives a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import scheduling
from core.models import ScheduledJob

pytestmark = pytest.mark.django_db
RUNS: list[str] = []


def count_run() -> None:
    RUNS.append("ran")


def break_down() -> None:
    raise RuntimeError("the provider is away")


@pytest.fixture(autouse=True)
def jobs(settings):
    RUNS.clear()
    settings.PERIODIC_JOBS = {
        "test.count": ("tests.core.test_scheduling.count_run", 60),
        "test.broken": ("tests.core.test_scheduling.break_down", 60),
    }


def test_due_jobs_run_once_and_then_wait_their_interval():
    assert sorted(scheduling.run_due_jobs()) == ["test.broken", "test.count"]
    assert scheduling.run_due_jobs() == []
    assert RUNS == ["ran"]
    job = ScheduledJob.objects.get(name="test.count")
    assert job.locked_until is None and job.runs == 1
    assert timedelta(seconds=55) < job.next_run_at - timezone.now() <= timedelta(seconds=60)
    assert scheduling.run_due_jobs(now=timezone.now() + timedelta(seconds=61)) == ["test.count", "test.broken"]
    assert RUNS == ["ran", "ran"]


def test_a_job_one_worker_runs_is_not_taken_by_another_until_its_lease_runs_out():
    taken = scheduling.claim_due_job(names=["test.count"])
    assert taken is not None
    assert scheduling.claim_due_job(names=["test.count"]) is None  # a second worker, at the same moment
    later = timezone.now() + scheduling.job_lease() + timedelta(seconds=1)
    assert scheduling.claim_due_job(names=["test.count"], now=later).name == "test.count"  # the first one died


def test_a_failing_job_records_why_and_waits_its_interval_like_any_other():
    scheduling.run_due_jobs()
    job = ScheduledJob.objects.get(name="test.broken")
    assert job.last_error == "RuntimeError: the provider is away"
    assert job.locked_until is None and job.next_run_at > timezone.now()


def test_the_schedule_lives_in_the_database_so_a_restarted_worker_keeps_it():
    scheduling.run_due_jobs()
    ScheduledJob.objects.filter(name="test.count").update(next_run_at=timezone.now() + timedelta(hours=1))
    assert scheduling.run_due_jobs(now=timezone.now() + timedelta(minutes=2)) == ["test.broken"]
    assert RUNS == ["ran"]
