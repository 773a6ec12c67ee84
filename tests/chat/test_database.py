"""The chat sockets' database calls: batched into one commit on SQLite, run side by side on a database server."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from chat.database import in_database_thread, uses_sqlite
from chat.models import SavedReply


@pytest.mark.django_db(transaction=True)
def test_calls_arriving_together_commit_together_and_a_failing_one_changes_nothing():
    if not uses_sqlite():
        pytest.skip("batching is SQLite's (on a database server the calls run side by side: the test below)")
    log: list[str] = []

    def add(shortcut: str, *, fail: bool = False) -> str:
        SavedReply.objects.create(shortcut=shortcut, text="Hello")
        log.append(f"ran {shortcut}")
        transaction.on_commit(lambda: log.append(f"committed {shortcut}"))
        if fail:
            raise ValueError("refused")
        return shortcut

    async def heard_back(call) -> tuple[str, list[str]]:
        """The call's outcome, and what had happened by the time its caller heard of it."""
        try:
            outcome = await call
        except ValueError as error:
            outcome = str(error)
        return outcome, list(log)

    async def scenario() -> list[tuple[str, list[str]]]:
        call = in_database_thread(add)
        return await asyncio.gather(*(heard_back(each) for each in (call("a"), call("b", fail=True), call("c"))))

    outcomes = async_to_sync(scenario)()
    assert [outcome for outcome, _seen in outcomes] == ["a", "refused", "c"]
    # Nobody hears back before the batch is on disk.
    assert all(seen[-2:] == ["committed a", "committed c"] for _outcome, seen in outcomes)
    # One transaction: both commits came after the last call had run; "b" was rolled back alone.
    assert log == ["ran a", "ran b", "ran c", "committed a", "committed c"]
    assert sorted(SavedReply.objects.values_list("shortcut", flat=True)) == ["a", "c"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_database_server_calls_run_side_by_side():
    """Two calls that each wait for the other finish only if they run on two threads at once."""
    if uses_sqlite():
        pytest.skip("run with DATABASE_URL pointing at PostgreSQL: SQLite's calls go through one writer thread")
    both_inside = threading.Barrier(2, timeout=5)

    def meet() -> int:
        SavedReply.objects.exists()  # each thread holds a connection of its own
        both_inside.wait()
        return threading.get_ident()

    async def scenario() -> list[int]:
        call = in_database_thread(meet)
        return await asyncio.gather(call(), call())

    first, second = async_to_sync(scenario)()
    assert first != second
