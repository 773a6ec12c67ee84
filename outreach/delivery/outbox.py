"""The outbox: claim deliveries, hand them to their channel, record the outcome; never send one twice.

A worker claims a batch (status "sending", one claim token, ``claimed_until``) in one short transaction,
then sends the batch in id order, recording each outcome in its own transaction right after the send.
If the worker dies, its claim expires: of the rows still "sending" under that token, the first (lowest
id) may have reached the server before the worker died, so it is failed with that reason for a person to
check and retry, never re-sent blindly; the others were not tried and wait again.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from outreach.delivery.consent import refusal
from outreach.delivery.email import EmailChannel
from outreach.delivery.errors import DeliveryFailure, PermanentFailure, TemporaryFailure
from outreach.delivery.sms import FileSmsChannel, SmscChannel, sms_channel
from outreach.models import Delivery, DeliveryChannel, DeliveryStatus, Message, MessageStatus
from outreach.transactional import is_payment_code

BATCH = 20
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)
# Deliveries still "sending" are being delivered or will be delivered again.
LIVE = (DeliveryStatus.AWAIT, DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED)


def claim_lease() -> timedelta:
    """How long a worker may take over one batch before it is presumed dead (more than BATCH × timeouts)."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4… minutes after each failed attempt, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def create_deliveries(*, message: Message, email: str = "") -> list[Delivery]:
    """The outbox rows of a new message: e-mail to ``email`` or the recipient's address, otherwise SMS."""
    recipient = message.client or message.lead
    if email or recipient.email:
        channel, address = DeliveryChannel.EMAIL, email or recipient.email
    elif recipient.phone:
        channel, address = DeliveryChannel.SMS, recipient.phone
    else:
        return []
    return [
        Delivery.objects.create(
            message=message,
            channel=channel,
            address=address,
            idempotency_key=uuid.uuid4().hex,
            next_attempt_at=timezone.now(),
        )
    ]


def _worker_token() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _claim(candidates: QuerySet[Delivery], *, now: datetime, limit: int) -> list[Delivery]:
    token = _worker_token()
    with transaction.atomic():
        due = candidates.filter(status=DeliveryStatus.AWAIT, next_attempt_at__lte=now).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.AWAIT).update(
            status=DeliveryStatus.SENDING,
            claimed_by=token,
            claimed_until=now + claim_lease(),
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(claimed_by=token, status=DeliveryStatus.SENDING)
        .select_related("message", "message__client", "message__lead")
        .order_by("pk")
    )


def sync_message(message_id: int) -> None:
    """Message.status follows its deliveries, through the message's own rules (change_message_status)."""
    from outreach.services import MessageError, change_message_status  # services call the outbox, and back

    message = Message.objects.get(pk=message_id)
    statuses = set(Delivery.objects.filter(message_id=message_id).values_list("status", flat=True))
    if statuses & {DeliveryStatus.SENT, DeliveryStatus.DELIVERED}:
        wanted = MessageStatus.SENT
    elif statuses & {DeliveryStatus.AWAIT, DeliveryStatus.SENDING}:
        wanted = MessageStatus.AWAIT
    else:
        wanted = MessageStatus.FAILED
    if message.status != wanted and not (
        message.status in (MessageStatus.DELIVERED, MessageStatus.READ) and wanted == MessageStatus.SENT
    ):
        with contextlib.suppress(MessageError):  # a message marked sent by hand stays sent: its own rules win
            change_message_status(message=message, status=wanted)


def _finish(delivery: Delivery, *, status: str, error: str = "", provider_id: str = "") -> None:
    now = timezone.now()
    with transaction.atomic():
        done = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=delivery.claimed_by)
        fields = {"status": status, "claimed_by": "", "claimed_until": None, "last_error": error[:500]}
        if status == DeliveryStatus.SENT:
            fields.update(sent_at=now, finished_at=now, provider_id=provider_id[:100])
        elif status == DeliveryStatus.AWAIT:
            fields.update(next_attempt_at=now + retry_delay(delivery.attempts))
        else:
            fields.update(finished_at=now)
        if done.update(**fields):
            sync_message(delivery.message_id)


def _fail(delivery: Delivery, failure: DeliveryFailure) -> None:
    reason = str(failure)
    if isinstance(failure, TemporaryFailure) and delivery.attempts < MAX_ATTEMPTS:
        _finish(delivery, status=DeliveryStatus.AWAIT, error=reason)
    else:
        if isinstance(failure, TemporaryFailure):
            reason = gettext("Gave up after %(count)d attempts. %(reason)s") % {
                "count": delivery.attempts,
                "reason": reason,
            }
        _finish(delivery, status=DeliveryStatus.FAILED, error=reason)


def _open_channel(channel: str) -> EmailChannel | SmscChannel | FileSmsChannel:
    return EmailChannel() if channel == DeliveryChannel.EMAIL else sms_channel()


def _send_batch(batch: list[Delivery]) -> int:
    """Send a claimed batch in id order; a channel that cannot be reached puts the rest of its rows back."""
    sent = 0
    channels: dict[str, EmailChannel | SmscChannel | FileSmsChannel] = {}
    down: dict[str, TemporaryFailure] = {}
    try:
        for delivery in batch:
            if delivery.channel in down:
                _fail(delivery, down[delivery.channel])
                continue
            refused = "" if is_payment_code(delivery) else refusal(delivery.message)
            if refused:
                _finish(delivery, status=DeliveryStatus.REFUSED, error=refused)
                continue
            if delivery.channel not in channels:
                channels[delivery.channel] = _open_channel(delivery.channel)
            try:
                provider_id = channels[delivery.channel].send(delivery)
            except TemporaryFailure as failure:
                down[delivery.channel] = failure
                _fail(delivery, failure)
            except PermanentFailure as failure:
                _fail(delivery, failure)
            else:
                _finish(delivery, status=DeliveryStatus.SENT, provider_id=provider_id)
                sent += 1
    finally:
        for channel in channels.values():
            channel.close()
    return sent


def deliver(*, delivery_ids: list[int], limit: int = BATCH) -> int:
    """Send these deliveries if they are due and nobody has them; how many were sent."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send_batch(_claim(Delivery.objects.filter(pk__in=delivery_ids), now=timezone.now(), limit=limit))


def recover_abandoned(*, now: datetime | None = None) -> int:
    """Rows whose worker died mid-batch: the one it may have been sending fails for a person to check, the
    rest wait again. How many rows were recovered."""
    now = now or timezone.now()
    tokens = set(
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_until__lt=now).values_list(
            "claimed_by", flat=True
        )
    )
    recovered = 0
    for token in tokens:
        with transaction.atomic():
            rows = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_by=token, claimed_until__lt=now)
            first = rows.order_by("pk").select_related("message").first()
            if first is None:
                continue
            recovered += rows.exclude(pk=first.pk).update(
                status=DeliveryStatus.AWAIT, claimed_by="", claimed_until=None, attempts=F("attempts") - 1
            )
            message_ids = set(rows.values_list("message_id", flat=True)) | {first.message_id}
            _finish(
                first,
                status=DeliveryStatus.FAILED,
                error=gettext(
                    "The worker stopped while handing this message over; it may have gone. "
                    "Check with the recipient before you retry."
                ),
            )
            recovered += 1
            for message_id in message_ids:
                sync_message(message_id)
    return recovered


def send_due(*, now: datetime | None = None, limit: int = 10 * BATCH) -> int:
    """Send what is due (new messages, and retries after their back-off), batch by batch; how many were sent."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        while limit > 0:
            batch = _claim(Delivery.objects.all(), now=now or timezone.now(), limit=min(BATCH, limit))
            if not batch:
                break
            sent += _send_batch(batch)
            limit -= len(batch)
    return sent


def deliver_due(*, now: datetime | None = None, limit: int = 10 * BATCH) -> int:
    """Recover abandoned claims, then send what is due."""
    recover_abandoned(now=now)
    return send_due(now=now, limit=limit)


def deliver_due_now() -> None:
    """The periodic job."""
    deliver_due()
