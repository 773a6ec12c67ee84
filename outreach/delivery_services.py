"""The back office's and the recipients' writes on the outbox: retry or cancel a delivery, opt out of messages."""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account, Client
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import ConsentSource, ContactChannel, Lead
from campaigns.services import withdraw_consent
from outreach.delivery.consent import read_unsubscribe_token
from outreach.delivery.status import sync_message
from outreach.models import (
    Delivery,
    DeliveryStatus,
    OptOut,
)
from outreach.services import OutreachError, send_after_commit


class DeliveryError(OutreachError):
    pass


def retry_delivery(*, delivery_id: int, actor: Account | None = None) -> Delivery:
    """Send a failed or cancelled delivery again, now; its message waits again."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
            raise DeliveryError(
                gettext("Only a failed or cancelled delivery can be retried; this one is %(status)s.")
                % {"status": delivery.get_status_display()}
            )
        delivery.status, delivery.next_attempt_at = DeliveryStatus.AWAIT, timezone.now()
        delivery.finished_at = None
        delivery.save(update_fields=["status", "next_attempt_at", "finished_at"])
        sync_message(delivery.message_id)
        record_event(actor=actor, action=AuditAction.ADMIN_CHANGE, target=delivery, summary=f"retry {delivery.address}")
        send_after_commit([delivery])
    return delivery


def cancel_delivery(*, delivery_id: int, actor: Account | None = None) -> Delivery:
    """Stop a delivery that has not gone yet (waiting, or failed); a message being sent now cannot be stopped."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status not in (DeliveryStatus.AWAIT, DeliveryStatus.FAILED):
            raise DeliveryError(
                gettext("Only a waiting or failed delivery can be cancelled; this one is %(status)s.")
                % {"status": delivery.get_status_display()}
            )
        delivery.status, delivery.finished_at = DeliveryStatus.CANCELLED, timezone.now()
        delivery.save(update_fields=["status", "finished_at"])
        sync_message(delivery.message_id)
        record_event(
            actor=actor, action=AuditAction.ADMIN_CHANGE, target=delivery, summary=f"cancel {delivery.address}"
        )
    return delivery


def unsubscribe(*, token: str, source: str = "unsubscribe link") -> OptOut:
    """The recipient named by a signed link asks for no more messages; asking twice changes nothing.

    Their consent to advertising by e-mail is withdrawn too (the link came by e-mail). Raises
    ``DeliveryError`` for a link the bank did not make, or one whose recipient is gone.
    """
    try:
        who = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise DeliveryError(gettext("This unsubscribe link is damaged. Copy the whole link from the e-mail.")) from None
    with transaction.atomic():
        opt_out = _opt_out(client_id=who.get("client"), lead_id=who.get("lead"), source=source, actor=None)
        person = opt_out.client or opt_out.lead
        if person is not None and person.email:
            withdraw_consent(
                channel=ContactChannel.EMAIL,
                address=person.email,
                source=ConsentSource.UNSUBSCRIBE_LINK,
                client=opt_out.client,
            )
    return opt_out


def record_opt_out(*, client: Client | None, lead: Lead | None, source: str, actor: Account | None) -> OptOut:
    """The back office records that a client or a lead asked for no more messages (by phone, in a branch)."""
    if (client is None) == (lead is None):
        raise DeliveryError(gettext("Choose one: the client or the lead who asked for no more messages."))
    source = source.strip()
    if not source:
        raise DeliveryError(gettext("Say how they asked (a call, a letter, in a branch)."))
    return _opt_out(
        client_id=client.pk if client else None, lead_id=lead.pk if lead else None, source=source, actor=actor
    )


def _opt_out(*, client_id: int | None, lead_id: int | None, source: str, actor: Account | None) -> OptOut:
    """Asking twice changes nothing; every new opt-out is audited."""
    recipient = {"client_id": client_id, "lead_id": lead_id}
    with transaction.atomic():
        try:
            with transaction.atomic():
                opt_out, created = OptOut.objects.get_or_create(**recipient, defaults={"source": source})
        except IntegrityError:  # the recipient was deleted, or asked twice at the same moment
            found = OptOut.objects.filter(**recipient).first()
            if found is None:
                raise DeliveryError(gettext("This unsubscribe link is no longer valid.")) from None
            opt_out, created = found, False
        if created:
            record_event(actor=actor, action=AuditAction.OPT_OUT, target=opt_out, summary=f"{opt_out} ({source})")
    return opt_out
