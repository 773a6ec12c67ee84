"""The ledger's news for the apps above it (banking imports none of them): money arrived on a bank account."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

from banking.models import Receipt

logger = logging.getLogger(__name__)

# Sent inside the transaction that credits a bank account, once its receipts are written, so that what a
# receiver writes (an e-mail put in the outbox) commits with the credit or not at all, in the same commit.
# Argument: receipt, the credit receipt as written (its bank_account the credited row, locked and current; its
# transfer None for a deposit from outside the bank), so that a receiver need not read it back.
# Receivers leave anything outside the database (sending, enqueueing elsewhere) to transaction.on_commit.
money_arrived = Signal()


def announce_credit(*, receipt: Receipt) -> None:
    """Run the receivers in a savepoint: a receiver that fails has its writes undone and is logged, and the
    credit goes on (on PostgreSQL a failed statement would otherwise abort the whole payment)."""
    try:
        with transaction.atomic():
            money_arrived.send(sender=None, receipt=receipt)
    except Exception:
        logger.exception("A receiver of money_arrived failed for receipt %s", receipt.pk)
