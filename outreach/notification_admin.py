"""Back office's view of the customers' service e-mails, their settings, password-reset requests and news scheduled
for later: history, read here and written only by the services that do the thing (outreach.notifications,
outreach.password_reset, outreach.scheduled_news). Scheduled news that still waits is withdrawn by an action,
through ``withdraw_scheduled_news`` (audited)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import HistoryAdmin, apply_to_each
from outreach.models import Notification, NotificationSettings, PasswordResetRequest, ScheduledNews
from outreach.scheduled_news import withdraw_scheduled_news
from outreach.services import NewsError


@admin.register(Notification)
class NotificationAdmin(HistoryAdmin):
    """Service e-mails as queued (their deliveries are in the outbox); a reset link's text is wiped once sent."""

    list_display = ("created_at", "account", "kind", "subject")
    list_filter = ("kind", "created_at")
    list_select_related = ("account",)
    search_fields = ("subject", "account__username", "account__client__surname")
    date_hierarchy = "created_at"
    fields = ("created_at", "account", "kind", "event_key", "subject")
    readonly_fields = fields


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(HistoryAdmin):
    """The e-mails each customer chose on the website (only the customer changes them)."""

    list_display = ("account", "money_arrived", "personal_offers", "chat_answers", "changed_at")
    list_filter = ("money_arrived", "personal_offers", "chat_answers")
    list_select_related = ("account",)
    search_fields = ("account__username", "account__client__surname")
    fields = ("account", "money_arrived", "personal_offers", "chat_answers", "changed_at")
    readonly_fields = fields


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(HistoryAdmin):
    """Requests for a reset e-mail, kept an hour to limit them; the address is only its digest, never shown."""

    list_display = ("created_at", "ip_address")
    search_fields = ("ip_address",)
    date_hierarchy = "created_at"
    fields = ("created_at", "ip_address")
    readonly_fields = fields


@admin.action(description=_("Withdraw the selected scheduled news"), permissions=["withdraw"])
def withdraw_scheduled(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin,
        request,
        queryset.order_by("pk"),
        lambda scheduled: withdraw_scheduled_news(scheduled_id=scheduled.pk, actor=request.user),
        refusals=(NewsError,),
        done=lambda count: (
            ngettext("%(count)d scheduled news withdrawn.", "%(count)d scheduled news withdrawn.", count)
            % {"count": count}
        ),
    )


@admin.register(ScheduledNews)
class ScheduledNewsAdmin(HistoryAdmin):
    """News scheduled from the desktop program; published once by the periodic job, or withdrawn while it waits."""

    list_display = ("title", "audience", "publish_at", "status", "scheduled_by", "published_to", "withdrawn_at")
    list_filter = ("status", "audience", "publish_at")
    list_select_related = ("scheduled_by", "account", "campaign")
    search_fields = ("title", "body")
    date_hierarchy = "publish_at"
    fields = (
        *("title", "body", "audience", "account", "campaign", "publish_at", "status", "scheduled_by"),
        *("created_at", "published_at", "published_to", "withdrawn_at", "last_error"),
    )
    readonly_fields = fields
    actions = (withdraw_scheduled,)

    def has_withdraw_permission(self, request) -> bool:
        return request.user.has_perm("outreach.change_schedulednews")
