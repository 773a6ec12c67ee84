"""The ledger's statements, compiled once per database (``core.compiled``): every payment, exchange and reversal
runs them, and building them with the ORM each time cost a payment more Python than the database spent on it
(cProfile, issue 15 item 11). The SQL is the ORM's own for each database, so it stays what SQL Server is sent."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import lru_cache

from django.db.models import Case, Value, When

from banking.models import BankAccount, Receipt, Transfer
from core.compiled import Insert, InsertRows, Select, Slots, Statement, update


@lru_cache(maxsize=8)
def locked_pair(alias: str) -> Select[BankAccount]:
    """Two accounts by number, locked in the order of their primary keys (so that two opposite payments cannot
    deadlock). Compiled inside the payment's transaction, as FOR UPDATE must be."""
    slots = Slots(first=str, second=str)
    accounts = BankAccount.objects.select_for_update().filter(number__in=[slots["first"], slots["second"]])
    return Select(accounts.order_by("pk"), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def set_balances(alias: str) -> Statement:
    """Both sides' new balances in one UPDATE (one round trip fewer than one each)."""
    slots = Slots(payer=int, payer_balance=Decimal, payee=int, payee_balance=Decimal)
    balance = Case(
        When(pk=slots["payer"], then=Value(slots["payer_balance"])),
        default=Value(slots["payee_balance"]),
        output_field=BankAccount._meta.get_field("balance"),
    )
    both = BankAccount.objects.filter(pk__in=[slots["payer"], slots["payee"]])
    return update(both, {"balance": balance}, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def insert_transfer(alias: str) -> Insert[Transfer]:
    slots = Slots(
        payer_id=int,
        payee_id=int,
        amount=Decimal,
        comment=str,
        initiated_by_id=int,
        idempotency_key=uuid.UUID,
        created_at=dt.datetime,
    )
    return Insert(Transfer, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def insert_receipts(alias: str) -> InsertRows[Receipt]:
    """A transfer's debit and credit receipts, in one INSERT where the database returns both keys."""
    slots = Slots(
        bank_account_id=int,
        transfer_id=int,
        kind=str,
        amount=Decimal,
        balance_after=Decimal,
        description=str,
        created_at=dt.datetime,
    )
    return InsertRows(Receipt, alias=alias, slots=slots, rows=2)
