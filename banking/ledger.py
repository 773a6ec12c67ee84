"""Writing one transfer between two bank accounts that the caller has already locked and checked.

``banking.exchange`` and ``banking.reversal`` move money with it; the rules (whose accounts, enough money,
which rows are locked in which order) stay with them, and the database's CHECKs stay the last word.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import router
from django.utils import timezone

from accounts.models import Account
from banking import ledger_statements as statements
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
    alias = router.db_for_write(Transfer)
    # Two plain UPDATEs, and a receipt per side, compiled once (banking.ledger_statements).
    for account in (payer, payee):
        statements.set_balance(alias).execute(account=account.pk, balance=account.balance)
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
    _write_receipt(alias, account=payer, transfer=made, kind=ReceiptKind.DEBIT, description=payer_description)
    credit = _write_receipt(alias, account=payee, transfer=made, kind=ReceiptKind.CREDIT, description=payee_description)
    announce_credit(receipt=credit)
    return made


def _write_receipt(
    alias: str, *, account: BankAccount, transfer: Transfer, kind: ReceiptKind, description: str
) -> Receipt:
    """One side of ``transfer``: the account's new balance after it; the receipt knows its account and transfer."""
    receipt = statements.insert_receipt(alias).create(
        bank_account_id=account.pk,
        transfer_id=transfer.pk,
        kind=kind.value,
        amount=transfer.amount,
        balance_after=account.balance,
        description=description[:255],
        created_at=transfer.created_at,
    )
    receipt.bank_account, receipt.transfer = account, transfer
    return receipt
