"""Payments: transfers per second through ``banking.services.transfer`` with 1, 4 and 16 concurrent workers.

Baseline: the same ledger writes as raw SQL in one transaction per transfer, taking the row locks in the
same order (by primary key): lock both accounts, update both balances, insert the transfer and its debit and
credit receipts. The service writes more in that transaction, which the baseline leaves out: an audit event,
and the payee's "money arrived" e-mail (the payees here are customers with an address): its notification,
its outbox row and the task that sends it, after reading the payee's login and e-mail settings. Every worker
is a thread with its own database connection (the runner sizes PostgreSQL's pool for them). On SQLite every
write transaction starts with BEGIN IMMEDIATE, so writers run one at a time whatever the number of workers.

After every run the ledger is checked: the total of the balances is unchanged, no balance is negative,
each account's balance equals its credits minus its debits, and each transfer has exactly its two receipts.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.models import Account
from banking.models import BankAccount, Receipt, ReceiptKind, Transfer
from banking.services import transfer
from bench import data

OPENING_BALANCE = Decimal("1000000.00")
CENT = Decimal("0.01")


def make_accounts(count: int) -> list[tuple[Account, str]]:
    owners = data.customers(count, prefix="payer")
    bank_accounts = data.funded_bank_accounts(owners, balance=OPENING_BALANCE)
    by_owner = {owner.pk: owner for owner in owners}
    return [(by_owner[account.owner_id], account.number) for account in bank_accounts]


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(1, 50_000)) / 100


def service_transfer(rng: random.Random, accounts: list[tuple[Account, str]]) -> None:
    (owner, payer), (_payee_owner, payee) = rng.sample(accounts, 2)
    transfer(
        initiated_by=owner,
        payer_number=payer,
        payee_number=payee,
        amount=_amount(rng),
        idempotency_key=uuid.uuid4(),
        comment="bench",
    )


def raw_transfer(rng: random.Random, accounts: list[tuple[Account, str]]) -> None:
    """The service's ledger rows (not its audit event and e-mail), in plain SQL, locked in primary-key order."""
    (owner, payer), (_payee_owner, payee) = rng.sample(accounts, 2)
    amount = _amount(rng)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    key = uuid.uuid4()
    key = key if connection.features.has_native_uuid_field else key.hex
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, number, balance FROM banking_bankaccount WHERE number IN (%s, %s) ORDER BY id" + lock,
            [payer, payee],
        )
        rows = {number: (pk, Decimal(str(balance)).quantize(Decimal("0.01"))) for pk, number, balance in cursor}
        (payer_id, payer_balance), (payee_id, payee_balance) = rows[payer], rows[payee]
        if payer_balance < amount:
            raise RuntimeError("not enough money")  # never with these balances and amounts
        payer_balance, payee_balance = payer_balance - amount, payee_balance + amount
        cursor.execute("UPDATE banking_bankaccount SET balance = %s WHERE id = %s", [payer_balance, payer_id])
        cursor.execute("UPDATE banking_bankaccount SET balance = %s WHERE id = %s", [payee_balance, payee_id])
        cursor.execute(
            "INSERT INTO banking_transfer (payer_id, payee_id, amount, comment, initiated_by_id, idempotency_key,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [payer_id, payee_id, amount, "bench", owner.pk, key, now],
        )
        transfer_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO banking_receipt (bank_account_id, transfer_id, kind, amount, balance_after, description,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s)",
            [
                *(payer_id, transfer_id, ReceiptKind.DEBIT.value, amount, payer_balance, "bench", now),
                *(payee_id, transfer_id, ReceiptKind.CREDIT.value, amount, payee_balance, "bench", now),
            ],
        )


def run_workers(operation, *, workers: int, duration: float, accounts, seed: int) -> dict:
    """``workers`` threads call ``operation`` until ``duration`` seconds are up; each has its own connection."""
    counts = [0] * workers
    errors: list[str] = []
    start_line = threading.Barrier(workers + 1)
    deadline: list[float] = []

    def work(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        try:
            start_line.wait()
            while time.perf_counter() < deadline[0]:
                operation(rng, accounts)
                counts[index] += 1
        except Exception as error:  # reported, and fails the run's check
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    deadline.append(time.perf_counter() + duration)
    started = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "workers": workers,
        "transfers": sum(counts),
        "seconds": round(elapsed, 3),
        "per_second": round(sum(counts) / elapsed, 1),
        "errors": errors[:5],
    }


def check_ledger(*, expected_total: Decimal, expected_transfers: int) -> list[str]:
    """Every way the ledger could be wrong after concurrent payments; an empty list means it is right."""
    problems = []
    balances = list(BankAccount.objects.values_list("balance", flat=True))
    total = sum(balances, Decimal(0))
    if total != expected_total:
        problems.append(f"total of balances is {total}, expected {expected_total}")
    if any(balance < 0 for balance in balances):
        problems.append("a balance is negative")
    # SQLite keeps decimals in floating point, so its sums are brought back to whole cents before comparing.
    movements = {
        (row["bank_account"], row["kind"]): Decimal(str(row["total"])).quantize(CENT)
        for row in Receipt.objects.values("bank_account", "kind").annotate(total=Sum("amount")).order_by()
    }
    for pk, balance in BankAccount.objects.values_list("pk", "balance"):
        explained = movements.get((pk, ReceiptKind.CREDIT), 0) - movements.get((pk, ReceiptKind.DEBIT), 0)
        if explained != balance:
            problems.append(f"bank account {pk}: balance {balance}, but its receipts add up to {explained}")
            break
    transfers = Transfer.objects.count()
    if transfers != expected_transfers:
        problems.append(f"{transfers} transfers in the database, {expected_transfers} reported as made")
    if Transfer.objects.annotate(sides=Count("receipts")).exclude(sides=2).exists():
        problems.append("a transfer does not have exactly two receipts")
    mismatched = Receipt.objects.filter(transfer__isnull=False).filter(
        (Q(kind=ReceiptKind.DEBIT) & ~Q(bank_account=F("transfer__payer")))
        | (Q(kind=ReceiptKind.CREDIT) & ~Q(bank_account=F("transfer__payee")))
        | ~Q(amount=F("transfer__amount"))
    )
    if mismatched.exists():
        problems.append("a receipt does not match its transfer (account, side or amount)")
    return problems


def run(parameters: dict) -> dict:
    accounts = make_accounts(parameters["accounts"])
    expected_total = OPENING_BALANCE * len(accounts)
    runs = []
    made = 0
    for workers in parameters["workers"]:
        for variant, operation in (("service", service_transfer), ("raw_sql", raw_transfer)):
            measured = run_workers(
                operation, workers=workers, duration=parameters["duration"], accounts=accounts, seed=workers
            )
            made += measured["transfers"]
            problems = check_ledger(expected_total=expected_total, expected_transfers=made)
            problems += [f"worker failed: {error}" for error in measured["errors"]]
            runs.append({"variant": variant, **measured, "ledger_ok": not problems, "problems": problems})
    return {
        "vendor": connection.vendor,
        "accounts": len(accounts),
        "duration": parameters["duration"],
        "runs": runs,
        "correct": all(run["ledger_ok"] for run in runs),
    }
