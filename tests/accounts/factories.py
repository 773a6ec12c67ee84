"""Customers, staff and money for the website tests, made through the real services."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from accounts.models import Account, Client, Worker
from banking.models import BankAccount
from banking.services import deposit, open_bank_account

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_customer(*, username: str | None = None, password: str = PASSWORD) -> Account:
    n = next(_numbers)
    client = Client.objects.create(
        surname=f"Иванов{n}",
        name="Иван",
        sex="M",
        birth_date=datetime.date(1980, 1, 1),
        email=f"client{n}@example.com",
    )
    return Account.objects.create_user(username=username or f"customer{n}", password=password, client=client)


def make_worker_account(*, username: str | None = None, password: str = PASSWORD, **flags) -> Account:
    n = next(_numbers)
    worker = Worker.objects.create(surname=f"Петров{n}", name="Пётр", position="agent")
    return Account.objects.create_user(username=username or f"worker{n}", password=password, worker=worker, **flags)


def make_bank_account(*, owner: Account, currency: str = "RUB", balance: Decimal | str = "0") -> BankAccount:
    bank_account = open_bank_account(owner=owner, currency=currency)
    if Decimal(balance):
        deposit(bank_account=bank_account, amount=Decimal(balance), description="salary")
        bank_account.refresh_from_db()
    return bank_account
