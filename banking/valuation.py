"""What a customer's money is worth in roubles today, at the bank's own rates.

A holding in another currency is valued at what the bank would pay for it now: its **buying** rate (the
customer sells the currency, the bank buys it), rounded down to the kopeck exactly as an exchange would be
(``banking.exchange.convert``). The selling rate would show money the customer cannot get: selling the
dollars back would bring the buying rate. The Central Bank's official rate is not the bank's to quote, and
would not match any exchange the customer can make on this site. A currency the bank quotes no rate for
against the rouble is left out of the total, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import router
from django.db.models import CharField, DecimalField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Account
from banking.currencies import Currency
from banking.exchange import convert
from banking.models import RATE, BankAccount, ExchangeRate
from banking.selectors import customer_bank_accounts_query, with_last_receipt
from core.compiled import Select, Slots

ROUBLE = Currency.RUB.value


def with_rouble_rates(bank_accounts: QuerySet[BankAccount], *, now: dt.datetime) -> QuerySet[BankAccount]:
    """The accounts annotated with the rate in force at ``now`` of their currency against the rouble (either way
    round: a pair is quoted one way only), read in the same query as the accounts."""
    newest = (
        ExchangeRate.objects.filter(valid_from__lte=now)
        .filter(Q(base=OuterRef("currency"), quote=ROUBLE) | Q(base=ROUBLE, quote=OuterRef("currency")))
        .order_by("-valid_from", "-id")
    )
    return bank_accounts.annotate(
        rate_base=Subquery(newest.values("base")[:1], output_field=CharField()),
        rate_buy=Subquery(newest.values("buy")[:1], output_field=DecimalField(**RATE)),
        rate_sell=Subquery(newest.values("sell")[:1], output_field=DecimalField(**RATE)),
    )


def valued_bank_accounts(*, account: Account) -> list[BankAccount]:
    """The customer's accounts (in ``customer_bank_accounts`` order) with their rates against the rouble and the
    id of their newest receipt: everything the overview shows of their money, in one query."""
    return _valued_bank_accounts(router.db_for_read(BankAccount)).all(owner=account.pk, now=timezone.now())


@lru_cache(maxsize=8)
def _valued_bank_accounts(alias: str) -> Select[BankAccount]:
    """Compiled once per database (``core.compiled``): built by the ORM on each call, the four subqueries of
    each account cost the customers' most visited page more Python than the database spent on the query."""
    slots = Slots(owner=int, now=dt.datetime)
    accounts = with_last_receipt(customer_bank_accounts_query(account=Account(pk=slots["owner"])))
    return Select(with_rouble_rates(accounts, now=slots["now"]), alias=alias, slots=slots)


def in_roubles(bank_account: BankAccount) -> Decimal | None:
    """The account's balance in roubles at the bank's buying rate (None: no rate for its currency)."""
    if bank_account.currency == ROUBLE:
        return bank_account.balance
    base = getattr(bank_account, "rate_base", None)
    if base is None:
        return None
    quote = ROUBLE if base == bank_account.currency else bank_account.currency
    rate = ExchangeRate(base=base, quote=quote, buy=bank_account.rate_buy, sell=bank_account.rate_sell)  # type: ignore[attr-defined]
    return convert(rate=rate, sold_currency=bank_account.currency, amount=bank_account.balance)


@dataclass(frozen=True)
class Total:
    roubles: Decimal
    unvalued: list[str] = field(default_factory=list)  # currencies left out: the bank quotes no rate for them


def total_in_roubles(bank_accounts: list[BankAccount]) -> Total:
    """The sum of the open accounts' balances in roubles (accounts from ``with_rouble_rates``)."""
    roubles = Decimal(0)
    unvalued: list[str] = []
    for bank_account in bank_accounts:
        if bank_account.is_closed:
            continue
        value = in_roubles(bank_account)
        if value is None:
            if bank_account.balance and bank_account.currency not in unvalued:
                unvalued.append(bank_account.currency)
        else:
            roubles += value
    return Total(roubles=roubles, unvalued=unvalued)
