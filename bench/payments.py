"""Payments: transfers per second through ``banking.services.transfer`` with 1, 4 and 16 concurrent workers.

Baselines, each a transaction per transfer in raw SQL taking the row locks in the same order (by primary key):
``raw_sql`` makes the same writes as the service (issue 15: "raw SQL doing the same writes"): both balances, the
transfer and its two receipts, the payee's "money arrived" e-mail (its notification and outbox row, after
reading the payee's login, address and setting: the payees here are customers with an address) and the audit
event, then after the commit the look for a waiting delivery run. ``raw_sql_ledger`` writes the ledger rows
alone, the stricter baseline of the earlier reports. Every worker is a thread with its own database connection
(the runner sizes PostgreSQL's pool for them). On SQLite every write transaction starts with BEGIN IMMEDIATE,
so writers run one at a time whatever the number of workers.

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
from django_tasks_db.models import get_date_max

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
    """The service's writes, in plain SQL, locked in primary-key order: the ledger rows, the payee's e-mail
    (after reading the payee's login, address and setting) and the audit event; after the commit, the look for a
    waiting delivery run. The same statements as the service, less the service's own Python."""
    _raw(rng, accounts, same_writes=True)


def raw_ledger_transfer(rng: random.Random, accounts: list[tuple[Account, str]]) -> None:
    """The ledger rows alone (no e-mail, no audit event): the stricter baseline of the earlier reports."""
    _raw(rng, accounts, same_writes=False)


def _raw(rng: random.Random, accounts: list[tuple[Account, str]], *, same_writes: bool) -> None:
    (owner, payer), (_payee_owner, payee) = rng.sample(accounts, 2)
    amount = _amount(rng)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    key = uuid.uuid4()
    key = key if connection.features.has_native_uuid_field else key.hex
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, number, balance, owner_id FROM banking_bankaccount WHERE number IN (%s, %s) ORDER BY id" + lock,
            [payer, payee],
        )
        rows = {row[1]: (row[0], Decimal(str(row[2])).quantize(CENT), row[3]) for row in cursor.fetchall()}
        (payer_id, payer_balance, _), (payee_id, payee_balance, payee_login) = rows[payer], rows[payee]
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
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                *(payer_id, transfer_id, ReceiptKind.DEBIT.value, amount, payer_balance, "bench", now),
                *(payee_id, transfer_id, ReceiptKind.CREDIT.value, amount, payee_balance, "bench", now),
            ],
        )
        credit_id = max(row[0] for row in cursor.fetchall())
        if not same_writes:
            return
        cursor.execute(
            "SELECT a.is_active, c.email, s.money_arrived FROM accounts_account a"
            " LEFT JOIN accounts_client c ON a.client_id = c.id"
            " LEFT JOIN outreach_notificationsettings s ON s.account_id = a.id WHERE a.id = %s",
            [payee_login],
        )
        active, email, wanted = cursor.fetchone()
        if active and email and wanted is not False:
            cursor.execute(
                "INSERT INTO outreach_notification (account_id, kind, event_key, subject, body, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                [
                    payee_login,
                    "money_in",
                    f"receipt:{credit_id}",
                    f"Поступили деньги: {amount} ₽",
                    f"На ваш счёт поступило {amount} ₽.\nbench\nОстаток: {payee_balance} ₽.",
                    now,
                ],
            )
            notification_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO outreach_delivery (notification_id, channel, address, status, attempts, last_error,"
                " idempotency_key, provider_id, next_attempt_at, claimed_by, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [notification_id, "email", email, "await", 0, "", uuid.uuid4().hex, "", now, "", now],
            )
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, actor_id, actor_username, action, target_type, target_id,"
            " summary) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [now, owner.pk, owner.username, "payment", "banking.Transfer", str(transfer_id), f"{amount} RUB"],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM django_tasks_database_dbtaskresult WHERE (run_after = %s OR run_after <= %s)"
            " AND backend_name = %s AND queue_name = %s AND status = %s AND task_path = %s LIMIT 1",
            [
                connection.ops.adapt_datetimefield_value(get_date_max()),
                now,
                "default",
                "default",
                "READY",
                "outreach.tasks.deliver_messages",
            ],
        )
        cursor.fetchone()


VARIANTS = (("service", service_transfer), ("raw_sql", raw_transfer), ("raw_sql_ledger", raw_ledger_transfer))


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
        for variant, operation in VARIANTS:
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
