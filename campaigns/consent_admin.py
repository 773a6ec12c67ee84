"""Back office for consent to advertising and the do-not-call list: both written through campaigns' consent services.

A consent is added with its source and evidence (a signed form, a recorded call) and withdrawn by an
action; nothing is edited in place or deleted, since the registry is what the bank shows a regulator.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns import services
from campaigns.models import Consent, ConsentSource, DoNotCall
from core.admin import ServiceFormAdmin, apply_to_each


@admin.register(Consent)
class ConsentAdmin(ServiceFormAdmin):
    list_display = ("address", "channel", "client", "granted_at", "source", "withdrawn_at", "withdrawal_source")
    list_filter = ("channel", "source", "withdrawal_source")
    list_select_related = ("client",)
    search_fields = ("address", "client__surname", "client__email", "evidence")
    autocomplete_fields = ("client",)
    date_hierarchy = "updated_at"
    fields = ("channel", "address", "client", "source", "evidence", "granted_at", "withdrawn_at", "withdrawal_source")
    readonly_fields = ("granted_at", "withdrawn_at", "withdrawal_source")
    refusals = (services.CampaignError,)
    actions = ("withdraw",)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through_service(self, request, obj: Consent, form, change: bool) -> None:
        data = form.cleaned_data
        consent = services.grant_consent(
            channel=data["channel"],
            address=data["address"],
            source=data["source"],
            evidence=data["evidence"],
            client=data.get("client"),
            actor=request.user,
        )
        obj.pk = consent.pk

    @admin.action(description=_("Withdraw the consent (the person asked the back office)"), permissions=["change"])
    def withdraw(self, request, queryset) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda consent: services.withdraw_consent(
                channel=consent.channel,
                address=consent.address,
                source=ConsentSource.BACK_OFFICE,
                actor=request.user,
            ),
            refusals=(services.CampaignError,),
            done=lambda count: (
                ngettext("%(count)d consent withdrawn.", "%(count)d consents withdrawn.", count) % {"count": count}
            ),
        )


@admin.register(DoNotCall)
class DoNotCallAdmin(ServiceFormAdmin):
    list_display = ("phone", "source", "reason", "added_by", "added_at")
    list_filter = ("source",)
    list_select_related = ("added_by",)
    search_fields = ("phone", "reason")
    date_hierarchy = "added_at"
    fields = ("phone", "source", "reason", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    refusals = (services.CampaignError,)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through_service(self, request, obj: DoNotCall, form, change: bool) -> None:
        data = form.cleaned_data
        entry = services.add_to_do_not_call(
            phone=data["phone"], source=data["source"], reason=data["reason"], actor=request.user
        )
        obj.pk = entry.pk
