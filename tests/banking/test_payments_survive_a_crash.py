"""daphne killed (SIGKILL) in the middle of 200 concurrent payments, restarted, every form sent again.

What a bank needs after the crash: no money created or lost in any currency, no negative balance, one debit
and one credit receipt per transfer, and every form paid exactly once: a form sent again after the restart
(the customer pressing "Pay" again) returns the payment already made, never a second one.
"""

from __future__ import annotations

import html
import re
import signal
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from tests.chat.live import Daphne, migrate, server_environment
from tests.core.load import customer_session, make_customers, postgres_url

pytestmark = pytest.mark.processes

CUSTOMERS = 20
FORMS_PER_CUSTOMER = 10
_HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|idempotency_key)" value="([^"]+)"')
_RECEIPT = re.compile(r"/payments/(\d+)/$")


class Ledger:
    """Reads the server's database directly (SQLite file or PostgreSQL), the way an auditor would."""

    def __init__(self, *, sqlite_file: Path | None = None) -> None:
        self.sqlite_file = sqlite_file

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_file is not None:
            with sqlite3.connect(self.sqlite_file) as connection:
                return connection.execute(sql).fetchall()
        with psycopg.connect(postgres_url(), autocommit=True) as connection:
            return connection.execute(sql).fetchall()

    def money_by_currency(self) -> dict[str, str]:
        rows = self.rows("SELECT currency, SUM(balance) FROM banking_bankaccount GROUP BY currency ORDER BY currency")
        return {currency: f"{float(total):.2f}" for currency, total in rows}


class Form:
    """One payment form as the browser got it: its hidden idempotency key goes with every sending."""

    def __init__(self, base: str, session_key: str, payer: str, payee: str) -> None:
        self.browser, self.base = customer_session(base, session_key), base
        browser = self.browser
        page = browser.get(f"{base}/payments/new/", timeout=60)
        page.raise_for_status()
        self.data = {name: html.unescape(value) for name, value in _HIDDEN.findall(page.text)}
        self.data.update(payer=payer, recipient=payee, amount="1.00", comment="")
        self.first_receipt: str | None = None

    def send(self) -> str | None:
        """The receipt the bank answered with, or None when the server was not there to answer."""
        try:
            answer = self.browser.post(  # what the confirmation page's "Confirm" sends
                f"{self.base}/payments/confirm/",
                data=self.data,
                headers={"Referer": f"{self.base}/payments/new/"},
                timeout=60,
            )
        except requests.RequestException:
            return None
        found = _RECEIPT.search(answer.url)
        return found.group(1) if answer.ok and found else None


def _kill_mid_burst(server: Daphne, forms: list[Form]) -> None:
    threads = []
    for form in forms:

        def pay(form=form):
            form.first_receipt = form.send()

        threads.append(threading.Thread(target=pay))
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while sum(form.first_receipt is not None for form in forms) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)  # kill once a few payments are done and most are under way
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=90)


def _crash_and_resend(tmp_path: Path, env: dict, ledger: Ledger) -> None:
    customers = make_customers(env, CUSTOMERS)
    server = Daphne(env, tmp_path, "crash").start()
    base = server.http
    before = ledger.money_by_currency()
    forms = []
    for index, customer in enumerate(customers):
        payee = customers[(index + 1) % CUSTOMERS]["account"]
        forms += [Form(base, customer["session"], customer["account"], payee) for _ in range(FORMS_PER_CUSTOMER)]

    _kill_mid_burst(server, forms)
    paid_before_the_crash = sum(form.first_receipt is not None for form in forms)
    server.process = None
    server.start()
    resent = [form.send() for form in forms]
    server.stop()

    assert 0 < paid_before_the_crash < len(forms), "the kill must land in the middle of the burst"
    assert all(receipt is not None for receipt in resent), "every form is paid once the server is back"
    assert all(form.first_receipt in (None, again) for form, again in zip(forms, resent, strict=True)), (
        "a form sent again returns the payment already made"
    )
    assert len(set(resent)) == len(forms), "one transfer per form"
    assert ledger.money_by_currency() == before
    assert ledger.rows("SELECT COUNT(*) FROM banking_bankaccount WHERE balance < 0") == [(0,)]
    transfers = ledger.rows("SELECT COUNT(*) FROM banking_transfer")[0][0]
    assert transfers == len(forms) + CUSTOMERS  # and the first payment of each pair, made by make_customers
    sides = Counter(kind for (kind,) in ledger.rows("SELECT kind FROM banking_receipt WHERE transfer_id IS NOT NULL"))
    assert sides == {"debit": transfers, "credit": transfers}
    unmatched = ledger.rows(
        "SELECT t.id FROM banking_transfer t WHERE 2 <> (SELECT COUNT(DISTINCT r.kind) FROM banking_receipt r"
        " WHERE r.transfer_id = t.id)"
    )
    assert unmatched == []


def test_a_crash_mid_burst_loses_no_money_and_pays_each_form_once_on_sqlite(tmp_path):
    database = tmp_path / "bank.sqlite3"
    migrate(database)
    _crash_and_resend(tmp_path, server_environment(database), Ledger(sqlite_file=database))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_crash_mid_burst_loses_no_money_and_pays_each_form_once_on_postgresql(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("run with DATABASE_URL pointing at PostgreSQL")
    env = server_environment(tmp_path / "unused.sqlite3")
    env.update(DATABASE_URL=postgres_url(), DATABASE_POOL_MAX_SIZE="8")
    _crash_and_resend(tmp_path, env, Ledger())
