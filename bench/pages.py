"""Pages: the customer dashboard and a bank account's statement, for a customer with 10 bank accounts and
10,000 receipts, served by one daphne process under load; baseline: a trivial Django view
(``/bench/trivial``, bench URLconf only) on the same server, through the same middleware.

The load generator is ``bench.httpload`` (asyncio, keep-alive connections, closed loop) in this process.
The number of queries of each page is counted in this process with the Django test client and
``CaptureQueriesContext`` against the same database.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banking.models import BankAccount, Receipt, ReceiptKind
from bench import data
from bench.httpload import load
from bench.servers import daphne
from bench.stats import CpuMeter, latency_summary, percentile
from outreach.models import Message, MessageStatus, News, news_digest
from tests.factories import session_key_for

CURRENCIES = ["RUB", "USD", "EUR", "CNY", "GBP", "CHF", "KZT", "BYN", "AED", "TRY"]


@contextmanager
def _dates_as_given(model, field_name: str):
    """Let bulk_create keep the dates we give (auto_now_add would stamp them all with now)."""
    field = model._meta.get_field(field_name)
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def make_customer(*, bank_accounts: int, receipts: int) -> tuple[str, list[int]]:
    """A customer with ``bank_accounts`` accounts sharing ``receipts`` receipts over a year, a few news
    and messages; returns their session key and bank account ids."""
    (owner,) = data.customers(1, prefix="pages")
    accounts = BankAccount.objects.bulk_create(
        [
            BankAccount(owner=owner, currency=currency, number=data.account_number(n, f"{n:03d}"), balance=0)
            for n, currency in enumerate(CURRENCIES[:bank_accounts])
        ]
    )
    accounts = list(BankAccount.objects.filter(owner=owner).order_by("pk"))
    per_account = receipts // len(accounts)
    start = timezone.now() - datetime.timedelta(days=365)
    step = datetime.timedelta(days=365) / per_account
    rows = []
    for account in accounts:
        balance = Decimal(0)
        for n in range(per_account):
            credit = n % 3 != 2 or balance < 100
            amount = Decimal(100 + (n * 37) % 5000)
            balance = balance + amount if credit else balance - min(amount, balance)
            rows.append(
                Receipt(
                    bank_account=account,
                    kind=ReceiptKind.CREDIT if credit else ReceiptKind.DEBIT,
                    amount=amount if credit else min(amount, balance + amount),
                    balance_after=balance,
                    description=f"Операция {n}",
                    created_at=start + step * n,
                )
            )
        account.balance = balance
    with _dates_as_given(Receipt, "created_at"):
        Receipt.objects.bulk_create(rows, batch_size=data.BATCH)
    BankAccount.objects.bulk_update(accounts, ["balance"])
    News.objects.bulk_create(
        [
            News(
                account=owner,
                title=f"Новость {n}",
                body="Текст новости",
                digest=news_digest(title=f"Новость {n}", body="Текст новости"),
            )
            for n in range(8)
        ]
    )
    Message.objects.bulk_create(
        [
            Message(client_id=owner.client_id, subject=f"Предложение {n}", body="Текст", status=MessageStatus.SENT)
            for n in range(12)
        ]
    )
    return session_key_for(owner), [account.pk for account in accounts]


def count_queries(session: str, paths: dict[str, str]) -> dict[str, int]:
    client = TestClient(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    counts = {}
    for name, path in paths.items():
        client.get(path)  # the first request of a process fills caches (content types, translations)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts[name] = len(queries)
    return counts


def run(parameters: dict) -> dict:
    session, bank_accounts = make_customer(bank_accounts=parameters["bank_accounts"], receipts=parameters["receipts"])
    pages_per_statement = -(-(parameters["receipts"] // parameters["bank_accounts"]) // 25)
    paths = {
        "trivial": "/bench/trivial",
        "dashboard": "/",
        "statement": f"/bank-accounts/{bank_accounts[0]}/",
        "statement_last_page": f"/bank-accounts/{bank_accounts[0]}/?page={pages_per_statement}",
    }
    queries = count_queries(session, paths)
    connection.close()
    logs = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    results = []
    # The baseline runs first and last, and its two figures are averaged, so that drift shows and evens out.
    order = ["trivial", "dashboard", "statement", "statement_last_page", "trivial"]
    with daphne(dict(os.environ), logs / "daphne.log") as server:
        warm = load(
            host="127.0.0.1", port=server.port, path="/", cookie=f"sessionid={session}", concurrency=2, duration=1
        )
        if set(warm.statuses) != {200}:
            raise RuntimeError(f"the dashboard answered {warm.statuses}:\n{server.log()[-3000:]}")
        for name in order:
            meter = CpuMeter([server.pid])
            meter.start(time.perf_counter())
            measured = load(
                host="127.0.0.1",
                port=server.port,
                path=paths[name],
                cookie=f"sessionid={session}",
                concurrency=parameters["concurrency"],
                duration=parameters["duration"],
            )
            server_cpu = meter.stop(time.perf_counter())[0]
            ok = measured.statuses.get(200, 0)
            results.append(
                {
                    "page": name,
                    "path": paths[name],
                    "requests": sum(measured.statuses.values()),
                    "statuses": {str(status): n for status, n in measured.statuses.items()},
                    "requests_per_second": round(ok / measured.seconds, 1),
                    "latency": latency_summary(measured.latencies),
                    "p95_ms": round((percentile(measured.latencies, 0.95) or 0) * 1000, 2),
                    "bytes_per_answer": measured.bytes_read // max(1, ok),
                    "queries": queries[name],
                    "server_cpu": server_cpu,
                }
            )
    return {
        "vendor": connection.vendor,
        "bank_accounts": parameters["bank_accounts"],
        "receipts": parameters["receipts"],
        "concurrency": parameters["concurrency"],
        "duration": parameters["duration"],
        "results": results,
        "all_ok": all(set(result["statuses"]) == {"200"} for result in results),
    }
