"""Live chat between a customer and a chat agent, kept in the database so nothing is lost."""

from django.conf import settings
from django.core.validators import RegexValidator
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
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned to the queue by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agent who last sent it back to the queue: it is not given to them automatically again."),
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


class Availability(models.TextChoices):
    ONLINE = "online", _("online")
    BUSY = "busy", _("busy")
    AWAY = "away", _("away")


DEFAULT_CAPACITY = 3
MAX_CAPACITY = 20


class AgentSettings(models.Model):
    """A chat agent's availability (set on the desk) and capacity (set by the back office). Only an online agent
    below their capacity is given waiting conversations; busy and away agents keep theirs but get no new ones."""

    Availability = Availability

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="chat_settings"
    )
    availability = models.CharField(
        _("availability"), max_length=6, choices=Availability.choices, default=Availability.AWAY
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=DEFAULT_CAPACITY,
        help_text=_("The most open conversations the agent is given automatically."),
    )
    changed_at = models.DateTimeField(_("availability changed"), auto_now=True)

    class Meta:
        verbose_name = _("chat agent's settings")
        verbose_name_plural = _("chat agents' settings")
        indexes = [models.Index(fields=["availability"], name="chat_agent_availability")]
        constraints = [
            models.CheckConstraint(
                condition=Q(availability__in=Availability.values), name="chat_agent_availability_valid"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY), name="chat_agent_capacity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} ({self.get_availability_display()})"


MAX_NOTE_LENGTH = 2000


class ConversationNote(models.Model):
    """A private note between agents inside a conversation (e.g. why it was transferred): never sent to the
    customer, and kept apart from the messages so that it cannot reach them by any path that reads messages."""

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="chat_notes"
    )
    text = models.CharField(_("text"), max_length=MAX_NOTE_LENGTH)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="chat_note_not_empty")]

    def __str__(self) -> str:
        return self.text[:50]


MAX_SHORTCUT_LENGTH = 32
SHORTCUT_PATTERN = r"^[a-z0-9_-]+\Z"


class SavedReply(models.Model):
    """A canned answer an agent inserts by typing ``/shortcut``: team-wide (no owner) or one agent's own.
    Placeholders such as ``{first_name}`` are filled in for the conversation (chat/replies.py)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_replies",
        help_text=_("Empty: the reply is shared by the whole team."),
    )
    shortcut = models.CharField(
        _("shortcut"),
        max_length=MAX_SHORTCUT_LENGTH,
        validators=[RegexValidator(SHORTCUT_PATTERN, _("Use Latin letters, digits, “-” and “_” only."))],
        help_text=_("Latin letters, digits, “-” and “_”; the agent types it after “/”."),
    )
    text = models.CharField(_("text"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["shortcut", "id"]
        constraints = [
            # Filtered unique indexes: one team-wide reply per shortcut, one personal reply per agent and shortcut.
            models.UniqueConstraint(
                fields=["shortcut"], condition=Q(owner__isnull=True), name="saved_reply_team_shortcut_once"
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"], condition=Q(owner__isnull=False), name="saved_reply_own_shortcut_once"
            ),
            models.CheckConstraint(condition=~Q(shortcut=""), name="saved_reply_shortcut_not_empty"),
            models.CheckConstraint(condition=~Q(text=""), name="saved_reply_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"/{self.shortcut}"
