"""Back office for live-chat conversations: every one, closed ones included, can be found by topic,
customer or anything written in it. What was written is kept as it was: messages are read-only here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chat.models import AgentSettings, ChatMessage, Conversation, ConversationNote, SavedReply
from core.admin import BackOfficeAdmin, HistoryAdmin


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("created_at", "sender", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sender")


@admin.register(Conversation)
class ConversationAdmin(BackOfficeAdmin):
    list_display = (
        "__str__",
        "customer",
        "agent",
        "status",
        "created_at",
        "claimed_at",
        "closed_at",
        "customer_rating",
        "message_count",
    )
    list_filter = ("status", "created_at", "closed_at")
    list_select_related = ("customer", "agent", "rating")
    search_fields = (
        "topic",
        "customer__username",
        "customer__client__surname",
        "customer__client__email",
        "agent__username",
        "messages__text",
    )
    autocomplete_fields = ("customer", "agent")
    date_hierarchy = "created_at"
    fields = ("topic", "customer", "agent", "status", "created_at", "claimed_at", "closed_at", "rating")
    readonly_fields = ("created_at", "rating")
    inlines = (ChatMessageInline,)

    def get_queryset(self, request):
        counted = (
            ChatMessage.objects.filter(conversation=OuterRef("pk"))
            .order_by()
            .values("conversation")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return super().get_queryset(request).annotate(message_count=Coalesce(Subquery(counted), 0))

    @admin.display(description=_("customer's rating"), ordering="rating__rating")
    def customer_rating(self, conversation: Conversation) -> str:
        return f"{conversation.rating.rating}/5" if conversation.rating else "—"

    @admin.display(description=_("messages"), ordering="message_count")
    def message_count(self, conversation: Conversation) -> int:
        return conversation.message_count


@admin.register(ChatMessage)
class ChatMessageAdmin(HistoryAdmin):
    list_display = ("created_at", "conversation", "sender", "text")
    list_filter = ("conversation__status", "created_at")
    list_select_related = ("conversation", "sender")
    search_fields = ("text", "conversation__topic", "sender__username")
    date_hierarchy = "created_at"
    fields = ("created_at", "conversation", "sender", "client_message_id", "text")
    readonly_fields = fields


@admin.register(AgentSettings)
class AgentSettingsAdmin(BackOfficeAdmin):
    """The back office sets each chat agent's capacity; availability is the agent's own (the desk)."""

    list_display = ("agent", "availability", "capacity", "changed_at")
    list_filter = ("availability",)
    list_select_related = ("agent",)
    search_fields = ("agent__username", "agent__first_name", "agent__last_name")
    autocomplete_fields = ("agent",)
    fields = ("agent", "availability", "capacity", "changed_at")
    readonly_fields = ("availability", "changed_at")


@admin.register(SavedReply)
class SavedReplyAdmin(BackOfficeAdmin):
    """Team-wide replies (no owner) are kept here; agents keep their own too."""

    list_display = ("__str__", "owner", "text", "created_at")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    list_select_related = ("owner",)
    search_fields = ("shortcut", "text")
    autocomplete_fields = ("owner",)
    fields = ("shortcut", "text", "owner")


@admin.register(ConversationNote)
class ConversationNoteAdmin(HistoryAdmin):
    """Agents' private notes, kept as written (read-only here, like the messages)."""

    list_display = ("created_at", "conversation", "author", "text")
    list_select_related = ("conversation", "author")
    search_fields = ("text", "conversation__topic", "author__username")
    date_hierarchy = "created_at"
    fields = ("created_at", "conversation", "author", "text")
    readonly_fields = fields
