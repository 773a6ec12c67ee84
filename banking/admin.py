"""Back office for bank accounts and the ledger, which is only looked at here.

Money never moves through the admin: balances, transfers and receipts are read-only, a bank account
opened here is opened by banking.services.open_bank_account and closed by the action, through
close_bank_account (which refuses an account that still holds money).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import AccountAdmin
from accounts.models import Account
from banking.models import BankAccount, Receipt, Transfer
from banking.services import PaymentError, close_bank_account, open_bank_account
from core.admin import HistoryAdmin, ServiceFormAdmin, apply_to_each
from core.money import format_money


class BankAccountInline(admin.TabularInline):
    """An account's bank accounts with their balances; opened on the bank account page, never edited here."""

    model = BankAccount
    fields = ("number", "currency", "balance_money", "is_closed", "opened_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("balance"))
    def balance_money(self, bank_account: BankAccount) -> str:
        return format_money(bank_account.balance, bank_account.currency)


class AccountWithBankAccountsAdmin(AccountAdmin):
    """A login's page shows its bank accounts (once the login exists; they are opened on their own page)."""

    inlines = (BankAccountInline,)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []


admin.site.unregister(Account)
admin.site.register(Account, AccountWithBankAccountsAdmin)


class BankAccountOpenForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ("owner", "currency")


@admin.action(description=_("Close the selected bank accounts"), permissions=["change"])
def close_bank_accounts(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin,
        request,
        queryset.order_by("pk"),
        lambda bank_account: close_bank_account(bank_account=bank_account, actor=request.user),
        refusals=(PaymentError,),
        done=lambda count: (
            ngettext("%(count)d bank account closed.", "%(count)d bank accounts closed.", count) % {"count": count}
        ),
    )


@admin.register(BankAccount)
class BankAccountAdmin(ServiceFormAdmin):
    list_display = (
        "number",
        "owner",
        "owner_name",
        "currency",
        "balance_money",
        "is_closed",
        "opened_at",
        "receipts_link",
    )
    list_filter = ("currency", "is_closed", "opened_at")
    list_select_related = ("owner__client", "owner__worker")
    search_fields = ("number", "owner__username", "owner__client__surname", "owner__client__email")
    autocomplete_fields = ("owner",)
    date_hierarchy = "opened_at"
    ordering = ("number",)
    actions = (close_bank_accounts,)
    refusals = (PaymentError,)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = BankAccountOpenForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("owner", "currency")
        return ("number", "owner", "currency", "balance_money", "is_closed", "opened_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("number", "owner", "currency", "balance_money", "is_closed", "opened_at")

    def save_through_service(self, request, obj: BankAccount, form, change: bool) -> None:
        opened = open_bank_account(owner=form.cleaned_data["owner"], currency=form.cleaned_data["currency"])
        obj.pk, obj.number, obj.opened_at = opened.pk, opened.number, opened.opened_at
        obj._state.adding = False

    @admin.display(description=_("balance"), ordering="balance")
    def balance_money(self, bank_account: BankAccount) -> str:
        return format_money(bank_account.balance, bank_account.currency)

    @admin.display(description=_("holder"), ordering="owner__client__surname")
    def owner_name(self, bank_account: BankAccount) -> str:
        owner = bank_account.owner
        return str(owner.client or owner.worker or "—")

    @admin.display(description=_("receipts"))
    def receipts_link(self, bank_account: BankAccount) -> str:
        url = reverse("admin:banking_receipt_changelist") + f"?bank_account__id__exact={bank_account.pk}"
        return format_html('<a href="{}">{}</a>', url, _("statement"))


@admin.register(Transfer)
class TransferAdmin(HistoryAdmin):
    list_display = ("created_at", "payer", "payee", "amount_money", "comment", "initiated_by")
    list_filter = ("payer__currency", "created_at")
    list_select_related = ("payer", "payee", "initiated_by")
    search_fields = ("payer__number", "payee__number", "comment", "initiated_by__username", "=idempotency_key")
    date_hierarchy = "created_at"
    fields = ("created_at", "payer", "payee", "amount_money", "comment", "initiated_by", "idempotency_key")
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount")
    def amount_money(self, transfer: Transfer) -> str:
        return format_money(transfer.amount, transfer.payer.currency)


@admin.register(Receipt)
class ReceiptAdmin(HistoryAdmin):
    list_display = (
        "created_at",
        "bank_account",
        "kind",
        "amount_money",
        "balance_after_money",
        "description",
        "transfer",
    )
    list_filter = ("kind", "bank_account__currency", "created_at")
    list_select_related = ("bank_account", "transfer__payer", "transfer__payee")
    search_fields = ("bank_account__number", "bank_account__owner__username", "description")
    date_hierarchy = "created_at"
    fields = ("created_at", "bank_account", "kind", "amount_money", "balance_after_money", "description", "transfer")
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount")
    def amount_money(self, receipt: Receipt) -> str:
        sign = "−" if receipt.kind == Receipt.Kind.DEBIT else "+"
        return sign + format_money(receipt.amount, receipt.bank_account.currency)

    @admin.display(description=_("balance after"), ordering="balance_after")
    def balance_after_money(self, receipt: Receipt) -> str:
        return format_money(receipt.balance_after, receipt.bank_account.currency)
