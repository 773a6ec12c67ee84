"""The ledger's news for the apps above it (banking imports none of them): money arrived on a bank account."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent once the transaction that credited a bank account has committed. Arguments: transfer_id (a transfer's
# credit) or receipt_id (a deposit from outside the bank), the other None. Receivers must not raise.
money_arrived = Signal()


def announce_credit(*, transfer_id: int | None = None, receipt_id: int | None = None) -> None:
    transaction.on_commit(
        lambda: money_arrived.send_robust(sender=None, transfer_id=transfer_id, receipt_id=receipt_id)
    )
