"""Live chat between a customer and a chat agent, kept in the database so nothing is lost."""

from django.conf import settings
from django.core.files.storage import storages
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
    first_response_at = models.DateTimeField(
        _("first answered"), null=True, blank=True, help_text=_("When an agent first wrote in it.")
    )
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
    # A message left outside business hours (chat/offline.py): who left it, and where the answers are e-mailed.
    contact_name = models.CharField(_("name given"), max_length=150, blank=True)
    reply_email = models.EmailField(
        _("answer by e-mail to"),
        max_length=254,
        blank=True,
        help_text=_("Left outside business hours: the agents' answers are also e-mailed here."),
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-id"]
        permissions = [("view_chat_figures", _("Can view the chat supervisor figures"))]
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
            models.CheckConstraint(
                condition=Q(reply_email="") | Q(reply_email__contains="@"), name="conversation_reply_email_valid"
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
    attachment = models.ForeignKey(
        "ChatAttachment",
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A file sent with the message (its text is the file's name)."),
    )

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
            # Filtered (SQL Server allows many NULLs only that way): a file belongs to one message.
            models.UniqueConstraint(
                fields=["attachment"], condition=Q(attachment__isnull=False), name="chat_message_attachment_once"
            ),
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


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """When agents answer live, per weekday, in the bank's zone (TIME_ZONE). With no row at all the chat is open
    around the clock; once any weekday is set, a weekday without a row is closed (chat/hours.py)."""

    # Not a PositiveSmallIntegerField: the range is the CHECK below, and the positive field's own column CHECK
    # beside UNIQUE is a column definition our T-SQL check of sql/schema.sql (sqlglot) cannot read.
    weekday = models.SmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("Moscow time; 23:59 for the end of the day."))

    class Meta:
        verbose_name = _("chat business hours")
        verbose_name_plural = _("chat business hours")
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="chat_hours_weekday_valid"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")),
                name="chat_hours_open_before_close",
                violation_error_message=_("The chat must open before it closes (use 23:59 for the end of the day)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ChatHoliday(models.Model):
    """A day the chat is closed whatever the weekly hours say (a public holiday)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("chat holiday")
        verbose_name_plural = _("chat holidays")
        ordering = ["day"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="chat_holiday_named")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.name}"


MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


class AttachmentKind(models.TextChoices):
    JPEG = "image/jpeg", _("JPEG image")
    PNG = "image/png", _("PNG image")
    PDF = "application/pdf", _("PDF document")


def attachment_storage():
    """The storage of chat files: STORAGES["chat_attachments"] (files under MEDIA_ROOT unless production names
    another backend there)."""
    return storages["chat_attachments"]


class ChatAttachment(models.Model):
    """A file sent in a conversation: its type decided by its content, images re-encoded (chat/attachments.py);
    served only to the conversation's customer and its agent."""

    Kind = AttachmentKind

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    # Not "file": a T-SQL reserved word, awkward in a DBA's hand-written SQL.
    stored_file = models.FileField(_("file"), storage=attachment_storage, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=attachment_storage, max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=20, choices=AttachmentKind.choices)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat attachment")
        verbose_name_plural = _("chat attachments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(content_type__in=AttachmentKind.values), name="chat_attachment_type"),
            models.CheckConstraint(
                condition=Q(size__gte=1, size__lte=MAX_ATTACHMENT_BYTES), name="chat_attachment_size_range"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="chat_attachment_named"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type != AttachmentKind.PDF
