"""Where the benchmarks run: the embedded default (a SQLite file in a temporary directory) and, when the
servers answer on loopback, PostgreSQL and Redis.

Each backend migrates one template database; every benchmark gets a fresh copy of it (a file copy for
SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL), so that no benchmark sees another's data. The
PostgreSQL databases are named ``bench_telemarketing_*`` and dropped at the end, also after a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# The tests use Redis db 15; the benchmarks keep to their own. Engineers benchmarking at the same time on
# one machine give each run its own Redis db and database prefix (a run drops its prefix's leftovers).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_telemarketing")


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def base_environment() -> dict[str, str]:
    """What every benchmark process and server gets: production-like settings (DEBUG off) on loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CHANNELS_REDIS_PREFIX") and not key.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        # The benchmark's agents hold sessions made for them, without an authenticator app (docs/security.md).
        DJANGO_STAFF_TWO_FACTOR="false",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=600,
    )


@dataclass
class Backend:
    """A database the benchmarks run on."""

    name: str  # "sqlite" or "postgres"
    label: str
    workdir: Path
    made: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / (database + '.sqlite3')}"
        return f"{POSTGRES_URL}/{DATABASE_PREFIX}_{database}"

    def env(self, database: str) -> dict[str, str]:
        return {**base_environment(), "DATABASE_URL": self.url(database)}

    def prepare(self) -> None:
        """Create and migrate the template database."""
        if self.name == "postgres":
            self.drop_leftovers()
            self._postgres(f'CREATE DATABASE "{DATABASE_PREFIX}_template"')
            self.made.append("template")
        migrate(self.env("template"))

    def fresh(self, database: str, *, wal: bool = False) -> dict[str, str]:
        """A new copy of the template for one benchmark; returns the environment that points at it."""
        if self.name == "sqlite":
            target = self.workdir / f"{database}.sqlite3"
            shutil.copyfile(self.workdir / "template.sqlite3", target)
            if wal:
                import sqlite3

                with sqlite3.connect(target) as connection:
                    connection.execute("PRAGMA journal_mode=WAL")
        else:
            self._postgres(f'DROP DATABASE IF EXISTS "{DATABASE_PREFIX}_{database}" WITH (FORCE)')
            self._postgres(f'CREATE DATABASE "{DATABASE_PREFIX}_{database}" TEMPLATE "{DATABASE_PREFIX}_template"')
            self.made.append(database)
        return self.env(database)

    def discard(self, database: str) -> None:
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                (self.workdir / f"{database}.sqlite3{suffix}").unlink(missing_ok=True)
        else:
            self._postgres(f'DROP DATABASE IF EXISTS "{DATABASE_PREFIX}_{database}" WITH (FORCE)')
            if database in self.made:
                self.made.remove(database)

    def close(self) -> None:
        if self.name == "postgres":
            for database in list(self.made):
                self.discard(database)
            self.discard("template")

    def drop_leftovers(self) -> None:
        """Databases a crashed earlier run left behind."""
        import psycopg

        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{DATABASE_PREFIX}\\_%",)
                )
            ]
        for name in names:
            self._postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def _postgres(statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            connection.execute(statement)


def available_backends(workdir: Path, wanted: list[str]) -> tuple[list[Backend], list[str]]:
    """The backends asked for that can run here, and a note for each one that cannot."""
    backends, notes = [], []
    for name in wanted:
        if name == "sqlite":
            backends.append(Backend("sqlite", "SQLite (embedded default)", workdir))
        elif name == "postgres":
            if reachable(POSTGRES_URL, 5432):
                backends.append(Backend("postgres", "PostgreSQL", workdir))
            else:
                notes.append(f"PostgreSQL is not reachable at {POSTGRES_URL}: skipped")
        else:
            raise ValueError(f"unknown backend {name!r}")
    return backends, notes


def redis_available() -> bool:
    return reachable(REDIS_URL, 6379)
