"""Personal messages to clients and leads, and bank news published to customers' logins."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from campaigns.models import Campaign, Lead

SUBJECT_MAX_LENGTH = 200
NEWS_TITLE_MAX_LENGTH = 200


def news_digest(*, title: str, body: str) -> str:
    """The identity of a piece of news: the same title and text make the same news."""
    return hashlib.sha256(f"{title.strip()}\n{body.strip()}".encode()).hexdigest()



class MessageStatus(models.TextChoices):
    AWAIT = "await", _("waiting to be sent")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")
    FAILED = "failed", _("failed")



class Message(models.Model):
    """A personal message (an offer) to a client or to a lead; it waits in "await" until sent."""

    Status = MessageStatus

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AWAIT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_messages",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, lead__isnull=True) | Q(client__isnull=True, lead__isnull=False),
                name="message_to_client_or_lead",
                violation_error_message=_("Choose one recipient: a client or a lead."),
            ),
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="message_status_valid"),
        ]

    def __str__(self) -> str:
        return self.subject


class News(models.Model):
    """A piece of bank news published to one account; the digest keeps it from being published twice."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="news"
    )
    title = models.CharField(_("title"), max_length=NEWS_TITLE_MAX_LENGTH)
    body = models.TextField(_("text"))
    digest = models.CharField(_("digest"), max_length=64, editable=False, help_text=_("SHA-256 of title and text."))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "digest"], name="news_once_per_account"),
            models.CheckConstraint(condition=Exact(Length("digest"), 64), name="news_digest_is_sha256"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.digest = news_digest(title=self.title, body=self.body)
        super().save(*args, **kwargs)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    AWAIT = "await", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    REFUSED = "refused", _("refused by the recipient")
    CANCELLED = "cancelled", _("cancelled")


class Delivery(models.Model):
    """The outbox: one personal message going out by one channel, with its attempts and their outcome.

    A worker claims a row (status "sending", ``claimed_until``), hands the message to the mail server or
    the SMS provider with the row's idempotency key, and records the outcome in the same row.
    """

    Status = DeliveryStatus
    Channel = DeliveryChannel

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, help_text=_("E-mail address or phone number."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AWAIT)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Set by outreach.delivery.outbox (a random UUID); no database default, so that sql/schema.sql stays stable.
    idempotency_key = models.CharField(_("idempotency key"), max_length=32, unique=True, editable=False)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_by = models.CharField(_("worker process"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=DeliveryChannel.values), name="delivery_channel_valid"),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_until__isnull=False), name="delivery_sending_is_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.address} ({self.get_channel_display()})"


class OptOut(models.Model):
    """A client or a lead who asked for no more messages from the bank (by the link in an e-mail, say)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, null=True, blank=True, related_name="opt_outs"
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, null=True, blank=True, related_name="opt_outs"
    )
    source = models.CharField(_("how"), max_length=50)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, lead__isnull=True) | Q(client__isnull=True, lead__isnull=False),
                name="opt_out_client_or_lead",
            ),
            models.UniqueConstraint(fields=["client"], condition=Q(client__isnull=False), name="opt_out_client_once"),
            models.UniqueConstraint(fields=["lead"], condition=Q(lead__isnull=False), name="opt_out_lead_once"),
        ]

    def __str__(self) -> str:
        return str(self.client or self.lead)
