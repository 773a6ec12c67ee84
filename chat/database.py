"""Where the chat's sockets run their database work, so that it does not serialize on one thread.

Channels' ``database_sync_to_async`` is thread-sensitive: every database call of a daphne process waits for
ONE thread. The chat's calls run on threads of their own instead, and calls that arrive while those threads
are busy wait in a queue of the event loop; a thread that comes free takes the whole queue as its next batch.

On a database server (PostgreSQL here, SQL Server in production) there are several threads, each with its own
connection, and each call of a batch commits on its own, and its caller hears back as soon as it has. The
batch shares the thread's connection: it is taken from the pool (and checked) once, when the batch begins, and
handed back when it ends, as Channels does for every call. That check and hand-back cost about as much Python
as one of the message's statements (profiled), and a batch forms only when the threads are busy: when the
process is short of CPU, it spends less per call. After a call that failed, the connection is handed back
and the next call takes a fresh one.

SQLite has one writer per file and makes every commit durable with an fsync (several milliseconds on a busy
disk): one commit per message caps a process at a few hundred messages a second whatever the threads. There
one thread runs each batch in one transaction, each call in a savepoint of its own (a call that fails rolls
back only its own writes), committed at once: one fsync for the batch. A call's result reaches its caller only
after that commit, so nothing is acknowledged that is not on disk, and ``transaction.on_commit`` work
(publishing the message) runs after it as before.
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
from django.conf import settings
from django.db import close_old_connections, connections, transaction

P = ParamSpec("P")
R = TypeVar("R")

MAX_BATCH = 64  # calls committed together on SQLite
MAX_SERVER_BATCH = 16  # calls on one connection in turn, each committing on its own


def uses_sqlite() -> bool:
    return connections["default"].vendor == "sqlite"


def thread_count() -> int:
    """1 on SQLite (its one writer); on a database server ``settings.CHAT_DATABASE_THREADS``, fewer if the
    process's connection pool is smaller (pages need connections too)."""
    if uses_sqlite():
        return 1
    wanted = settings.CHAT_DATABASE_THREADS
    pool = connections["default"].settings_dict.get("OPTIONS", {}).get("pool")
    limit = pool.get("max_size", wanted) if isinstance(pool, dict) else wanted
    return max(1, min(wanted, limit))


@cache
def executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=thread_count(), thread_name_prefix="chat-db")


class Call:
    """One call waiting for a database thread, in its caller's context (the socket's language, for one)."""

    __slots__ = ("args", "context", "function", "future", "kwargs")

    def __init__(self, function: Callable[..., Any], args: tuple, kwargs: dict, future: asyncio.Future) -> None:
        self.context = contextvars.copy_context()
        self.function, self.args, self.kwargs, self.future = function, args, kwargs, future

    def run(self) -> Any:
        return self.context.run(self.function, *self.args, **self.kwargs)


def _settle(future: asyncio.Future, succeeded: bool, value: Any) -> None:
    if future.done():  # its caller went away (the socket closed)
        return
    if succeeded:
        future.set_result(value)
    else:
        future.set_exception(value)


def _run_in_one_transaction(calls: list[Call], loop: asyncio.AbstractEventLoop) -> None:
    """SQLite: the calls in one transaction, each in a savepoint; every caller hears back after the commit."""
    close_old_connections()
    try:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with transaction.atomic():
                for call in calls:
                    try:
                        with transaction.atomic():
                            outcomes.append((True, call.run()))
                    except Exception as error:
                        outcomes.append((False, error))
        except Exception as error:  # the commit failed: no call of the batch took effect
            outcomes = [(False, error)] * len(calls)
        for call, (succeeded, value) in zip(calls, outcomes, strict=True):
            loop.call_soon_threadsafe(_settle, call.future, succeeded, value)
    finally:
        close_old_connections()


def _run_one_after_another(calls: list[Call], loop: asyncio.AbstractEventLoop) -> None:
    """A database server: the calls in turn on one connection, each caller hearing back when its call is done."""
    close_old_connections()
    try:
        for call in calls:
            try:
                outcome = (True, call.run())
            except Exception as error:
                outcome = (False, error)
                close_old_connections()  # the next call takes a connection checked by the pool
            loop.call_soon_threadsafe(_settle, call.future, *outcome)
    finally:
        close_old_connections()


class Batcher:
    """One event loop's queue of calls for the chat's database threads (see the module's docstring)."""

    def __init__(self) -> None:
        self.pending: list[Call] = []
        self.running = 0  # threads at work (counted down with no await after the queue is seen empty)
        self.tasks: set[asyncio.Task] = set()  # a loop keeps only weak references to its tasks
        if uses_sqlite():
            self.threads, self.batch_size, runner = 1, MAX_BATCH, _run_in_one_transaction
        else:
            self.threads, self.batch_size, runner = thread_count(), MAX_SERVER_BATCH, _run_one_after_another
        self.run_batch = SyncToAsync(runner, thread_sensitive=False, executor=executor())

    async def call(self, function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        call = Call(function, args, kwargs, asyncio.get_running_loop().create_future())
        self.pending.append(call)
        if self.running < self.threads:
            self.running += 1
            draining = asyncio.ensure_future(self.drain())
            self.tasks.add(draining)
            draining.add_done_callback(self.tasks.discard)
        return await call.future

    async def drain(self) -> None:
        """Run batches from the queue until it is empty. A thread that was free takes one call first (on a server,
        calls that arrive together run side by side); SQLite's one writer takes all that wait."""
        loop = asyncio.get_running_loop()
        take = self.batch_size if self.threads == 1 else 1
        try:
            while self.pending:
                batch, self.pending = self.pending[:take], self.pending[take:]
                take = self.batch_size
                try:
                    await self.run_batch(batch, loop)
                except Exception as error:  # the thread could not run the batch at all
                    for call in batch:
                        _settle(call.future, False, error)
        finally:
            self.running -= 1


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Batcher] = weakref.WeakKeyDictionary()


def _batcher() -> Batcher:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = Batcher()
    return batcher


def in_database_thread(function: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """``function`` as a coroutine function whose calls run on the chat's database threads (see the module)."""

    async def queued(*args: P.args, **kwargs: P.kwargs) -> R:
        return await _batcher().call(function, args, kwargs)

    return queued
