"""One-time payment codes into the outbox: SMS to the customer's phone, else e-mail (``outreach.transactional``
renders them with the code when they are sent)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Account
from banking.confirmation import renew_code, start_challenge
from banking.models import PaymentChallenge
from banking.services import PaymentError
from outreach.models import Delivery, DeliveryChannel, Message
from outreach.services import send_after_commit
from outreach.transactional import payment_purpose


def request_payment_code(
    *,
    initiated_by: Account,
    payer_number: str,
    recipient: str,
    amount: str | Decimal,
    idempotency_key: uuid.UUID,
    comment: str = "",
) -> PaymentChallenge:
    """The challenge of a payment that needs a code, with its code on the way (sent once per code)."""
    with transaction.atomic():
        challenge = start_challenge(
            initiated_by=initiated_by,
            payer_number=payer_number,
            recipient=recipient,
            amount=amount,
            idempotency_key=idempotency_key,
            comment=comment,
        )
        if not Delivery.objects.filter(idempotency_key=challenge.delivery_key).exists():
            _send(challenge)
    return challenge


def resend_payment_code(*, initiated_by: Account, challenge_id: int) -> PaymentChallenge:
    """A new code for the same payment, sent like the first; the earlier one stops working."""
    with transaction.atomic():
        challenge = renew_code(initiated_by=initiated_by, challenge_id=challenge_id)
        _send(challenge)
    return challenge


def _send(challenge: PaymentChallenge) -> None:
    client = challenge.initiated_by.client
    if client is None:  # only customers pay from the website; a login without a client has nobody to text
        raise PaymentError(gettext("Only the bank's customers can confirm payments with a code."))
    channel, address = (DeliveryChannel.SMS, client.phone) if client.phone else (DeliveryChannel.EMAIL, client.email)
    with translation.override(settings.LANGUAGE_CODE):
        message = Message.objects.create(
            client=client,
            subject=gettext("Payment confirmation code"),
            body=payment_purpose(challenge),
            written_by=None,
        )
    delivery = Delivery.objects.create(
        message=message,
        channel=channel,
        address=address,
        idempotency_key=challenge.delivery_key,
        next_attempt_at=timezone.now(),
    )
    send_after_commit([delivery])
