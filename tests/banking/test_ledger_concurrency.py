"""Many threads paying at random between the same accounts at once: money is neither lost nor made.

On SQLite the threads share a file database (the in-memory test database cannot be shared between
connections without "table is locked" errors); its IMMEDIATE transactions queue the writers. On
PostgreSQL they share the test database, and the transfer's row locks in primary-key order keep
opposite transfers from deadlocking.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections

from banking.models import BankAccount, Receipt, Transfer
from banking.services import IdempotencyKeyReused, InsufficientFunds, transfer
from tests.factories import BankAccountFactory, CustomerFactory

THREADS = 8
TRANSFERS_PER_THREAD = 25


@pytest.fixture
def shared_database(tmp_path):
    """Make the threads' connections reach one database; on SQLite, a copy of the test database in a file."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = str(tmp_path / "ledger.sqlite3")
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]  # the dict every new thread's connection is made from
    original_name, original_connection = settings_dict["NAME"], connections["default"]
    settings_dict["NAME"] = path
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict["NAME"] = original_name
        connections["default"] = original_connection


def run_in_threads(work, count: int) -> list[BaseException]:
    """Start ``count`` threads at the same moment; return what they raised."""
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def thread(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # reported to the test
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread, args=(index,)) for index in range(count)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=120)
    return failures


def check_ledger(opening: dict[int, Decimal]) -> None:
    """No negative balance, total unchanged, and every receipt a balance change that adds up."""
    balances = dict(BankAccount.objects.filter(pk__in=opening).values_list("pk", "balance"))
    assert all(balance >= 0 for balance in balances.values())
    assert sum(balances.values()) == sum(opening.values())
    running = dict(opening)
    changes: dict[int, Decimal] = defaultdict(Decimal)
    for receipt in Receipt.objects.filter(bank_account__in=opening, transfer__isnull=False).order_by("id"):
        running[receipt.bank_account_id] += receipt.signed_amount
        assert receipt.balance_after == running[receipt.bank_account_id], "each receipt shows the balance it left"
        changes[receipt.bank_account_id] += receipt.signed_amount
    for pk, balance in balances.items():
        assert balance - opening[pk] == changes[pk]
    for made in Transfer.objects.prefetch_related("receipts"):
        assert sorted(receipt.kind for receipt in made.receipts.all()) == ["credit", "debit"]


def random_transfers(accounts: list[BankAccount]):
    def work(index: int) -> None:
        chooser = random.Random(index)
        for _n in range(TRANSFERS_PER_THREAD):
            payer, payee = chooser.sample(accounts, 2)
            with contextlib.suppress(InsufficientFunds):  # refused payments are part of the mix
                transfer(
                    initiated_by=payer.owner,
                    payer_number=payer.number,
                    payee_number=payee.number,
                    amount=Decimal(chooser.randint(1, 6000)) / 100,
                    idempotency_key=uuid.uuid4(),
                )

    return work


def scenario_random_transfers() -> None:
    owners = [CustomerFactory() for _n in range(3)]
    accounts = [
        BankAccountFactory(owner=owners[n % 3], currency="RUB", balance=balance)
        for n, balance in enumerate(["100", "50", "0", "250.50", "10", "75"])
    ]
    for account in accounts:
        account.owner = next(owner for owner in owners if owner.pk == account.owner_id)
    opening = {account.pk: account.balance for account in accounts}
    failures = run_in_threads(random_transfers(accounts), THREADS)
    assert failures == []
    assert Transfer.objects.count() > THREADS  # most of the transfers went through
    check_ledger(opening)


def scenario_same_form_submitted_at_once() -> None:
    owner = CustomerFactory()
    payer = BankAccountFactory(owner=owner, balance="100")
    payee = BankAccountFactory(owner=CustomerFactory())
    key = uuid.uuid4()
    results: list[int] = []

    def submit(_index: int) -> None:
        made = transfer(
            initiated_by=owner, payer_number=payer.number, payee_number=payee.number, amount="30", idempotency_key=key
        )
        results.append(made.pk)

    assert run_in_threads(submit, 6) == []
    assert len(set(results)) == 1 and len(results) == 6
    assert Transfer.objects.count() == 1
    payer.refresh_from_db()
    assert payer.balance == Decimal("70.00")
    with pytest.raises(IdempotencyKeyReused):
        transfer(
            initiated_by=owner, payer_number=payer.number, payee_number=payee.number, amount="31", idempotency_key=key
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_random_transfers_keep_the_ledger_whole(shared_database):
    scenario_random_transfers()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_payment_sent_six_times_at_once_pays_once(shared_database):
    scenario_same_form_submitted_at_once()
