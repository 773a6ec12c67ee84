"""Reversal (storno) of a transfer by back office, with maker–checker.

One staff member proposes the reversal with a reason; a different one approves it. The original transfer is
never edited: approval writes an opposite transfer (from the payee back to the payer), so both statements
show an opposite receipt linked to the reversal. When the payee's balance no longer covers the amount, the
approval records the reversal as a claim on the payee instead, and no money moves. A transfer has one
reversal at most (a unique key), and every step is in the audit trail.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from banking.ledger import post_transfer
from banking.models import BankAccount, Exchange, Reversal, ReversalStatus, Transfer
from banking.services import AccountClosed, PaymentError
from core.money import money

REASON_MAX_LENGTH = 500
# Reversing transfers get keys derived from their reversal, so the same reversal can never be paid twice.
_REVERSAL_KEYS = uuid.UUID("5d0c4c36-6c1e-4b7a-9a43-0d8f3c1f6e27")


class ReversalError(PaymentError):
    """A reversal was refused; the message says why."""


class ReversalNotAllowed(ReversalError):
    pass


class CannotReverse(ReversalError):
    pass


class ReversalAlreadyProposed(ReversalError):
    pass


class ReversalAlreadyDecided(ReversalError):
    pass


class MakerCannotApprove(ReversalError):
    pass


def propose_reversal(*, transfer_id: int, reason: str, proposed_by: Account) -> Reversal:
    """Propose reversing a transfer; nothing moves until someone else approves."""
    if not proposed_by.has_perm("banking.propose_reversal"):
        raise ReversalNotAllowed(_("You may not propose reversals."))
    reason = " ".join(reason.split())
    if not reason:
        raise CannotReverse(_("Give the reason for the reversal."))
    if len(reason) > REASON_MAX_LENGTH:
        raise CannotReverse(_("The reason is too long (at most 500 characters)."))
    with transaction.atomic():
        original = Transfer.objects.select_related("payer").filter(pk=transfer_id).first()
        if original is None:
            raise CannotReverse(_("There is no transfer No. %(number)s.") % {"number": transfer_id})
        if Reversal.objects.filter(reversing_transfer=original).exists():
            raise CannotReverse(_("This transfer is itself a reversal; it cannot be reversed."))
        if Exchange.objects.filter(Q(sold_leg=original) | Q(bought_leg=original)).exists():
            raise CannotReverse(_("This transfer is one leg of a currency exchange; it cannot be reversed alone."))
        try:
            with transaction.atomic():
                reversal = Reversal.objects.create(original=original, reason=reason, proposed_by=proposed_by)
        except IntegrityError:
            raise ReversalAlreadyProposed(
                _("Transfer No. %(number)s already has a reversal.") % {"number": transfer_id}
            ) from None
        record_event(
            actor=proposed_by,
            action=AuditAction.REVERSAL_PROPOSE,
            target=reversal,
            summary=f"reversal of transfer #{original.pk} ({original.amount} {original.payer.currency}) "
            f"proposed: {reason}",
        )
    return reversal


def approve_reversal(*, reversal_id: int, approved_by: Account) -> Reversal:
    """Approve a reversal proposed by someone else: the money goes back, or the reversal becomes a claim.

    The reversal's row is locked first, so of two approvals at once one decides and the other is refused;
    then the two accounts, in the order of their primary keys, like a payment's.
    """
    if not approved_by.has_perm("banking.approve_reversal"):
        raise ReversalNotAllowed(_("You may not approve reversals."))
    with transaction.atomic():
        reversal = Reversal.objects.select_for_update().filter(pk=reversal_id).first()
        if reversal is None:
            raise ReversalError(_("There is no such reversal."))
        if reversal.status != ReversalStatus.PROPOSED:
            raise ReversalAlreadyDecided(_("This reversal has already been decided."))
        if reversal.proposed_by_id == approved_by.pk:
            raise MakerCannotApprove(_("A reversal is approved by someone other than the person who proposed it."))
        original = reversal.original
        locked = {
            row.pk: row
            for row in BankAccount.objects.select_for_update()
            .filter(pk__in=[original.payer_id, original.payee_id])
            .order_by("pk")
        }
        payer, payee = locked[original.payer_id], locked[original.payee_id]
        for bank_account in (payer, payee):
            if bank_account.is_closed:
                raise AccountClosed(_("Account %(number)s is closed.") % {"number": bank_account.number})
        reversal.decided_by, reversal.decided_at = approved_by, timezone.now()
        amount = money(original.amount, payer.currency)
        if payee.balance < original.amount:
            reversal.status = ReversalStatus.CLAIM
            reversal.save(update_fields=["status", "decided_by", "decided_at"])
            record_event(
                actor=approved_by,
                action=AuditAction.REVERSAL_DECIDE,
                target=reversal,
                summary=f"reversal of transfer #{original.pk} approved as a claim: the payee's balance "
                f"{payee.balance} is below {original.amount}",
            )
            return reversal
        description = _("Reversal of payment No. %(number)s of %(date)s, %(amount)s: %(reason)s") % {
            "number": original.pk,
            "date": timezone.localtime(original.created_at).strftime("%d.%m.%Y"),
            "amount": amount,
            "reason": reversal.reason,
        }
        reversal.reversing_transfer = post_transfer(
            payer=payee,
            payee=payer,
            amount=original.amount,
            initiated_by=approved_by,
            idempotency_key=uuid.uuid5(_REVERSAL_KEYS, str(reversal.pk)),
            comment=description,
            payer_description=description,
            payee_description=description,
        )
        reversal.status = ReversalStatus.REVERSED
        reversal.save(update_fields=["status", "decided_by", "decided_at", "reversing_transfer"])
        record_event(
            actor=approved_by,
            action=AuditAction.REVERSAL_DECIDE,
            target=reversal,
            summary=f"transfer #{original.pk} reversed by transfer #{reversal.reversing_transfer.pk}",
        )
    return reversal
