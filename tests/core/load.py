"""Signed-in customers browsing and paying at once against a live daphne, counting what went wrong."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field

import requests
from django.conf import settings

from tests.chat.live import REPO

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def make_customers(env: dict, count: int) -> list[dict]:
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "core" / "live_customers.py"), str(count)],
        cwd=REPO,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Outcome:
    requests: int = 0
    payments: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, response: requests.Response, what: str) -> None:
        with self.lock:
            self.requests += 1
            if response.status_code >= 400:
                self.errors.append(f"{what}: {response.status_code}")


def customer_session(base: str, session_key: str) -> requests.Session:
    browser = requests.Session()
    browser.cookies.set("sessionid", session_key, domain="127.0.0.1")
    browser.cookies.set("django_language", "en", domain="127.0.0.1")
    return browser


def browse_and_pay(base: str, customer: dict, payee: str, *, rounds: int, outcome: Outcome, start: threading.Barrier):
    """Each round: the overview, the payment form, its confirmation page, a payment of 1 ₽ to ``payee``, its receipt."""
    browser = customer_session(base, customer["session"])
    start.wait()
    try:
        for _ in range(rounds):
            outcome.count(browser.get(f"{base}/", timeout=60), "overview")
            form = browser.get(f"{base}/payments/new/", timeout=60)
            outcome.count(form, "payment form")
            fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(form.text)}
            confirmation = browser.post(
                f"{base}/payments/new/",
                data={**fields, "payer": customer["account"], "recipient": payee, "amount": "1", "comment": ""},
                headers={"Referer": f"{base}/payments/new/"},
                timeout=60,
            )
            outcome.count(confirmation, "confirmation page")
            paid = browser.post(
                f"{base}/payments/confirm/",
                data={name: html.unescape(value) for name, value in _HIDDEN.findall(confirmation.text)},
                headers={"Referer": f"{base}/payments/new/"},
                timeout=60,
            )
            outcome.count(paid, "payment")
            if paid.status_code < 400 and "/payments/" in paid.url and not paid.url.endswith("/new/"):
                with outcome.lock:
                    outcome.payments += 1
            elif paid.status_code < 400:
                with outcome.lock:
                    outcome.errors.append("payment: the form came back instead of a receipt")
    except requests.RequestException as error:
        with outcome.lock:
            outcome.errors.append(f"{type(error).__name__}: {error}")


def run_customers(base: str, customers: list[dict], *, rounds: int) -> Outcome:
    """All customers at once, each paying the next one in a ring (so money only moves between them)."""
    outcome = Outcome()
    start = threading.Barrier(len(customers))
    threads = [
        threading.Thread(
            target=browse_and_pay,
            args=(base, customer, customers[(index + 1) % len(customers)]["account"]),
            kwargs={"rounds": rounds, "outcome": outcome, "start": start},
        )
        for index, customer in enumerate(customers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def postgres_url() -> str:
    """The test database, for live servers and for reading it from outside the test's transaction."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
