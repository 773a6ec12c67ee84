"""Whether a sent SMS reached the phone: SMSC.ru's status API (``/sys/status.php``), asked by the periodic job
``outreach.sms_statuses`` for the SMS sent in the last three days, each at most every five minutes.

SMSC.ru answers ``{"status": N, "last_date": "…", "last_timestamp": …}`` (fmt=3), or ``{"error": "…",
"error_code": N}``. Status -3 the message is not found, -1 it waits to be sent, 0 the operator has it, 1 delivered,
2 read, 4 its link opened; 3 expired, 20 cannot be delivered, 22 wrong number, 23 forbidden, 24 not enough money,
25 the number is unavailable. An e-mail has no such answer: "sent" is as far as it goes (the relay took it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from outreach.delivery.status import sync_messages
from outreach.models import Delivery, DeliveryChannel, DeliveryStatus

ASK_FOR = timedelta(days=3)
ASK_EVERY = timedelta(minutes=5)
REACHED = {1, 2, 4}
LOST = {3, 20, 22, 23, 24, 25}


def sms_to_check(*, now: datetime, limit: int) -> list[Delivery]:
    """Sent SMS younger than ``ASK_FOR``, not asked about in the last ``ASK_EVERY``, the longest unasked first."""
    return list(
        Delivery.objects.filter(channel=DeliveryChannel.SMS, status=DeliveryStatus.SENT, sent_at__gte=now - ASK_FOR)
        .filter(Q(status_checked_at__isnull=True) | Q(status_checked_at__lte=now - ASK_EVERY))
        .order_by(F("status_checked_at").asc(nulls_first=True), "pk")[:limit]
    )


def ask_status(session: requests.Session, delivery: Delivery) -> dict | None:
    """The provider's answer about one SMS, or None when it cannot be reached or answers nonsense (ask later)."""
    form = {
        "login": settings.SMSC_LOGIN,
        "psw": settings.SMSC_PASSWORD,
        "phone": delivery.address,
        "id": delivery.provider_id or str(delivery.pk),
        "fmt": "3",
        "charset": "utf-8",
    }
    try:
        response = session.post(f"{settings.SMSC_URL}/sys/status.php", data=form, timeout=10)
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def check_sms_statuses(*, now: datetime | None = None, limit: int = 200) -> int:
    """Move sent SMS to delivered or failed as the provider says; how many moved. Nothing to ask in the demo."""
    if settings.SMS_BACKEND != "smsc":
        return 0
    now = now or timezone.now()
    moved, message_ids = 0, []
    with requests.Session() as session:
        for delivery in sms_to_check(now=now, limit=limit):
            answer = ask_status(session, delivery)
            if answer is None:
                break  # the provider is away: every row waits for the next run
            rows = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENT)
            code = answer.get("status")
            if code in REACHED:
                moved += rows.update(status=DeliveryStatus.DELIVERED, status_checked_at=now, finished_at=now)
            elif code in LOST:
                reason = gettext("The SMS did not reach the phone: status %(code)s from the provider.") % {"code": code}
                moved += rows.update(status=DeliveryStatus.FAILED, status_checked_at=now, last_error=reason)
            else:  # still on its way, unknown to the provider, or an error about our request: ask again later
                rows.update(status_checked_at=now)
                continue
            message_ids.append(delivery.message_id)
    sync_messages(message_ids)
    return moved
