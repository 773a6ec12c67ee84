"""Back office for personal messages and bank news."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import BackOfficeAdmin, ServiceFormAdmin
from outreach import admin_actions, delivery_services, services
from outreach.models import Delivery, Message, News, OptOut


class DeliveryInline(admin.TabularInline):
    """Where the message went and how: the outbox rows, changed only by the outbox's actions."""

    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "address", "status", "attempts", "last_error", "next_attempt_at", "sent_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ServiceFormAdmin):
    """A message is written here through compose_message and then only read: its status moves through the
    delivery transitions (the actions, change_message_status), which stamp the times."""

    list_display = ("subject", "recipient", "campaign", "status", "written_by", "created_at", "sent_at", "read_at")
    list_filter = ("status", "created_at", "sent_at")
    list_select_related = ("client", "lead", "campaign", "written_by")
    search_fields = (
        "subject",
        "body",
        "client__surname",
        "client__email",
        "lead__surname",
        "lead__phone",
        "campaign__name",
    )
    autocomplete_fields = ("client", "lead", "campaign")
    date_hierarchy = "created_at"
    fieldsets = (
        (_("To"), {"fields": ("client", "lead", "campaign")}),
        (None, {"fields": ("subject", "body")}),
        (_("Delivery"), {"fields": ("status", "written_by", "created_at", "sent_at", "read_at")}),
    )
    actions = admin_actions.MESSAGE_ACTIONS
    refusals = (services.OutreachError,)
    inlines = (DeliveryInline,)

    def get_readonly_fields(self, request, obj=None):
        delivery = ("status", "written_by", "created_at", "sent_at", "read_at")
        return delivery if obj is None else ("client", "lead", "campaign", "subject", "body", *delivery)

    @admin.display(description=_("to"))
    def recipient(self, message: Message) -> str:
        return str(message.client or message.lead)

    def save_through_service(self, request, obj: Message, form, change: bool) -> None:
        composed = services.compose_message(
            author=request.user,
            client=form.cleaned_data["client"],
            lead=form.cleaned_data["lead"],
            campaign=form.cleaned_data["campaign"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
        obj.pk, obj.client, obj.lead = composed.pk, composed.client, composed.lead


@admin.register(News)
class NewsAdmin(ServiceFormAdmin):
    """News is published to one login through publish_news (which publishes it once per account), corrected
    through edit_news and withdrawn by the action (withdraw_news): never written to the table directly."""

    list_display = ("title", "account", "published_at", "withdrawn_at")
    list_filter = ("published_at", "withdrawn_at")
    list_select_related = ("account",)
    search_fields = ("title", "body", "account__username", "account__client__surname")
    autocomplete_fields = ("account",)
    date_hierarchy = "published_at"
    fields = ("account", "title", "body", "published_at", "withdrawn_at", "digest")
    actions = (admin_actions.withdraw_news,)
    refusals = (services.OutreachError,)

    def get_readonly_fields(self, request, obj=None):
        written_by_services = ("published_at", "withdrawn_at", "digest")
        return written_by_services if obj is None else ("account", *written_by_services)

    def save_through_service(self, request, obj: News, form, change: bool) -> None:
        title, body = form.cleaned_data["title"], form.cleaned_data["body"]
        if change:
            services.edit_news(news_id=obj.pk, title=title, body=body, actor=request.user)
            return
        published = services.publish_news_to_account(
            account_id=form.cleaned_data["account"].pk, title=title, body=body, actor=request.user
        )
        obj.pk, obj.digest, obj.published_at = published.pk, published.digest, published.published_at


@admin.register(Delivery)
class DeliveryAdmin(BackOfficeAdmin):
    """The outbox: what goes out, by which channel, and why something did not; retried or cancelled by actions."""

    list_display = ("subject", "channel", "address", "status", "attempts", "last_error", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "notification__kind", "created_at", "sent_at")
    list_select_related = ("message", "notification")
    search_fields = ("address", "message__subject", "notification__subject", "last_error", "idempotency_key")
    date_hierarchy = "created_at"
    actions = admin_actions.DELIVERY_ACTIONS
    fields = (
        "message",
        "notification",
        "channel",
        "address",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "idempotency_key",
        "provider_id",
        "claimed_by",
        "claimed_until",
        "created_at",
        "sent_at",
        "finished_at",
        "status_checked_at",
    )
    readonly_fields = fields

    @admin.display(description=_("message or notification"), ordering="message__subject")
    def subject(self, delivery: Delivery) -> str:
        return str(delivery.message or delivery.notification)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(ServiceFormAdmin):
    """Who asked for no more messages; the back office records a request made by phone or in a branch."""

    refusals = (services.OutreachError,)
    fields = ("client", "lead", "source", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return ("created_at",) if obj is None else self.fields

    def save_through_service(self, request, obj: OptOut, form, change: bool) -> None:
        data = form.cleaned_data
        recorded = delivery_services.record_opt_out(
            client=data["client"], lead=data["lead"], source=data["source"], actor=request.user
        )
        obj.pk, obj.created_at = recorded.pk, recorded.created_at

    list_display = ("__str__", "source", "created_at")
    list_select_related = ("client", "lead")
    search_fields = ("client__surname", "client__email", "lead__surname", "lead__phone")
    autocomplete_fields = ("client", "lead")
    list_filter = ("source", "created_at")


from outreach import notification_admin  # noqa: E402, F401  (registered by importing)
