"""Bank accounts and their money, made only through the payment services so that the ledger explains every balance."""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from banking.models import BankAccount, Receipt, Transfer
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
