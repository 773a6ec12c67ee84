"""``manage.py run_worker``: django-tasks-db's ``db_worker`` plus the periodic jobs (core.scheduling).

It takes every option of ``db_worker``. Beside the tasks, a thread runs the due periodic jobs every
``--schedule-interval`` seconds; run as many workers as you like, each job still runs in one at a time.
"""

from __future__ import annotations

import threading
import time

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.scheduling import logger, run_due_jobs


def _schedule_forever(interval: float) -> None:
    while True:
        try:
            close_old_connections()
            run_due_jobs()
        except Exception:  # the database is away, say: log it and try again at the next tick
            logger.exception("Could not run the periodic jobs")
        finally:
            connection.close()
        time.sleep(interval)


class Command(DbWorkerCommand):
    help = "Run a background worker: queued tasks and the periodic jobs"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=5.0,
            help="Seconds between looks at the periodic jobs; 0 runs none here (default: %(default)r)",
        )
        parser.set_defaults(reload=False)

    def handle(self, *args, **options) -> None:
        schedule_interval = options.pop("schedule_interval")
        if schedule_interval > 0:
            threading.Thread(
                target=_schedule_forever, args=(schedule_interval,), name="periodic-jobs", daemon=True
            ).start()
        super().handle(*args, **options)
