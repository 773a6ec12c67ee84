"""A message's status follows its deliveries, for a whole batch at once (one transaction, one audit INSERT)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_events
from outreach.models import MESSAGE_FLOW, Delivery, DeliveryStatus, Message, MessageStatus

WAITING = (DeliveryStatus.AWAIT, DeliveryStatus.SENDING)
# A delivery the customer switched off still leaves the message on the website, so it counts as sent.
REACHED = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED)


def wanted_status(statuses: set[str]) -> MessageStatus:
    if DeliveryStatus.DELIVERED in statuses:
        return MessageStatus.DELIVERED
    if statuses & set(REACHED):
        return MessageStatus.SENT
    if statuses & set(WAITING):
        return MessageStatus.AWAIT
    return MessageStatus.FAILED


def sync_messages(message_ids: Iterable[int | None]) -> int:
    """Move each message to what its deliveries say, along the message's own flow (a message marked read stays
    read; one failed by hand is not sent by itself); how many changed. Audited as the message's status change."""
    ids = {pk for pk in message_ids if pk}
    if not ids:
        return 0
    statuses: dict[int, set[str]] = defaultdict(set)
    with transaction.atomic():
        messages = list(
            Message.objects.select_for_update().filter(pk__in=ids).only("pk", "status", "subject", "sent_at")
        )
        for message_id, status in Delivery.objects.filter(message_id__in=ids).values_list("message_id", "status"):
            statuses[message_id].add(status)
        now, changed, events = timezone.now(), [], []
        for message in messages:
            previous, wanted = message.status, wanted_status(statuses[message.pk])
            if wanted == previous or wanted not in MESSAGE_FLOW[MessageStatus(previous)]:
                continue
            if previous == MessageStatus.DELIVERED and wanted == MessageStatus.SENT:
                continue
            message.status = wanted
            if wanted != MessageStatus.FAILED and message.sent_at is None:
                message.sent_at = now
            changed.append(message)
            events.append((message, f"“{message.subject}”: {previous} → {wanted}"))
        if changed:
            Message.objects.bulk_update(changed, ["status", "sent_at"])
            record_events(action=AuditAction.MESSAGE_STATUS, events=events)
    return len(changed)


def sync_message(message_id: int | None) -> None:
    sync_messages([message_id])


def sync_stale_messages(*, limit: int = 500) -> int:
    """Messages still waiting whose deliveries all ended (their worker died after sending, before the batch's
    status update): brought up to date by the periodic job."""
    stale = (
        Message.objects.filter(status=MessageStatus.AWAIT, deliveries__isnull=False)
        .exclude(deliveries__status__in=WAITING)
        .values_list("pk", flat=True)
        .distinct()[:limit]
    )
    return sync_messages(list(stale))
