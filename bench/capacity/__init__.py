"""Capacity: how many people one machine serves through a working day, measured with Locust.

    python -m bench capacity [--shapes embedded,production] [--steps 20,40,80] ...

The parts, each small enough to change on its own when the product changes:

- ``profile.py``: the working day as numbers: who is online per 1,000 customers, how fast people act
  (one time-scale factor, ``PACE``), what share of customers chat, the limits a step must hold;
- ``browser.py``: a signed-in person on the real pages (forms, CSRF, sessions) over Locust's HTTP client;
- ``chatsocket.py``: the chat's websocket protocol on the ``websockets`` client, timed into Locust's events;
- ``locustfile.py``: the people (customers, chat agents, callers, product managers, a supervisor);
- ``population.py``: demo data (``seed_demo``) plus the logins, accounts and leads the steps need;
- ``shapes.py``: the servers: one daphne on SQLite (the embedded default), or nginx, daphne processes,
  task workers, PostgreSQL and Redis (the production shape), and an SMTP sink for the outbox;
- ``checks.py``: correctness against the database after every run (ledger, leads, messages);
- ``meter.py``: CPU per process (and the database's commits) sampled while the load runs;
- ``run.py``: steps the customers up until a limit breaks, twice per step, with CPU per process;
- ``report.py``: Markdown, JSON and charts;
- ``hotspots.py``: CPU per page of the same mix in one process, with cProfile (where the time goes).
"""
