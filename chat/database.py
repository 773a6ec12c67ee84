"""Where the chat's sockets run their database work, so that it does not serialize on one thread.

Channels' ``database_sync_to_async`` is thread-sensitive: every database call of a daphne process waits for
ONE thread. On a database across a network (PostgreSQL here, SQL Server in production) that thread waits for
each call's round trips and its commit, so a process could store no more messages a second than one thread
can wait for. There the chat's calls run on a pool of threads instead, each with its own connection (Django
keeps connections per thread), closed or handed back to the connection pool after every call as Channels
does; the server flushes the commits of concurrent transactions together.

SQLite has one writer per file and makes every commit durable with an fsync (several milliseconds on a busy
disk): one commit per message caps a process at a few hundred messages a second whatever the threads. There
the calls that arrive while the writer thread is busy are run together, one after another, each in a
savepoint of its own (a call that fails rolls back only its own writes), and committed at once: one fsync
for the batch. A call's result reaches its caller only after that commit, so nothing is acknowledged that
is not on disk, and ``transaction.on_commit`` work (publishing the message) runs after it as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.db import close_old_connections, connections, transaction

P = ParamSpec("P")
R = TypeVar("R")

SERVER_DATABASE_THREADS = 8  # at most; never more than the process's connection pool holds
MAX_BATCH = 64  # calls committed together on SQLite


def uses_sqlite() -> bool:
    return connections["default"].vendor == "sqlite"


def thread_count() -> int:
    """1 on SQLite (its one writer); on a database server as many as the process's connection pool allows,
    at most SERVER_DATABASE_THREADS (pages need connections too)."""
    if uses_sqlite():
        return 1
    pool = connections["default"].settings_dict.get("OPTIONS", {}).get("pool")
    limit = pool.get("max_size", SERVER_DATABASE_THREADS) if isinstance(pool, dict) else SERVER_DATABASE_THREADS
    return max(1, min(SERVER_DATABASE_THREADS, limit))


@cache
def executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=thread_count(), thread_name_prefix="chat-db")


Call = tuple[contextvars.Context, Callable[..., Any], tuple, dict, asyncio.Future]


def _run_batch(calls: list[Call]) -> list[tuple[bool, Any]]:
    """Run the calls in one transaction, each in a savepoint; (True, result) or (False, its exception) each."""
    close_old_connections()
    try:
        outcomes: list[tuple[bool, Any]] = []
        with transaction.atomic():
            for context, function, args, kwargs, _future in calls:
                try:
                    with transaction.atomic():
                        # In its caller's context (the socket's language, for one).
                        outcomes.append((True, context.run(function, *args, **kwargs)))
                except Exception as error:
                    outcomes.append((False, error))
        return outcomes
    finally:
        close_old_connections()


class BatchingWriter:
    """One event loop's queue of calls for the SQLite writer thread (see the module's docstring)."""

    def __init__(self) -> None:
        self.pending: list[Call] = []
        self.draining: asyncio.Future | None = None
        self.run_batch = SyncToAsync(_run_batch, thread_sensitive=False, executor=executor())

    async def call(self, function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((contextvars.copy_context(), function, args, kwargs, future))
        if self.draining is None:
            self.draining = asyncio.ensure_future(self.drain())
        return await future

    async def drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                try:
                    outcomes = await self.run_batch(batch)
                except Exception as error:  # the commit failed: no call of the batch took effect
                    outcomes = [(False, error)] * len(batch)
                for (*_call, future), (succeeded, value) in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller went away (the socket closed)
                        continue
                    if succeeded:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self.draining = None


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BatchingWriter] = weakref.WeakKeyDictionary()


def _writer() -> BatchingWriter:
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = BatchingWriter()
    return writer


def in_database_thread(function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """``function`` as a coroutine function whose calls run on the chat's database threads (see the module)."""
    if uses_sqlite():

        async def batched(*args: P.args, **kwargs: P.kwargs) -> R:
            return await _writer().call(function, args, kwargs)

        return batched
    return DatabaseSyncToAsync(function, thread_sensitive=False, executor=executor())
