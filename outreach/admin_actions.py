"""The message and news admins' actions: each moves messages along their delivery, or withdraws news,
through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from core.admin import apply_to_each
from outreach import delivery_services, services
from outreach.models import MessageStatus


def _message_transition(status: MessageStatus, description):
    @admin.action(description=description, permissions=["change"])
    def run(model_admin, request, queryset) -> None:
        done = 0
        for message in queryset.order_by("pk"):
            try:
                services.change_message_status(message=message, status=status, actor=request.user)
            except services.OutreachError as error:
                model_admin.message_user(request, f"{message}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            text = ngettext("%(count)d message is now %(status)s.", "%(count)d messages are now %(status)s.", done)
            model_admin.message_user(request, text % {"count": done, "status": status.label}, messages.SUCCESS)

    run.__name__ = f"mark_messages_{status.value}"
    return run


MESSAGE_ACTIONS = (
    _message_transition(MessageStatus.SENT, gettext_lazy("Mark the selected messages as sent")),
    _message_transition(MessageStatus.DELIVERED, gettext_lazy("Mark the selected messages as delivered")),
    _message_transition(MessageStatus.FAILED, gettext_lazy("Mark the selected messages as failed")),
    _message_transition(MessageStatus.AWAIT, gettext_lazy("Queue the selected failed messages again")),
)


@admin.action(description=gettext_lazy("Withdraw the selected news from their customers"), permissions=["change"])
def withdraw_news(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin,
        request,
        queryset.filter(withdrawn_at__isnull=True).order_by("pk"),
        lambda news: services.withdraw_news(news_id=news.pk, actor=request.user),
        refusals=(services.OutreachError,),
        done=lambda count: (
            ngettext("%(count)d news item withdrawn.", "%(count)d news items withdrawn.", count) % {"count": count}
        ),
    )


def _delivery_action(service, description, done_text):
    @admin.action(description=description, permissions=["change"])
    def run(model_admin, request, queryset) -> None:
        apply_to_each(
            model_admin,
            request,
            queryset.order_by("pk"),
            lambda delivery: service(delivery_id=delivery.pk, actor=request.user),
            refusals=(services.OutreachError,),
            done=lambda count: done_text(count) % {"count": count},
        )

    run.__name__ = service.__name__
    return run


DELIVERY_ACTIONS = (
    _delivery_action(
        delivery_services.retry_delivery,
        gettext_lazy("Retry the selected deliveries"),
        lambda n: ngettext("%(count)d delivery will be retried now.", "%(count)d deliveries will be retried now.", n),
    ),
    _delivery_action(
        delivery_services.cancel_delivery,
        gettext_lazy("Cancel the selected deliveries"),
        lambda n: ngettext("%(count)d delivery was cancelled.", "%(count)d deliveries were cancelled.", n),
    ),
)
