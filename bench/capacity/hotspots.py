"""Where a daphne process spends its CPU on the working day's pages, found with a profiler in one process
(a loaded, shared machine makes sampling a server from outside unreliable):

    python -m bench.capacity.hotspots [--rounds 30] [--profile]

On a fresh migrated SQLite file (production settings, as the servers run), a few customers with funded
accounts, a chat agent and a caller. Each round requests what the load's people request, with the same
weights (``people.py``), through Django's test client (the whole middleware stack, no network): the
report gives the mean CPU time per request name and, with ``--profile``, cProfile's functions by CPU time
(``time.process_time``: a wall-clock sampler would charge other users' load on this machine to the code).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import django

from bench.environments import base_environment, migrate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print the functions that took the most CPU")
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bench-hotspots-"))
    env = {**base_environment(), "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}"}
    migrate(env)
    os.environ.update(env)
    django.setup()
    run(arguments)


def run(arguments) -> None:
    from django.test import Client

    from accounts.roles import TELEMARKETING_AGENTS
    from bench import data
    from bench.capacity.browser import parse
    from bench.capacity.population import OPENING_BALANCE
    from tests.factories import CampaignFactory, CampaignLeadFactory

    customers = data.customers(4, prefix="hot")
    accounts = data.funded_bank_accounts(customers, balance=OPENING_BALANCE)
    (caller,) = data.staff(1, prefix="hot-call", group=TELEMARKETING_AGENTS)
    campaign = CampaignFactory()
    for _ in range(arguments.rounds + 5):
        CampaignLeadFactory(campaign=campaign)
    browser, desk = Client(), Client()
    browser.force_login(customers[0])
    desk.force_login(caller)
    payee = accounts[1].number
    statement = f"/bank-accounts/{accounts[0].pk}/"
    secure = {"secure": True}

    def pay() -> None:
        page = browser.get("/payments/new/", **secure)
        form = next(
            f
            for f in parse(page.content.decode(), "/payments/new/").forms
            if f.method == "post" and "payments" in f.action
        )
        browser.post("/payments/new/", {**form.fields, "recipient": payee, "amount": "10,00"}, **secure)

    def call() -> None:
        desk.post(f"/staff/campaigns/{campaign.pk}/call/next/", **secure)
        desk.get(f"/staff/campaigns/{campaign.pk}/call/", **secure)

    mix = {
        "dashboard": (lambda: browser.get("/", **secure), 3),
        "chat widget": (lambda: browser.get("/chat/current/", **secure), 9),
        "statement": (lambda: browser.get(statement, **secure), 3),
        "payment form + pay": (pay, 2),
        "reviews": (lambda: browser.get("/reviews/", **secure), 1),
        "next lead + call page": (call, 1),
        "campaign results": (lambda: desk.get(f"/staff/campaigns/{campaign.pk}/results/", **secure), 1),
    }
    names = list(mix)
    weights = [mix[name][1] for name in names]
    spent: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile(time.process_time) if arguments.profile else None
    if profiler is not None:
        profiler.enable()
    rng = random.Random(1)
    for _ in range(arguments.rounds * 10):
        name = rng.choices(names, weights)[0]
        started = time.process_time()
        mix[name][0]()
        spent[name].append(time.process_time() - started)
    if profiler is not None:
        profiler.disable()
    total = sum(sum(times) for times in spent.values())
    print(f"{'request':<24} {'n':>4} {'mean CPU ms':>12} {'share of CPU':>13}")
    for name, times in sorted(spent.items(), key=lambda item: -sum(item[1])):
        print(f"{name:<24} {len(times):>4} {sum(times) / len(times) * 1000:>12.1f} {sum(times) / total:>12.0%}")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(r"(portal|banking|chat|campaigns|core|outreach|telemarketing)/", 25)
        stats.sort_stats("cumulative").print_stats(r"django/(template|db/models/sql|contrib/sessions|middleware)", 15)


if __name__ == "__main__":
    main()
