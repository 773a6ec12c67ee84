"""Writing one transfer between two bank accounts that the caller has already locked and checked.

``banking.exchange`` and ``banking.reversal`` move money with it; the rules (whose accounts, enough money,
which rows are locked in which order) stay with them, and the database's CHECKs stay the last word.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import router
from django.utils import timezone

from accounts.models import Account
from banking import ledger_statements as statements
from banking.models import BankAccount, ReceiptKind, Transfer
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
    alias = router.db_for_write(Transfer)
    # Compiled once (banking.ledger_statements): the ORM built these statements slower than the database ran them.
    statements.set_balances(alias).execute(
        payer=payer.pk, payer_balance=payer.balance, payee=payee.pk, payee_balance=payee.balance
    )
    made = statements.insert_transfer(alias).create(
        payer_id=payer.pk,
        payee_id=payee.pk,
        amount=amount,
        comment=comment[:200],
        initiated_by_id=initiated_by.pk,
        idempotency_key=idempotency_key,
        created_at=timezone.now(),
    )
    made.payer, made.payee, made.initiated_by = payer, payee, initiated_by
    _debit, credit = statements.insert_receipts(alias).create(
        [
            _receipt(account=payer, transfer=made, kind=ReceiptKind.DEBIT, description=payer_description),
            _receipt(account=payee, transfer=made, kind=ReceiptKind.CREDIT, description=payee_description),
        ]
    )
    credit.bank_account, credit.transfer = payee, made  # what the receivers read, without a query
    announce_credit(receipt=credit)
    return made


def _receipt(*, account: BankAccount, transfer: Transfer, kind: ReceiptKind, description: str) -> dict[str, Any]:
    """One side of ``transfer``'s receipt: the account's balance after it."""
    return {
        "bank_account_id": account.pk,
        "transfer_id": transfer.pk,
        "kind": kind.value,
        "amount": transfer.amount,
        "balance_after": account.balance,
        "description": description[:255],
        "created_at": transfer.created_at,
    }
