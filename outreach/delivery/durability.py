"""How the outbox's outcomes reach the disk on SQLite, and what a restart of the machine means for them.

On SQLite every commit waits for an fsync (``synchronous=FULL``: 3–6 ms on the disks here, more than handing an
e-mail to the mail server). The outcome recorded after each send is what keeps a message from going twice, but
it only has to outlive the worker process: a killed process loses nothing it has handed to the operating system.
So a batch's outcomes are written with ``synchronous=NORMAL`` (WAL: each commit is written, not flushed) and reach
the disk with the next flushed commit, at the latest the batch's own status update; the claim itself stays
flushed. Only a restart of the machine can lose them, and then the rows go back to "sending" under their claim:
the claim names the boot it was made in, and every row still held under a claim of an earlier boot is set aside
for a person (it may have gone), never sent again. PostgreSQL and SQL Server keep their own durable commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.db import connection

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
_MARK = "@boot:"


@cache
def _boot() -> str:
    """This machine's boot (Linux); "" where it cannot be told, and then every outcome is flushed."""
    try:
        return _BOOT_ID.read_text().strip().replace("-", "")[:16]  # a claim token has room for 16
    except OSError:
        return ""


def _relaxed() -> bool:
    return connection.vendor == "sqlite" and bool(_boot())


def claim_mark() -> str:
    """Appended to a claim token whose outcomes may be written unflushed: the boot they belong to."""
    return f"{_MARK}{_boot()}" if _relaxed() else ""


def lost_on_restart(token: str) -> bool:
    """Whether the rows of this claim may have lost their outcomes: the machine restarted since it was made."""
    _, mark, boot = token.rpartition(_MARK)
    return bool(mark) and boot != _boot()


@contextmanager
def outcomes_survive_the_process() -> Iterator[None]:
    """Commits inside are written but not flushed (SQLite in WAL mode, outside a caller's transaction); the
    connection's durability is put back afterwards, for whatever it runs next."""
    previous = _unflush() if _relaxed() and not connection.in_atomic_block else None
    try:
        yield
    finally:
        if previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous = {previous:d}")


def _unflush() -> int | None:
    """Switch this connection to unflushed commits; its previous level, or None when left as it was (a rollback
    journal is not safe unflushed: a power cut could corrupt the file)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() != "wal":
            return None
        cursor.execute("PRAGMA synchronous")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous = NORMAL")
    return previous
