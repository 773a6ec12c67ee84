"""Password-reset e-mails for customers: how often one may be asked for, and the e-mail through the outbox.

Django's own views make and check the one-time link (``PasswordResetView`` and the rest, in ``portal``);
this module limits the requests per address and per IP address, whether the address is known or not, so
that neither the answer nor the limit tells anyone which addresses are customers'.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from outreach.models import Notification, NotificationKind, PasswordResetRequest
from outreach.notifications import notify

WINDOW = timedelta(hours=1)


def _digest(address: str) -> str:
    return hashlib.sha256(address.strip().casefold().encode()).hexdigest()


def request_allowed(*, address: str, ip_address: str) -> bool:
    """Count this request for the address and the IP address; False (and not counted) past either limit."""
    since, digest = timezone.now() - WINDOW, _digest(address)
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        if (
            recent.filter(address_digest=digest).count() >= settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
            or recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESET_PER_IP_PER_HOUR
        ):
            return False
        PasswordResetRequest.objects.create(address_digest=digest, ip_address=ip_address)
    return True


def purge_old_requests() -> None:
    """The periodic job: requests older than the window count for nothing any more."""
    PasswordResetRequest.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()


def customers_with_address(address: str):
    """The active customers' logins that an address resets (the client's e-mail, in any letter case)."""
    return Account.objects.filter(Q(client__email__iexact=address.strip()), is_active=True).select_related("client")


def queue_reset_email(*, account: Account, subject: str, body: str) -> Notification | None:
    """The e-mail with the link, through the outbox; its text is wiped once it has gone (``outbox.forget_secrets``)."""
    return notify(
        account=account,
        kind=NotificationKind.PASSWORD_RESET,
        key=f"password:{uuid.uuid4().hex}",
        subject=subject,
        body=body,
    )
