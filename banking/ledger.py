"""Writing one transfer between two bank accounts that the caller has already locked and checked.

``banking.exchange`` and ``banking.reversal`` move money with it; the rules (whose accounts, enough money,
which rows are locked in which order) stay with them, and the database's CHECKs stay the last word.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from accounts.models import Account
from banking.models import BankAccount, Receipt, ReceiptKind, Transfer
from banking.signals import announce_credit


def post_transfer(
    *,
    payer: BankAccount,
    payee: BankAccount,
    amount: Decimal,
    initiated_by: Account,
    idempotency_key: uuid.UUID,
    comment: str,
    payer_description: str,
    payee_description: str,
) -> Transfer:
    """Debit ``payer`` and credit ``payee`` (two different rows, locked by the caller, so their balances are
    current), writing the transfer and both receipts; the objects are left with the new balances."""
    payer.balance -= amount
    payee.balance += amount
    # Two plain UPDATEs: bulk_update's CASE expression costs the payment more Python than a second statement.
    for account in (payer, payee):
        BankAccount.objects.filter(pk=account.pk).update(balance=account.balance)
    made = Transfer.objects.create(
        payer=payer,
        payee=payee,
        amount=amount,
        comment=comment[:200],
        initiated_by=initiated_by,
        idempotency_key=idempotency_key,
    )
    _debit, credit = Receipt.objects.bulk_create(
        [
            Receipt(
                bank_account=payer,
                transfer=made,
                kind=ReceiptKind.DEBIT,
                amount=amount,
                balance_after=payer.balance,
                description=payer_description[:255],
            ),
            Receipt(
                bank_account=payee,
                transfer=made,
                kind=ReceiptKind.CREDIT,
                amount=amount,
                balance_after=payee.balance,
                description=payee_description[:255],
            ),
        ]
    )
    announce_credit(receipt=credit)
    return made
