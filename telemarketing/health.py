"""Is the database answering? Asked by /healthz with a hard deadline, whatever the database does.

A database that accepts connections but never answers would hold a probe for the driver's whole connect
timeout, and each probe of a load balancer would leave a thread and a socket behind. So one probe at a time
runs in a thread of its own; every caller waits for that probe at most ``deadline`` seconds, and callers that
come while it runs wait for the same probe instead of starting another.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from django.db import DatabaseError, connection

_lock = threading.Lock()
_probe: Future | None = None


def _select_one(future: Future) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        future.set_exception(error)
    else:
        future.set_result(connection.vendor)
    finally:
        connection.close()  # the probe's thread ends here: its connection must not outlive it


def database_problem(*, deadline: float) -> str | None:
    """None when the database answered ``SELECT 1`` within ``deadline`` seconds, else what went wrong."""
    global _probe
    with _lock:
        if _probe is None or _probe.done():
            _probe = Future()
            threading.Thread(target=_select_one, args=(_probe,), name="healthz-probe", daemon=True).start()
        probe = _probe
    try:
        probe.result(timeout=deadline)
    except FutureTimeout:
        return "Timeout"
    except DatabaseError as error:
        return type(error).__name__
    return None
