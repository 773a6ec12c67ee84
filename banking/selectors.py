"""Reads of the ledger for its owners: their bank accounts, statements and receipts.

A row of someone else raises ``DoesNotExist`` (the views turn it into 404, so an id changed in the URL
reveals nothing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from banking.models import BankAccount, Exchange, PaymentChallenge, PaymentTemplate, Receipt, ReceiptKind


def customer_bank_accounts(*, account: Account) -> list[BankAccount]:
    """Every bank account of the customer, open ones first, by currency."""
    return list(BankAccount.objects.filter(owner=account).order_by("is_closed", "currency", "number"))


def latest_receipts(*, account: Account, limit: int) -> list[Receipt]:
    """The newest operations over all of the customer's bank accounts."""
    return list(
        Receipt.objects.filter(bank_account__owner=account)
        .select_related("bank_account")
        .order_by("-created_at", "-id")[:limit]
    )


def payable_bank_accounts(*, account: Account) -> list[BankAccount]:
    """The customer's own open accounts, which a payment may be made from."""
    return list(BankAccount.objects.filter(owner=account, is_closed=False).order_by("currency", "number"))


@dataclass(frozen=True)
class Statement:
    bank_account: BankAccount
    receipts: QuerySet[Receipt]


def account_statement(
    *,
    account: Account,
    bank_account_id: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Statement:
    """One of the customer's bank accounts with its receipts between two dates (inclusive, local time)."""
    bank_account = BankAccount.objects.get(pk=bank_account_id, owner=account)
    receipts = Receipt.objects.filter(bank_account=bank_account).select_related("transfer")
    if date_from is not None:
        receipts = receipts.filter(created_at__gte=_start_of_day(date_from))
    if date_to is not None:
        receipts = receipts.filter(created_at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    return Statement(bank_account=bank_account, receipts=receipts.order_by("-created_at", "-id"))


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
    return list(
        PaymentTemplate.objects.filter(owner=account, payer__is_closed=False).select_related("payer").order_by("name")
    )


def payment_template(*, account: Account, template_id: int) -> PaymentTemplate:
    """One of the customer's templates; someone else's raises ``DoesNotExist``."""
    return PaymentTemplate.objects.select_related("payer").get(pk=template_id, owner=account)


def payment_challenge(*, account: Account, challenge_id: int) -> PaymentChallenge:
    """A payment of the customer's waiting for its code; someone else's raises ``DoesNotExist``."""
    return PaymentChallenge.objects.select_related("payer", "payee__owner__client").get(
        pk=challenge_id, initiated_by=account
    )
