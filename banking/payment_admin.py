"""Back office's payment settings: the amount above which a payment needs a one-time code (issue 15, item 2).

One row, written through ``banking.confirmation.set_code_threshold`` (audited), which adding again only changes;
never deleted (until it is first saved the default applies).

Customers' payment templates and the payments waiting for their one-time code are only looked at here: the
customers' own services write them (banking.saved_payments, banking.confirmation). A code's salt, its delivery
key and the form's idempotency key are never shown: from the salt and SECRET_KEY the code can be made again.
"""

from __future__ import annotations

from django.contrib import admin

from banking.confirmation import set_code_threshold
from banking.models import PaymentChallenge, PaymentPolicy, PaymentTemplate
from banking.services import PaymentError
from core.admin import HistoryAdmin, ServiceFormAdmin
from core.money import format_money


@admin.register(PaymentPolicy)
class PaymentPolicyAdmin(ServiceFormAdmin):
    list_display = ("__str__", "threshold_money", "changed_by", "changed_at")
    fields = ("code_threshold",)
    refusals = (PaymentError,)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through_service(self, request, obj: PaymentPolicy, form, change: bool) -> None:
        saved = set_code_threshold(amount=form.cleaned_data["code_threshold"], actor=request.user)
        obj.pk, obj.changed_by, obj.changed_at = saved.pk, saved.changed_by, saved.changed_at
        obj._state.adding = False

    @admin.display(description=PaymentPolicy._meta.get_field("code_threshold").verbose_name)
    def threshold_money(self, policy: PaymentPolicy) -> str:
        return format_money(policy.code_threshold, "RUB")


@admin.register(PaymentTemplate)
class PaymentTemplateAdmin(HistoryAdmin):
    """Payments customers saved to repeat (saved and deleted by the customer only)."""

    list_display = ("name", "owner", "payer", "payee", "amount", "created_at")
    list_select_related = ("owner", "payer")
    search_fields = ("name", "owner__username", "owner__client__surname", "payee")
    date_hierarchy = "created_at"
    fields = ("owner", "name", "payer", "payee", "amount", "comment", "created_at")
    readonly_fields = fields


@admin.register(PaymentChallenge)
class PaymentChallengeAdmin(HistoryAdmin):
    """Payments waiting for (or confirmed with) their one-time code; nothing here can make the code again."""

    list_display = ("created_at", "initiated_by", "payer", "payee", "amount", "expires_at", "confirmed_at")
    list_filter = ("created_at", "confirmed_at")
    list_select_related = ("initiated_by", "payer", "payee")
    search_fields = ("initiated_by__username", "initiated_by__client__surname")
    date_hierarchy = "created_at"
    fields = (
        *("initiated_by", "payer", "payee", "amount", "comment"),
        *("created_at", "expires_at", "tries_left", "sends", "confirmed_at"),
    )
    readonly_fields = fields
