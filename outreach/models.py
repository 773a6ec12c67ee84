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


# Where a message may go next: waiting → sent or failed; sent → delivered, read or failed;
# delivered → read; a failed one may be queued again. "Read" is final.
MESSAGE_FLOW = {
    MessageStatus.AWAIT: {MessageStatus.SENT, MessageStatus.FAILED},
    MessageStatus.SENT: {MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED},
    MessageStatus.DELIVERED: {MessageStatus.READ},
    MessageStatus.FAILED: {MessageStatus.AWAIT},
    MessageStatus.READ: set(),
}


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
    SKIPPED = "skipped", _("not sent: switched off by the customer")
    CANCELLED = "cancelled", _("cancelled")


class NotificationKind(models.TextChoices):
    MONEY_ARRIVED = "money_in", _("money arrived")
    CHAT_ANSWER = "chat", _("an answer in the chat")
    PASSWORD_RESET = "password", _("password reset")


class Notification(models.Model):
    """A service e-mail to a customer's login (money arrived, a chat answer, a password-reset link): not an offer,
    so the marketing opt-out does not stop it; the customer's notification settings do, where they apply.

    ``event_key`` names the event, so that one event never makes two notifications (a receipt, a conversation's answer).
    """

    Kind = NotificationKind

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    event_key = models.CharField(_("event"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationSettings(models.Model):
    """Which e-mails a customer wants (all of them until they say otherwise on the website)."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    money_arrived = models.BooleanField(_("money arrived on my account"), default=True)
    personal_offers = models.BooleanField(_("a personal offer for me"), default=True)
    chat_answers = models.BooleanField(_("an answer in the chat while I am away"), default=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.account)


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, kept for an hour or so to limit requests per address and per IP.

    The address is kept as a SHA-256 digest (known or not, it is not stored in the clear).
    """

    address_digest = models.CharField(_("address digest"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["address_digest", "created_at"], name="reset_by_address"),
            models.Index(fields=["ip_address", "created_at"], name="reset_by_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"


class NewsAudience(models.TextChoices):
    ACCOUNT = "account", _("one login")
    ALL_CUSTOMERS = "all_customers", _("all customers")
    CAMPAIGN = "campaign", _("a campaign's customers")


class ScheduledNewsStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn before publication")
    FAILED = "failed", _("could not be published")


class ScheduledNews(models.Model):
    """News to be published at a later time; the periodic job publishes it once when it is due."""

    Status = ScheduledNewsStatus

    title = models.CharField(_("title"), max_length=NEWS_TITLE_MAX_LENGTH)
    body = models.TextField(_("text"))
    audience = models.CharField(_("audience"), max_length=15, choices=NewsAudience.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    publish_at = models.DateTimeField(_("publish at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_to = models.PositiveIntegerField(_("published to logins"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    last_error = models.CharField(_("why it was not published"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("scheduled news")
        verbose_name_plural = _("scheduled news")
        ordering = ["publish_at", "id"]
        indexes = [models.Index(fields=["status", "publish_at"], name="scheduled_news_due")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ScheduledNewsStatus.values), name="scheduled_news_status"),
            models.CheckConstraint(
                condition=Q(audience="account", account__isnull=False, campaign__isnull=True)
                | Q(audience="campaign", campaign__isnull=False, account__isnull=True)
                | Q(audience="all_customers", account__isnull=True, campaign__isnull=True),
                name="scheduled_news_audience",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="scheduled_news_published_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False), name="scheduled_news_withdrawn_at"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """The outbox: one personal message (or one notification) going out by one channel, with its attempts.

    A worker claims a row (status "sending", ``claimed_until``), hands the message to the mail server or
    the SMS provider with the row's idempotency key, and records the outcome in the same row.
    """

    Status = DeliveryStatus
    Channel = DeliveryChannel

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
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
    status_checked_at = models.DateTimeField(
        _("status asked"), null=True, blank=True, help_text=_("When the SMS provider was last asked how it went.")
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel"], condition=Q(message__isnull=False), name="delivery_once_per_channel"
            ),
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_notification_once",
            ),
            models.CheckConstraint(
                condition=Q(message__isnull=False, notification__isnull=True)
                | Q(message__isnull=True, notification__isnull=False),
                name="delivery_message_or_notification",
            ),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=DeliveryChannel.values), name="delivery_channel_valid"),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_until__isnull=False), name="delivery_sending_is_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message or self.notification} → {self.address} ({self.get_channel_display()})"


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
