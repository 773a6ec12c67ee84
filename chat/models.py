"""Live chat between a customer and a chat agent, kept in the database so nothing is lost."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 4000


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for an agent")
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class Conversation(models.Model):
    Status = ConversationStatus

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="conversations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_conversations",
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ConversationStatus.choices, default=ConversationStatus.WAITING
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_message_seq = models.PositiveIntegerField(
        _("last message number"),
        default=0,
        editable=False,
        help_text=_("The number of the conversation's latest message; the next one gets the number after it."),
    )
    rating = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("customer's rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rated_conversations",
        help_text=_("The survey the customer filled in after the conversation closed."),
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="conversation_queue"),
            models.Index(fields=["agent", "status"], name="conversation_agent_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ConversationStatus.values), name="conversation_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(agent__isnull=False), name="conversation_active_has_agent"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="conversation_closed_has_time"
            ),
            models.CheckConstraint(condition=~Q(customer=models.F("agent")), name="conversation_agent_not_customer"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(status="closed"), name="conversation_rated_when_closed"
            ),
            # A filtered unique index (SQL Server allows many NULLs only that way): one survey rates one conversation.
            models.UniqueConstraint(
                fields=["rating"], condition=Q(rating__isnull=False), name="conversation_rating_once"
            ),
        ]

    def __str__(self) -> str:
        return self.topic or f"#{self.pk}"


class ChatMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="chat_messages"
    )
    client_message_id = models.CharField(
        _("sender's message id"),
        max_length=64,
        help_text=_("Chosen by the sender, so that a resent message is stored once."),
    )
    seq = models.PositiveIntegerField(
        _("number in the conversation"),
        editable=False,
        help_text=_("1, 2, 3… without gaps within a conversation, so a client can tell which messages it missed."),
    )
    text = models.CharField(_("text"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_message_id"], name="chat_message_sent_once"
            ),
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_once"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="chat_message_seq_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="chat_message_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:50]
