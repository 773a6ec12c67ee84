"""Reads of the ledger for its owners: their bank accounts, statements and receipts.

A row of someone else raises ``DoesNotExist`` (the views turn it into 404, so an id changed in the URL
reveals nothing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import router
from django.db.models import Case, DecimalField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts.models import Account
from banking.currencies import Currency
from banking.models import BankAccount, Exchange, PaymentChallenge, PaymentTemplate, Receipt, ReceiptKind
from core.compiled import Select, Slots
from core.money import MONEY

# A Russian bank's customer reads roubles first: the rouble accounts lead every list and are preselected.
ROUBLES_FIRST = Case(When(currency=Currency.RUB, then=Value(0)), default=Value(1))

# What the statement and the operation lists show of the other side of a transfer (names, not numbers).
COUNTERPARTIES = ("transfer__payer__owner__client", "transfer__payee__owner__client")


def customer_bank_accounts_query(*, account: Account) -> QuerySet[BankAccount]:
    """Every bank account of the customer: open ones first, roubles first, then by currency."""
    return BankAccount.objects.filter(owner=account).order_by("is_closed", ROUBLES_FIRST, "currency", "number")


def customer_bank_accounts(*, account: Account) -> list[BankAccount]:
    return list(customer_bank_accounts_query(account=account))


def with_last_receipt(bank_accounts: QuerySet[BankAccount]) -> QuerySet[BankAccount]:
    """The accounts annotated with the id of their newest receipt (on the receipts' account-and-time index)."""
    newest = Receipt.objects.filter(bank_account=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    return bank_accounts.annotate(last_receipt_id=Subquery(newest))


def latest_receipts(*, account: Account, limit: int) -> list[Receipt]:
    """The newest operations over all of the customer's bank accounts, with whom each was made."""
    return list(
        Receipt.objects.filter(bank_account__owner=account)
        .select_related("bank_account", *COUNTERPARTIES)
        .order_by("-created_at", "-id")[:limit]
    )


def payable_bank_accounts(*, account: Account) -> list[BankAccount]:
    """The customer's own open accounts, which a payment may be made from; roubles first (the default choice)."""
    return list(
        BankAccount.objects.filter(owner=account, is_closed=False).order_by(ROUBLES_FIRST, "currency", "number")
    )


@dataclass(frozen=True)
class Statement:
    """A bank account's operations between two dates, with its balance before the first and after the last."""

    bank_account: BankAccount
    receipts: QuerySet[Receipt]
    date_from: datetime.date | None
    date_to: datetime.date | None
    opening_balance: Decimal
    closing_balance: Decimal


def _balance_before(moment: datetime.datetime | None) -> Subquery | Value:
    """The balance the account's last receipt before ``moment`` left (0 before the first one); None: now."""
    if moment is None:
        return Value(Decimal(0))
    last = Receipt.objects.filter(bank_account=OuterRef("pk"), created_at__lt=moment).order_by("-created_at", "-id")
    return Subquery(last.values("balance_after")[:1], output_field=DecimalField(**MONEY))


def account_statement(
    *,
    account: Account,
    bank_account_id: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Statement:
    """One of the customer's bank accounts with its receipts between two dates (inclusive, local time).

    The opening and closing balances come with the account in the same query (two subqueries on the
    receipts' index), so the page's number of queries does not grow with the period.
    """
    start = _start_of_day(date_from) if date_from is not None else None
    end = _start_of_day(date_to + datetime.timedelta(days=1)) if date_to is not None else None
    bank_account = (
        BankAccount.objects.annotate(opening=_balance_before(start), closing=_balance_before(end))
        .select_related("owner__client")
        .get(pk=bank_account_id, owner=account)
    )
    receipts = Receipt.objects.filter(bank_account=bank_account).select_related(*COUNTERPARTIES)
    if start is not None:
        receipts = receipts.filter(created_at__gte=start)
    if end is not None:
        receipts = receipts.filter(created_at__lt=end)
    closing = bank_account.balance if end is None else bank_account.closing
    return Statement(
        bank_account=bank_account,
        receipts=receipts.order_by("-created_at", "-id"),
        date_from=date_from,
        date_to=date_to,
        opening_balance=bank_account.opening or Decimal(0),
        closing_balance=closing or Decimal(0),
    )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def payment_receipt(*, account: Account, transfer_id: int) -> Receipt:
    """The payer's debit receipt of a transfer; only the payer's owner may see it."""
    return Receipt.objects.select_related("bank_account", "transfer", "transfer__payee").get(
        transfer_id=transfer_id, kind=ReceiptKind.DEBIT, bank_account__owner=account
    )


def customer_exchange(*, account: Account, exchange_id: int) -> Exchange:
    """One of the customer's exchanges with both legs and the rate; someone else's raises ``DoesNotExist``."""
    return Exchange.objects.select_related("rate", "sold_leg__payer", "bought_leg__payee").get(
        pk=exchange_id, initiated_by=account
    )


def payment_templates(*, account: Account) -> list[PaymentTemplate]:
    """The customer's saved payments, by name, with the accounts they pay from (closed ones left out)."""
    return _payment_templates(router.db_for_read(PaymentTemplate)).all(owner=account.pk)


@lru_cache(maxsize=8)
def _payment_templates(alias: str) -> Select[PaymentTemplate]:
    """Compiled once per database (``core.compiled``): the overview, the customers' most visited page, lists them."""
    slots = Slots(owner=int)
    templates = PaymentTemplate.objects.filter(owner=slots["owner"], payer__is_closed=False)
    return Select(templates.select_related("payer").order_by("name"), alias=alias, slots=slots)


def payment_template(*, account: Account, template_id: int) -> PaymentTemplate:
    """One of the customer's templates; someone else's raises ``DoesNotExist``."""
    return PaymentTemplate.objects.select_related("payer").get(pk=template_id, owner=account)


def payment_challenge(*, account: Account, challenge_id: int) -> PaymentChallenge:
    """A payment of the customer's waiting for its code; someone else's raises ``DoesNotExist``."""
    return PaymentChallenge.objects.select_related("payer", "payee__owner__client").get(
        pk=challenge_id, initiated_by=account
    )
