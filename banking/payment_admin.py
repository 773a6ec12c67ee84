"""Back office's payment settings: the amount above which a payment needs a one-time code (issue 15, item 2).

One row, written through ``banking.confirmation.set_code_threshold`` (audited), which adding again only changes;
never deleted (until it is first saved the default applies).
"""

from __future__ import annotations

from django.contrib import admin

from banking.confirmation import set_code_threshold
from banking.models import PaymentPolicy
from banking.services import PaymentError
from core.admin import ServiceFormAdmin
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
