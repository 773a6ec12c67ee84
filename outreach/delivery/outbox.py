"""The outbox: claim deliveries, hand them to their channel, record the outcome; never send one twice.

A worker claims a batch (status "sending", one claim token, ``claimed_until``) in one short transaction,
then sends the batch in id order over one connection, recording each outcome in one committed statement
right after the send (on SQLite written without waiting for the disk: ``durability``); the messages' statuses
and their audit follow in one transaction per batch.
If the worker dies, its claim expires: of the rows still "sending" under that token, the first (lowest
id) may have reached the server before the worker died, so it is failed with that reason for a person to
check and retry, never re-sent blindly; the others were not tried and wait again.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from outreach.delivery.consent import refusals
from outreach.delivery.durability import claim_mark, lost_on_restart, outcomes_survive_the_process
from outreach.delivery.email import EmailChannel
from outreach.delivery.errors import DeliveryFailure, PermanentFailure, TemporaryFailure
from outreach.delivery.preferences import switched_off
from outreach.delivery.sms import FileSmsChannel, SmscChannel, sms_channel
from outreach.delivery.status import sync_messages, sync_stale_messages
from outreach.models import Delivery, DeliveryChannel, DeliveryStatus, Message, Notification, NotificationKind
from outreach.transactional import is_payment_code

BATCH = 50
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


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
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}{claim_mark()}"


def more_due_than(count: int, candidates: QuerySet[Delivery] | None = None, *, now: datetime | None = None) -> bool:
    """Whether more than ``count`` of these rows (by default: of all rows) wait to be sent now."""
    due = (Delivery.objects.all() if candidates is None else candidates).filter(
        status=DeliveryStatus.AWAIT, next_attempt_at__lte=now or timezone.now()
    )
    return len(due.values_list("pk", flat=True)[: count + 1]) > count


def _claim(candidates: QuerySet[Delivery], *, now: datetime, limit: int) -> list[Delivery]:
    token = _worker_token()
    if not more_due_than(0, candidates, now=now):
        return []  # nothing to claim: no write transaction (on SQLite it would queue for the write lock)
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
        .select_related("message", "message__client", "message__lead", "message__campaign", "notification")
        .order_by("pk")
    )


def _finish(delivery: Delivery, *, status: str, error: str = "", provider_id: str = "") -> bool:
    """Record one outcome in one statement, committed at once (autocommit) unless a caller's transaction holds
    it: a message the server accepted is marked before the next one goes, so a dead worker leaves at most the
    message it was handing over in doubt. The message's status follows per batch (``status.sync_messages``)."""
    now = timezone.now()
    fields = {"status": status, "claimed_by": "", "claimed_until": None, "last_error": error[:500]}
    if status == DeliveryStatus.SENT:
        fields.update(sent_at=now, finished_at=now, provider_id=provider_id[:100])
    elif status == DeliveryStatus.AWAIT:
        fields.update(next_attempt_at=now + retry_delay(delivery.attempts))
    else:
        fields.update(finished_at=now)
    done = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=delivery.claimed_by)
    return bool(done.update(**fields))


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


def _refusals(batch: list[Delivery]) -> dict[int, str]:
    """Why each message of the batch must not go (consent, do-not-call, opt-out), read once for the batch.
    A payment's code is no offer: consent is not asked."""
    return refusals(delivery.message for delivery in batch if delivery.message and not is_payment_code(delivery))


def _refusal(delivery: Delivery, refused: dict[int, str], unwanted: dict[int, str]) -> tuple[str, str]:
    """(status, reason) when this delivery must not go: consent for offers, the customer's settings for both."""
    if delivery.message_id in refused and not is_payment_code(delivery):
        return DeliveryStatus.REFUSED, refused[delivery.message_id]
    if delivery.pk in unwanted:
        return DeliveryStatus.SKIPPED, unwanted[delivery.pk]
    return "", ""


def _send_batch(batch: list[Delivery]) -> int:
    """Send a claimed batch in id order over one connection per channel; a channel that cannot be reached puts
    the rest of its rows back. The messages' statuses follow in one transaction at the end."""
    if not batch:
        return 0
    sent: list[Delivery] = []
    channels: dict[str, EmailChannel | SmscChannel | FileSmsChannel] = {}
    down: dict[str, TemporaryFailure] = {}
    refused, unwanted = _refusals(batch), switched_off(batch)
    try:
        with outcomes_survive_the_process():
            for delivery in batch:
                if delivery.channel in down:
                    _fail(delivery, down[delivery.channel])
                    continue
                status, reason = _refusal(delivery, refused, unwanted)
                if status:
                    _finish(delivery, status=status, error=reason)
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
                    if _finish(delivery, status=DeliveryStatus.SENT, provider_id=provider_id):
                        sent.append(delivery)
    finally:
        for channel in channels.values():
            channel.close()
        sync_messages(delivery.message_id for delivery in batch)
        forget_secrets(delivery.notification for delivery in sent if delivery.notification_id)
    return len(sent)


def forget_secrets(notifications) -> None:
    """A password-reset link is not kept in the database once its e-mail has gone."""
    ids = [notification.pk for notification in notifications if notification.kind == NotificationKind.PASSWORD_RESET]
    if ids:
        Notification.objects.filter(pk__in=ids).update(body=gettext("(The link is not kept once the e-mail has gone.)"))


def deliver(*, delivery_ids: list[int], limit: int = BATCH) -> int:
    """Send these deliveries if they are due and nobody has them; how many were sent."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send_batch(_claim(Delivery.objects.filter(pk__in=delivery_ids), now=timezone.now(), limit=limit))


def _in_doubt(*, restarted: bool) -> str:
    if restarted:
        return gettext(
            "The worker's computer restarted while it was sending this batch; this message may have gone. "
            "Check with the recipient before you retry."
        )
    return gettext(
        "The worker stopped while handing this message over; it may have gone. "
        "Check with the recipient before you retry."
    )


def recover_abandoned(*, now: datetime | None = None) -> int:
    """Rows whose worker died mid-batch: the one it may have been sending fails for a person to check, the
    rest wait again; after a restart of its machine, all of them fail (``durability``). How many rows were
    recovered."""
    now = now or timezone.now()
    tokens = set(
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_until__lt=now).values_list(
            "claimed_by", flat=True
        )
    )
    recovered = 0
    for token in tokens:
        with transaction.atomic():
            held = list(
                Delivery.objects.filter(
                    status=DeliveryStatus.SENDING, claimed_by=token, claimed_until__lt=now
                ).order_by("pk")
            )
            restarted = lost_on_restart(token)
            in_doubt = held if restarted else held[:1]
            recovered += Delivery.objects.filter(pk__in=[row.pk for row in held[len(in_doubt) :]]).update(
                status=DeliveryStatus.AWAIT, claimed_by="", claimed_until=None, attempts=F("attempts") - 1
            )
            for row in in_doubt:
                _finish(row, status=DeliveryStatus.FAILED, error=_in_doubt(restarted=restarted))
            recovered += len(in_doubt)
            sync_messages(row.message_id for row in held)
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
    """Recover abandoned claims, bring up to date the messages of a worker that died after sending, then send
    what is due."""
    recover_abandoned(now=now)
    sync_stale_messages()
    return send_due(now=now, limit=limit)


def deliver_due_now() -> None:
    """The periodic job."""
    deliver_due()
