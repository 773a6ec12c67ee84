"""What the outbox sends for one-time payment codes: the text with the code, made only when it is sent.

The outbox keeps what it sends (``Message.body``), so the stored message says what the code is for and not the
code (``payment_purpose``): the code is made from the challenge (``banking.confirmation.one_time_code``) when
the SMS or the e-mail is rendered for sending (``payment_code_text``), and only there. A payment code's delivery
is named by the challenge's ``delivery_key`` (which starts with ``pay-``, never the start of the outbox's other
keys), so the outbox tells one from a personal message without a query. A code is not an offer: the customer's
opt-out from the bank's messages does not stop it. ``outreach.payment_codes`` puts the codes in the outbox.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from banking.confirmation import CODE_LIFETIME, DELIVERY_KEY_PREFIX, one_time_code, recipient_name
from banking.models import PaymentChallenge
from core.money import money
from outreach.delivery.errors import PermanentFailure
from outreach.models import Delivery


def payment_purpose(challenge: PaymentChallenge) -> str:
    """What the code confirms, without the code: kept in the outbox and shown among the customer's messages."""
    return gettext(
        "Payment to %(recipient)s of %(amount)s. The code is valid for %(minutes)d minutes. "
        "Do not tell it to anyone, not even to the bank's staff."
    ) % {
        "amount": money(challenge.amount, challenge.payer.currency),
        "recipient": recipient_name(challenge.payee),
        "minutes": CODE_LIFETIME.seconds // 60,
    }


def is_payment_code(delivery: Delivery) -> bool:
    return delivery.idempotency_key.startswith(DELIVERY_KEY_PREFIX)


def payment_code_text(delivery: Delivery) -> str | None:
    """The text of a payment code's SMS or e-mail, code included, made now; None for any other delivery.

    A code replaced by a newer one, used, or expired before it could go is not sent (``PermanentFailure``).
    """
    if not is_payment_code(delivery):
        return None
    challenge = (
        PaymentChallenge.objects.select_related("payer", "payee__owner__client")
        .filter(delivery_key=delivery.idempotency_key, confirmed_at__isnull=True)
        .first()
    )
    if challenge is None or challenge.tries_left <= 0:
        raise PermanentFailure(gettext("The payment was made or cancelled, or a newer code was sent."))
    if timezone.now() >= challenge.expires_at:
        raise PermanentFailure(gettext("The code expired before it could be sent."))
    return gettext("%(code)s is your payment confirmation code. %(purpose)s") % {
        "code": one_time_code(challenge),
        "purpose": payment_purpose(challenge),
    }
