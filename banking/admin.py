"""Back office for bank accounts and the ledger, which is only looked at here.

Money never moves through the admin: balances, transfers and receipts are read-only, a bank account
opened here is opened by banking.services.open_bank_account and closed by the action, through
close_bank_account (which refuses an account that still holds money).
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import AccountAdmin
from accounts.models import Account
from banking.exchange import ExchangeError, set_exchange_rate
from banking.models import BankAccount, Exchange, ExchangeRate, Receipt, Reversal, ReversalStatus, Transfer
from banking.reversal import ReversalError, approve_reversal, propose_reversal
from banking.services import PaymentError, close_bank_account, open_bank_account
from core.admin import BackOfficeAdmin, HistoryAdmin, ServiceFormAdmin, apply_to_each
from core.money import format_money


class BankAccountInline(admin.TabularInline):
    """An account's bank accounts with their balances; opened on the bank account page, never edited here."""

    model = BankAccount
    fields = ("number", "kind", "currency", "balance_money", "is_closed", "opened_at")
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
        fields = ("owner", "kind", "currency")


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
        "kind",
        "currency",
        "balance_money",
        "is_closed",
        "opened_at",
        "receipts_link",
    )
    list_filter = ("kind", "currency", "is_closed", "opened_at")
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
            return ("owner", "kind", "currency")
        return ("number", "owner", "kind", "currency", "balance_money", "is_closed", "opened_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("number", "owner", "kind", "currency", "balance_money", "is_closed", "opened_at")

    def save_through_service(self, request, obj: BankAccount, form, change: bool) -> None:
        opened = open_bank_account(
            owner=form.cleaned_data["owner"], currency=form.cleaned_data["currency"], kind=form.cleaned_data["kind"]
        )
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


# Items 4 and 5 of issue 15: exchange rates, exchanges, reversals (all writes through their services).


class ExchangeRateForm(forms.ModelForm):
    """A new rate of a pair; the service writes it (and its audit event) when the form is valid."""

    valid_from = forms.SplitDateTimeField(
        label=_("valid from"), required=False, help_text=_("Leave empty for now."), widget=AdminSplitDateTime
    )

    class Meta:
        model = ExchangeRate
        fields = ("base", "quote", "buy", "sell", "valid_from")

    def __init__(self, *args, set_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_by = set_by

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.instance = set_exchange_rate(set_by=self.set_by, **cleaned)
        except ExchangeError as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return cleaned

    def validate_unique(self) -> None:
        """The service reports a second rate for the same moment itself."""


@admin.register(ExchangeRate)
class ExchangeRateAdmin(BackOfficeAdmin):
    """Rates are added (each from its moment on) and never changed, so every exchange keeps the rate it had."""

    form = ExchangeRateForm
    list_display = ("pair", "buy", "sell", "valid_from", "set_by", "created_at")
    list_filter = ("base", "quote", "valid_from")
    list_select_related = ("set_by",)
    date_hierarchy = "valid_from"
    ordering = ("base", "quote", "-valid_from")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return partial(form, set_by=request.user) if obj is None else form

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("base", "quote", "buy", "sell", "valid_from", "set_by", "created_at")

    def get_fields(self, request, obj=None):
        return ("base", "quote", "buy", "sell", "valid_from") + (() if obj is None else ("set_by", "created_at"))

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change: bool) -> None:
        """Already saved by the service in the form's clean()."""

    @admin.display(description=_("pair"), ordering="base")
    def pair(self, rate: ExchangeRate) -> str:
        return f"{rate.base}/{rate.quote}"


@admin.register(Exchange)
class ExchangeAdmin(HistoryAdmin):
    list_display = ("created_at", "initiated_by", "sold_money", "bought_money", "rate")
    list_select_related = ("initiated_by", "rate", "sold_leg__payer", "bought_leg__payee")
    search_fields = ("initiated_by__username", "sold_leg__payer__number", "bought_leg__payee__number")
    date_hierarchy = "created_at"
    fields = ("created_at", "initiated_by", "rate", "sold_leg", "bought_leg", "idempotency_key")
    readonly_fields = fields

    @admin.display(description=_("sold"))
    def sold_money(self, made: Exchange) -> str:
        return format_money(made.sold_leg.amount, made.sold_leg.payer.currency)

    @admin.display(description=_("bought"))
    def bought_money(self, made: Exchange) -> str:
        return format_money(made.bought_leg.amount, made.bought_leg.payee.currency)


class ReversalProposalForm(forms.ModelForm):
    """A proposal: the transfer and the reason; the service writes it when the form is valid."""

    class Meta:
        model = Reversal
        fields = ("original", "reason")
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, proposed_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed_by = proposed_by

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.instance = propose_reversal(
                transfer_id=cleaned["original"].pk, reason=cleaned["reason"], proposed_by=self.proposed_by
            )
        except ReversalError as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return cleaned

    def validate_unique(self) -> None:
        """The service reports a second reversal of the same transfer itself."""


@admin.register(Reversal)
class ReversalAdmin(BackOfficeAdmin):
    """Maker–checker: one member of the back office proposes (the add page), another approves (the action).

    A reversal is never edited or deleted here; a claim (the payee's balance no longer covered the amount) is
    marked as such in the list.
    """

    form = ReversalProposalForm
    list_display = ("proposed_at", "original", "amount_money", "status_shown", "reason", "proposed_by", "decided_by")
    list_filter = ("status", "proposed_at")
    list_select_related = ("original__payer", "original__payee", "proposed_by", "decided_by")
    search_fields = ("original__payer__number", "original__payee__number", "reason", "=original__id")
    autocomplete_fields = ("original",)
    date_hierarchy = "proposed_at"
    actions = ("approve",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return partial(form, proposed_by=request.user) if obj is None else form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("original", "reason")
        return (
            "original",
            "amount_money",
            "reason",
            "status_shown",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "reversing_transfer",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("banking.propose_reversal")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("banking.approve_reversal")

    def save_model(self, request, obj, form, change: bool) -> None:
        """Already written by the service in the form's clean()."""

    @admin.action(description=_("Approve the selected reversals"), permissions=["approve"])
    def approve(self, request, queryset) -> None:
        for reversal in queryset.order_by("pk"):
            try:
                decided = approve_reversal(reversal_id=reversal.pk, approved_by=request.user)
            except ReversalError as refusal:
                self.message_user(request, f"{reversal}: {refusal}", messages.ERROR)
            else:
                if decided.status == ReversalStatus.CLAIM:
                    self.message_user(
                        request,
                        _(
                            "Transfer No. %(number)s was not reversed: the payee's balance no longer covers it. "
                            "The reversal is recorded as a claim."
                        )
                        % {"number": decided.original_id},
                        messages.WARNING,
                    )
                else:
                    self.message_user(
                        request, _("Transfer No. %(number)s is reversed.") % {"number": decided.original_id}
                    )

    @admin.display(description=_("amount"), ordering="original__amount")
    def amount_money(self, reversal: Reversal) -> str:
        return format_money(reversal.original.amount, reversal.original.payer.currency)

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, reversal: Reversal) -> str:
        if reversal.status == ReversalStatus.CLAIM:
            return format_html('<strong class="text-danger">⚠ {}</strong>', _("claim against the payee"))
        return reversal.get_status_display()


from banking import payment_admin  # noqa: E402, F401  (payment settings, issue 15: registered by importing)
