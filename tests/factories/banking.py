"""Bank accounts and their money, made only through the payment services so that the ledger explains every balance."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from banking.exchange import fund_exchange_desk, set_exchange_rate
from banking.models import BankAccount, ExchangeRate, Receipt, Transfer
from banking.services import deposit, open_bank_account, transfer
from tests.factories.accounts import CustomerFactory


class BankAccountFactory(DjangoModelFactory):
    """An account opened by ``open_bank_account``; ``balance=`` arrives as one deposit (a "salary" receipt)."""

    class Meta:
        model = BankAccount

    owner = factory.SubFactory(CustomerFactory)
    currency = "RUB"
    balance = Decimal("0")

    @classmethod
    def _create(cls, model_class, *, owner, currency, balance):
        bank_account = open_bank_account(owner=owner, currency=currency)
        if Decimal(balance):
            deposit(bank_account=bank_account, amount=Decimal(balance), description="salary")
            bank_account.refresh_from_db()
        return bank_account


class ReceiptFactory(DjangoModelFactory):
    """Money arriving from outside the bank, through ``deposit``."""

    class Meta:
        model = Receipt

    bank_account = factory.SubFactory(BankAccountFactory)
    amount = Decimal("100.00")
    description = "salary"

    @classmethod
    def _create(cls, model_class, *, bank_account, amount, description):
        return deposit(bank_account=bank_account, amount=Decimal(amount), description=description)


class TransferFactory(DjangoModelFactory):
    """A payment made through ``transfer`` by the payer's owner, from a payer funded for it."""

    class Meta:
        model = Transfer

    amount = Decimal("10.00")
    payer = factory.SubFactory(BankAccountFactory, balance=factory.SelfAttribute("..amount"))
    payee = factory.SubFactory(BankAccountFactory, currency=factory.SelfAttribute("..payer.currency"))
    comment = ""

    @classmethod
    def _create(cls, model_class, *, payer, payee, amount, comment):
        return transfer(
            initiated_by=payer.owner,
            payer_number=payer.number,
            payee_number=payee.number,
            amount=Decimal(amount),
            idempotency_key=uuid.uuid4(),
            comment=comment,
        )


def usd_rub_desk(*, clerk, roubles: str | None = "100000") -> ExchangeRate:
    """The bank buys a dollar for 90.00 ₽ and sells one for 95.50 ₽ (in force since a minute ago); its exchange
    desk holds 1 000 $ and, unless ``roubles`` is None, that many roubles."""
    rate = set_exchange_rate(
        base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95.5"), set_by=clerk,
        valid_from=timezone.now() - datetime.timedelta(minutes=1),
    )  # fmt: skip
    fund_exchange_desk(currency="USD", amount=Decimal("1000"), funded_by=clerk)
    if roubles is not None:
        fund_exchange_desk(currency="RUB", amount=Decimal(roubles), funded_by=clerk)
    return rate
