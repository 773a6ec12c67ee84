"""Bulk test data for the benchmarks: people, logins and signed-in sessions, made fast.

Rows that carry no business rule are written with bulk_create (as seed_demo does); money balances are
opened with a credit receipt each, so that every balance is explained by the ledger. Signed-in sessions
and single rows come from the tests' factories (tests/factories).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account, Client, Worker
from banking.models import BankAccount, Receipt, ReceiptKind

BATCH = 2000


def customers(count: int, *, prefix: str) -> list[Account]:
    """``count`` clients, each with one customer login (no usable password: sessions are made directly)."""
    clients = Client.objects.bulk_create(
        [
            Client(
                surname=f"Клиентов-{prefix}",
                name=f"Клиент {n}",
                sex="F" if n % 2 else "M",
                birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=n % 9000),
                email=f"{prefix}-{n}@bench.example",
                phone=f"+7901{n:07d}",
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    unusable = make_password(None)
    Account.objects.bulk_create(
        [
            Account(username=f"{prefix}-customer-{n}", password=unusable, client=client, first_name=f"Клиент {n}")
            for n, client in enumerate(clients)
        ],
        batch_size=BATCH,
    )
    return list(Account.objects.filter(username__startswith=f"{prefix}-customer-").order_by("pk"))


def staff(count: int, *, prefix: str, group: str) -> list[Account]:
    """``count`` workers, each with a login in the role ``group``."""
    workers = Worker.objects.bulk_create(
        [Worker(surname=f"Работников-{prefix}", name=f"Сотрудник {n}", position=group) for n in range(count)],
        batch_size=BATCH,
    )
    unusable = make_password(None)
    Account.objects.bulk_create(
        [
            Account(username=f"{prefix}-staff-{n}", password=unusable, worker=worker, first_name=f"Сотрудник {n}")
            for n, worker in enumerate(workers)
        ],
        batch_size=BATCH,
    )
    accounts = list(Account.objects.filter(username__startswith=f"{prefix}-staff-").order_by("pk"))
    role = Group.objects.get_or_create(name=group)[0]
    Account.groups.through.objects.bulk_create(
        [Account.groups.through(account_id=account.pk, group_id=role.pk) for account in accounts], batch_size=BATCH
    )
    return accounts


def account_number(serial: int, currency_code: str = "810") -> str:
    return f"40817{currency_code}{serial:012d}"


def funded_bank_accounts(owners: list[Account], *, balance: Decimal, currency: str = "RUB") -> list[BankAccount]:
    """One open bank account per owner, funded by an opening credit receipt."""
    start = BankAccount.objects.count()
    accounts = BankAccount.objects.bulk_create(
        [
            BankAccount(owner=owner, currency=currency, number=account_number(start + n), balance=balance)
            for n, owner in enumerate(owners)
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    Receipt.objects.bulk_create(
        [
            Receipt(
                bank_account=account,
                kind=ReceiptKind.CREDIT,
                amount=balance,
                balance_after=balance,
                description="Opening deposit",
                created_at=now,
            )
            for account in accounts
        ],
        batch_size=BATCH,
    )
    return list(BankAccount.objects.filter(owner__in=owners).order_by("pk"))
