"""The ledger's statements, compiled once per database (``core.compiled``): every payment, exchange and reversal
runs them, and building them with the ORM each time cost a payment more Python than the database spent on it
(cProfile, issue 15 item 11). The SQL is the ORM's own for each database, so it stays what SQL Server is sent."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import lru_cache

from banking.models import BankAccount, Receipt, Transfer
from core.compiled import Insert, Select, Slots, Statement, update


@lru_cache(maxsize=8)
def locked_pair(alias: str) -> Select[BankAccount]:
    """Two accounts by number, locked in the order of their primary keys (so that two opposite payments cannot
    deadlock). Compiled inside the payment's transaction, as FOR UPDATE must be."""
    slots = Slots(first=str, second=str)
    accounts = BankAccount.objects.select_for_update().filter(number__in=[slots["first"], slots["second"]])
    return Select(accounts.order_by("pk"), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def set_balance(alias: str) -> Statement:
    slots = Slots(account=int, balance=Decimal)
    return update(
        BankAccount.objects.filter(pk=slots["account"]), {"balance": slots["balance"]}, alias=alias, slots=slots
    )


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
def insert_receipt(alias: str) -> Insert[Receipt]:
    slots = Slots(
        bank_account_id=int,
        transfer_id=int,
        kind=str,
        amount=Decimal,
        balance_after=Decimal,
        description=str,
        created_at=dt.datetime,
    )
    return Insert(Receipt, alias=alias, slots=slots)
