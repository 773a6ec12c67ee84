"""Back office for personal messages and bank news."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import BackOfficeAdmin
from outreach import admin_actions
from outreach.models import Delivery, Message, News, OptOut, news_digest


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
class MessageAdmin(BackOfficeAdmin):
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
    # The status moves only through the delivery transitions (the actions), which stamp the times.
    readonly_fields = ("status", "written_by", "created_at", "sent_at", "read_at")
    actions = admin_actions.MESSAGE_ACTIONS
    inlines = (DeliveryInline,)

    @admin.display(description=_("to"))
    def recipient(self, message: Message) -> str:
        return str(message.client or message.lead)

    def save_model(self, request, obj: Message, form, change: bool) -> None:
        if not change:
            obj.written_by = request.user
        super().save_model(request, obj, form, change)


class NewsForm(forms.ModelForm):
    """News is published once per account: the same title and text again is refused with a message, not a 500."""

    class Meta:
        model = News
        fields = ("account", "title", "body", "withdrawn_at")

    def clean(self):
        cleaned_data = super().clean()
        account, title, body = (cleaned_data.get(key) for key in ("account", "title", "body"))
        if account is not None and title and body:
            digest = news_digest(title=title, body=body)
            already = News.objects.filter(account=account, digest=digest).exclude(pk=self.instance.pk)
            if already.exists():
                raise forms.ValidationError(_("This news has already been published to this account."))
        return cleaned_data


@admin.register(News)
class NewsAdmin(BackOfficeAdmin):
    form = NewsForm
    list_display = ("title", "account", "published_at", "withdrawn_at")
    list_filter = ("published_at", "withdrawn_at")
    list_select_related = ("account",)
    search_fields = ("title", "body", "account__username", "account__client__surname")
    autocomplete_fields = ("account",)
    date_hierarchy = "published_at"
    fields = ("account", "title", "body", "published_at", "withdrawn_at", "digest")
    readonly_fields = ("published_at", "digest")


@admin.register(Delivery)
class DeliveryAdmin(BackOfficeAdmin):
    """The outbox: what goes out, by which channel, and why something did not; retried or cancelled by actions."""

    list_display = ("message", "channel", "address", "status", "attempts", "last_error", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "created_at", "sent_at")
    list_select_related = ("message",)
    search_fields = ("address", "message__subject", "last_error", "idempotency_key")
    date_hierarchy = "created_at"
    actions = admin_actions.DELIVERY_ACTIONS
    fields = (
        "message",
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
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(BackOfficeAdmin):
    list_display = ("__str__", "source", "created_at")
    list_select_related = ("client", "lead")
    search_fields = ("client__surname", "client__email", "lead__surname", "lead__phone")
    autocomplete_fields = ("client", "lead")
    list_filter = ("source", "created_at")
