"""A real daphne with many signed-in customers at once holds a bounded number of database connections.

Under daphne every HTTP request runs its database work in a thread of its own; before the bounds, each
such thread kept its connection after the request (82 PostgreSQL connections for 10 customers, "too
many clients already" and 500s for 20). Now PostgreSQL connections come from one pool per process
(DATABASE_POOL_MAX_SIZE) and SQLite connections of finished requests are closed.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.chat.live import Daphne, migrate, server_environment
from tests.core.load import make_customers, postgres_url, run_customers

pytestmark = pytest.mark.processes

POOL_MAX_SIZE = 8


class Sampler(threading.Thread):
    """Calls ``measure`` every 50 ms until stopped; keeps the largest value."""

    def __init__(self, measure) -> None:
        super().__init__(daemon=True)
        self.measure, self.largest, self.stopped = measure, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.largest = max(self.largest, self.measure())
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_customers_paying_on_postgresql_use_at_most_the_pool(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("run with DATABASE_URL pointing at PostgreSQL")
    env = server_environment(tmp_path / "unused.sqlite3")
    env.update(DATABASE_URL=postgres_url(), DATABASE_POOL_MAX_SIZE=str(POOL_MAX_SIZE))
    customers = make_customers(env, 50)
    server = Daphne(env, tmp_path, "pool").start()
    name = settings.DATABASES["default"]["NAME"]

    with psycopg.connect(postgres_url(), autocommit=True) as watcher:
        pid = server.process.pid

        def daphne_connections() -> int:
            # The server's own backends: those of the test's database whose client is not this process
            # or the watcher (both connect from 127.0.0.1 too), counted through their application's pid.
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend' AND client_port IS NOT NULL"
                " AND application_name = ''",
                [name],
            ).fetchone()
            return row[0]

        try:
            baseline = daphne_connections()  # the test's own connection, if it holds one now
            with Sampler(daphne_connections) as sampler:
                outcome = run_customers(server.http, customers, rounds=3)
            held = sampler.largest - baseline
        finally:
            server.stop()
    print(
        f"\n50 customers on PostgreSQL: {outcome.requests} requests, {outcome.payments} payments, "
        f"at most {held} connections of daphne (pool max {POOL_MAX_SIZE}), pid {pid}"
    )
    assert outcome.errors == []
    assert outcome.payments == 150
    assert 0 < held <= POOL_MAX_SIZE


def database_handles(pid: int, database: Path) -> int:
    """Open file descriptors of the process on the database file (its -wal and -shm not counted)."""
    count = 0
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(descriptor) == str(database):
                count += 1
        except OSError:
            continue
    return count


def test_sqlite_handles_of_finished_requests_are_closed(tmp_path):
    database = tmp_path / "db.sqlite3"
    migrate(database)
    env = server_environment(database)
    customers = make_customers(env, 20)
    server = Daphne(env, tmp_path, "sqlite").start()
    try:
        with Sampler(lambda: database_handles(server.process.pid, database)) as sampler:
            outcome = run_customers(server.http, customers, rounds=3)
        time.sleep(0.5)
        after = database_handles(server.process.pid, database)
    finally:
        server.stop()
    print(
        f"\n20 customers on SQLite: {outcome.requests} requests, at most {sampler.largest} open handles, {after} after"
    )
    assert outcome.errors == []
    assert outcome.payments == 60
    assert after <= 1
    assert sampler.largest <= 25
