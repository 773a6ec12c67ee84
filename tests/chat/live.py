"""Real daphne processes on loopback, over a migrated SQLite file, for the chat's end-to-end tests.

The test process itself never touches that database: people, sessions and conversations are made by
``tests/chat/live_setup.py`` in a subprocess with the same settings as the servers.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.migrated import copy_migrated_database

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")


def server_environment(database: Path, *, redis_url: str | None = None, redis_prefix: str | None = None) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CHANNELS_REDIS_PREFIX")}
    env.update(
        DJANGO_SETTINGS_MODULE="telemarketing.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CHANNELS_REDIS_PREFIX"] = redis_prefix or "asgi"
    return env


def migrate(database: Path) -> None:
    """A new migrated SQLite file, switched to WAL so that several processes can read while one writes."""
    copy_migrated_database(database)
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def set_up(database: Path, **spec) -> dict:
    """Run live_setup.py with ``spec`` (see there); returns what it prints."""
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "chat" / "live_setup.py"), json.dumps(spec)],
        cwd=REPO,
        env=server_environment(database),
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class Daphne:
    """One daphne process serving the project on 127.0.0.1. Port 0 lets the system pick a free port,
    which daphne then reports; a restart asks for the same port again."""

    def __init__(self, env: dict, log_dir: Path, name: str) -> None:
        self.env = env
        self.log_path = log_dir / f"daphne-{name}.log"
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 30) -> Daphne:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-e",
                    f"tcp:port={self.port}:interface=127.0.0.1",
                    "telemarketing.asgi:application",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log_path.read_bytes()[offset:].decode(errors="replace"))
            if found:
                self.port = int(found.group(1))
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"daphne did not start; its log:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
