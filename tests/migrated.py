"""A migrated SQLite file for the tests that start real processes, migrated once per test process.

Migrating from nothing runs every migration of every app (about ten seconds of CPU); a dozen modules start
servers on a database file of their own, so each gets a copy of one template instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_lock = threading.Lock()
_template: Path | None = None


def _migrated_template() -> Path:
    global _template
    with _lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="tm-migrated-"))
            atexit.register(shutil.rmtree, folder, True)
            template = folder / "template.sqlite3"
            env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
            env.update(
                DATABASE_URL=f"sqlite:///{template}",
                DJANGO_DEBUG="true",
                DJANGO_SETTINGS_MODULE="telemarketing.settings",
            )
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=REPO,
                env=env,
                check=True,
                timeout=300,
            )
            _template = template
        return _template


def copy_migrated_database(database: Path) -> None:
    """Write at ``database`` a SQLite file with every migration applied (and nothing else in it)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(_migrated_template()) as source, sqlite3.connect(database) as target:
        source.backup(target)
    source.close()
    target.close()
