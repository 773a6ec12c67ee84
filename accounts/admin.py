"""Back office for clients, workers, their logins and bank accounts; the ledger is only looked at here.

Money never moves through the admin: balances, transfers and receipts are read-only, and a bank
account opened here is opened by accounts.services.open_bank_account.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BankAccount, Client, Receipt, Transfer, Worker
from accounts.roles import ROLE_LABELS
from accounts.services import open_bank_account
from telemarketing.admin import BackOfficeAdmin, HistoryAdmin, format_money

OWNER_BOTH_MESSAGE = _("An account belongs to a client or to a worker, not to both: clear one of them.")


class AccountOwnerInline(admin.TabularInline):
    """A person's logins, shown on the client's or worker's page; logins are created on the Account page."""

    model = Account
    fields = ("username", "email", "is_active", "is_staff", "last_login")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("login")
    verbose_name_plural = _("logins")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(BackOfficeAdmin):
    list_display = ("full_name", "email", "phone", "sex", "birth_date", "login_count", "created_at")
    list_filter = ("sex", "created_at")
    search_fields = ("surname", "name", "patronymic", "email", "phone")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": (("surname", "name", "patronymic"), ("sex", "birth_date"))}),
        (_("Contacts"), {"fields": ("email", "phone")}),
        (_("Preferences"), {"fields": ("preferences", "created_at")}),
    )
    inlines = (AccountOwnerInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(login_count=Count("accounts"))

    @admin.display(description=_("full name"), ordering="surname")
    def full_name(self, client: Client) -> str:
        return client.full_name

    @admin.display(description=_("logins"), ordering="login_count")
    def login_count(self, client: Client) -> int:
        return client.login_count


@admin.register(Worker)
class WorkerAdmin(BackOfficeAdmin):
    list_display = ("full_name", "position", "email", "phone", "hired_on")
    list_filter = ("position", "hired_on")
    search_fields = ("surname", "name", "patronymic", "position", "email", "phone")
    fieldsets = (
        (None, {"fields": (("surname", "name", "patronymic"), ("position", "hired_on"))}),
        (_("Contacts"), {"fields": ("email", "phone")}),
    )
    inlines = (AccountOwnerInline,)

    @admin.display(description=_("full name"), ordering="surname")
    def full_name(self, worker: Worker) -> str:
        return worker.full_name


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


def _refuse_two_owners(cleaned_data: dict) -> None:
    if cleaned_data.get("client") and cleaned_data.get("worker"):
        raise forms.ValidationError(OWNER_BOTH_MESSAGE)


class AccountCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Account
        fields = ("username", "client", "worker")

    def clean(self):
        cleaned_data = super().clean()
        _refuse_two_owners(cleaned_data)
        return cleaned_data


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Account

    def clean(self):
        cleaned_data = super().clean()
        _refuse_two_owners(cleaned_data)
        return cleaned_data


@admin.register(Account)
class AccountAdmin(BackOfficeAdmin, UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "owner", "roles", "email", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    list_select_related = ("client", "worker")
    search_fields = (
        "username",
        "email",
        "first_name",
        "last_name",
        "client__surname",
        "client__email",
        "client__phone",
        "worker__surname",
    )
    autocomplete_fields = ("client", "worker")
    date_hierarchy = "date_joined"
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Whose login"), {"fields": ("client", "worker")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Whose login"), {"fields": ("client", "worker")}),
    )
    inlines = (BankAccountInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("owner"))
    def owner(self, account: Account) -> str:
        return str(account.client or account.worker or "—")

    @admin.display(description=_("roles"))
    def roles(self, account: Account) -> str:
        return ", ".join(sorted(str(ROLE_LABELS.get(group.name, group.name)) for group in account.groups.all())) or "—"

    def get_inline_instances(self, request, obj=None):
        # The add page has only the login form; bank accounts are opened once the login exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    # Who may do what is the administrators' to decide (they manage the role groups): the back office
    # looks after logins, but cannot give anyone (itself included) a role, staff access or superuser
    # status, nor change, delete or set the password of a staff login and so take over its powers.
    ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    @staticmethod
    def manages_roles(request) -> bool:
        return request.user.has_perm("auth.change_group")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not self.manages_roles(request):
            return readonly + self.ROLE_FIELDS
        return readonly if request.user.is_superuser else (*readonly, "is_superuser")

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_staff or obj.is_superuser) and not self.manages_roles(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.is_staff or obj.is_superuser) and not self.manages_roles(request):
            return False
        return super().has_delete_permission(request, obj)


class BankAccountOpenForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ("owner", "currency")


@admin.register(BankAccount)
class BankAccountAdmin(BackOfficeAdmin):
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
        return ("number", "owner", "currency", "balance_money", "opened_at")

    def save_model(self, request, obj: BankAccount, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        opened = open_bank_account(owner=obj.owner, currency=obj.currency)
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
        url = reverse("admin:accounts_receipt_changelist") + f"?bank_account__id__exact={bank_account.pk}"
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
