"""The chat sockets' database calls: batched into one commit on SQLite, run side by side on a database server."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from django.db import DatabaseError, connection, transaction

from chat.database import in_database_thread, thread_count, uses_sqlite
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_a_database_server_calls_that_wait_share_a_connection_and_each_hears_back_when_done():
    """With every thread busy, the calls that queue up run on one connection in turn: each caller hears back as
    soon as its own call has committed (not when the batch ends), and a call that fails hands the connection back
    without harming the next one."""
    if uses_sqlite():
        pytest.skip("run with DATABASE_URL pointing at PostgreSQL: SQLite commits a batch as one transaction")
    threads = thread_count()
    release = threading.Event()
    first_heard = threading.Event()

    def busy() -> None:
        SavedReply.objects.exists()
        assert release.wait(timeout=5)

    def add(shortcut: str) -> int:
        SavedReply.objects.create(shortcut=shortcut, text="Hello")
        return threading.get_ident()

    def after_the_first_was_heard() -> int:
        assert first_heard.wait(timeout=5), "the first queued call's caller was not told before the batch ended"
        return add("c")

    def failing() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM chat_savedreply")

    async def scenario():
        occupying = [asyncio.ensure_future(in_database_thread(busy)()) for _ in range(threads)]
        await asyncio.sleep(0.2)  # every thread is busy now
        first = asyncio.ensure_future(in_database_thread(add)("a"))
        broken = asyncio.ensure_future(in_database_thread(failing)())
        last = asyncio.ensure_future(in_database_thread(after_the_first_was_heard)())
        await asyncio.sleep(0.1)
        release.set()
        first_thread = await first
        first_heard.set()
        with pytest.raises(DatabaseError):
            await broken
        await asyncio.gather(*occupying)
        return first_thread, await last

    first_thread, last_thread = async_to_sync(scenario)()
    assert first_thread == last_thread  # one batch: the three queued calls on the thread that came free first
    assert sorted(SavedReply.objects.values_list("shortcut", flat=True)) == ["a", "c"]
