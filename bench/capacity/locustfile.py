"""The working-day load, run by Locust in its own process (``run.py`` starts it headless):

    locust -f bench/capacity/locustfile.py --headless -u <everyone> -r <per second> --host http://...

Environment: ``CAPACITY_PEOPLE`` (people.json), ``CAPACITY_CROWD`` (how many of each role, JSON),
``CAPACITY_WS`` (websocket base URL), ``CAPACITY_ORIGIN``, ``CAPACITY_MEASURE`` and ``CAPACITY_DRAIN``
(seconds), ``CAPACITY_RESULTS`` (where to write what was measured).

Phases: *ramp* while Locust starts the people (each signs in), *measure* for ``CAPACITY_MEASURE`` seconds
once all have started (or ``CAPACITY_START_WAIT`` seconds after the last was spawned), then *drain*:
nobody starts anything new, what is in flight finishes, and the run quits. Every request and websocket
timing is kept per phase; the step's verdict reads the measured window.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict

import gevent
from locust import events

from bench.capacity import people
from bench.capacity.chatsocket import TALLY
from bench.capacity.people import Caller, ChatAgent, Customer, ProductManager, Supervisor

__all__ = ["Caller", "ChatAgent", "Customer", "ProductManager", "Supervisor"]

MEASURE = float(os.environ.get("CAPACITY_MEASURE", "60"))
DRAIN = float(os.environ.get("CAPACITY_DRAIN", "5"))
START_WAIT = float(os.environ.get("CAPACITY_START_WAIT", "120"))
PHASE = {"name": "ramp", "measure_started": 0.0, "measure_ended": 0.0}
SAMPLES: dict[str, dict[str, dict]] = defaultdict(dict)  # phase -> "TYPE name" -> {"ms": [...], "failures": n}
FAILURES: list[str] = []
USER_ERRORS: list[str] = []


@events.request.add_listener
def on_request(request_type, name, response_time, exception=None, **_kwargs) -> None:
    entry = SAMPLES[PHASE["name"]].setdefault(f"{request_type} {name}", {"ms": [], "failures": 0})
    entry["ms"].append(round(response_time, 2))
    if exception is not None:
        entry["failures"] += 1
        if len(FAILURES) < 50:
            FAILURES.append(f"{PHASE['name']}: {request_type} {name}: {exception}")


@events.user_error.add_listener
def on_user_error(user_instance, exception, tb, **_kwargs) -> None:
    """A person's code failed outside a request (counted: a broken step must not pass unseen)."""
    if len(USER_ERRORS) < 50:
        USER_ERRORS.append(f"{PHASE['name']}: {type(user_instance).__name__}: {exception!r}")
    SAMPLES[PHASE["name"]].setdefault("ERROR user", {"ms": [], "failures": 0})["failures"] += 1


@events.spawning_complete.add_listener
def on_spawned(user_count, **_kwargs) -> None:
    if PHASE["name"] == "ramp":
        gevent.spawn(_measure_then_quit)


def _measure_then_quit() -> None:
    """Measure once every person has started (signed in), at most START_WAIT seconds after spawning."""
    deadline = time.time() + START_WAIT
    while people.STATE["started"] < sum(people.CROWD.values()) and time.time() < deadline:
        gevent.sleep(0.2)
    if people.STATE["started"] < sum(people.CROWD.values()):
        PHASE["not_started"] = sum(people.CROWD.values()) - people.STATE["started"]
    PHASE.update(name="measure", measure_started=time.time())
    gevent.sleep(MEASURE)
    PHASE.update(name="drain", measure_ended=time.time())
    people.STATE["draining"] = True
    gevent.sleep(DRAIN)
    runner = getattr(_environment, "runner", None)
    if runner is not None:
        runner.quit()


_environment = None


@events.init.add_listener
def on_init(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


@events.quitting.add_listener
def on_quitting(environment, **_kwargs) -> None:
    out = os.environ.get("CAPACITY_RESULTS")
    if not out:
        return
    with open(out, "w") as results:
        json.dump(
            {
                "measure_started": PHASE["measure_started"],
                "measure_ended": PHASE["measure_ended"],
                "reached": PHASE["name"],
                "not_started": PHASE.get("not_started", 0),
                "samples": SAMPLES,
                "failures": FAILURES,
                "user_errors": USER_ERRORS,
                "chat": TALLY.as_dict(),
                "handed_leads": people.HANDED_LEADS,
                "payments": people.PAYMENTS,
            },
            results,
        )
