"""Back office for live-chat conversations: every one, closed ones included, can be found by topic,
customer or anything written in it. What was written is kept as it was: messages are read-only here.
A conversation's status and agent change only through the chat services, which tell the live parties."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat import assignment, services
from chat.models import (
    AgentSettings,
    BusinessHours,
    ChatAttachment,
    ChatHoliday,
    ChatMessage,
    Conversation,
    ConversationNote,
    SavedReply,
)
from core.admin import BackOfficeAdmin, HistoryAdmin, ServiceFormAdmin, apply_to_each


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


@admin.action(description=_("Close the selected conversations"), permissions=["change"])
def close_conversations(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin,
        request,
        queryset.order_by("pk"),
        lambda conversation: services.close_conversation_by_staff(conversation_id=conversation.pk, actor=request.user),
        refusals=(services.ChatError,),
        done=lambda count: (
            ngettext("%(count)d conversation closed.", "%(count)d conversations closed.", count) % {"count": count}
        ),
    )


@admin.register(Conversation)
class ConversationAdmin(ServiceFormAdmin):
    """A conversation opened here is started for its customer (start_conversation); its agent changes
    through assignment.transfer_conversation and it is closed by the action (close_conversation_by_staff), so that
    its customer and agents hear of it at once, as when they do it themselves."""

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
    fields = (
        *("topic", "customer", "agent", "status", "created_at", "claimed_at", "first_response_at", "closed_at"),
        *("rating", "contact_name", "reply_email"),
    )
    inlines = (ChatMessageInline,)
    actions = (close_conversations,)
    refusals = (services.ChatError,)

    def get_readonly_fields(self, request, obj=None):
        written_by_services = (
            *("status", "created_at", "claimed_at", "first_response_at", "closed_at", "rating"),
            *("contact_name", "reply_email"),
        )
        if obj is None:
            return ("agent", *written_by_services)
        return ("topic", "customer", *written_by_services)

    def save_through_service(self, request, obj: Conversation, form, change: bool) -> None:
        if change:
            agent = form.cleaned_data["agent"]
            assignment.transfer_conversation(
                conversation_id=obj.pk, by=request.user, to_agent_id=agent.pk if agent is not None else None
            )
            return
        started = services.start_conversation(customer=form.cleaned_data["customer"], topic=form.cleaned_data["topic"])
        obj.pk, obj.status, obj.created_at = started.pk, started.status, started.created_at

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


@admin.register(BusinessHours)
class BusinessHoursAdmin(BackOfficeAdmin):
    """The chat's weekly hours (Moscow time): with none set the chat is open around the clock; once any weekday is
    set, the others are closed and the customers' widget offers the offline form then (chat/hours.py)."""

    list_display = ("weekday", "opens", "closes")
    fields = ("weekday", "opens", "closes")


@admin.register(ChatHoliday)
class ChatHolidayAdmin(BackOfficeAdmin):
    """Days the chat is closed whatever the weekly hours say."""

    list_display = ("day", "name")
    date_hierarchy = "day"
    search_fields = ("name",)
    fields = ("day", "name")


@admin.register(ChatAttachment)
class ChatAttachmentAdmin(HistoryAdmin):
    """Files sent in conversations, as stored (read-only: what was sent stays as it was)."""

    list_display = ("created_at", "conversation", "uploaded_by", "name", "content_type", "size")
    list_filter = ("content_type",)
    list_select_related = ("conversation", "uploaded_by")
    search_fields = ("name", "conversation__topic", "uploaded_by__username")
    fields = ("created_at", "conversation", "uploaded_by", "name", "content_type", "size")
    readonly_fields = fields
