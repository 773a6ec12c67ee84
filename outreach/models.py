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
