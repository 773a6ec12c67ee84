"""Fixtures of the outbox tests: real servers, the mail settings pointing at them, and a real worker run."""

from __future__ import annotations

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from tests.outreach.servers import SmscServer, SmtpServer


def run_worker() -> None:
    """Run every queued task through django-tasks-db's own worker loop, as ``manage.py run_worker`` does."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def smsc(settings):
    with SmscServer() as server:
        settings.SMS_BACKEND = "smsc"
        settings.SMSC_URL, settings.SMSC_LOGIN, settings.SMSC_PASSWORD = server.url, "bank", "secret"
        yield server
