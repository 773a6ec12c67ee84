"""Back office for clients, workers and their logins (the role groups are the administrators' to give)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account, Client, Worker
from accounts.roles import ROLE_LABELS
from accounts.services import reset_second_factor
from core.admin import BackOfficeAdmin
from core.money import format_money
from core.phones import phone_column

# django-otp's own admin pages show a device's secret key and QR code: nobody needs them. Administrators reset a
# colleague's second factor from the login's page instead (the action below), which the audit trail records.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

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
    list_display = ("full_name", "email", phone_column(), "sex", "birth_date", "login_count", "created_at")
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


def sees_salaries(request) -> bool:
    """Administrators only: the back office manages workers but never sees or sets what they earn."""
    return request.user.has_perm("accounts.view_worker_salary")


@admin.register(Worker)
class WorkerAdmin(BackOfficeAdmin):
    list_display = ("full_name", "position", "email", phone_column(), "sex", "birth_date", "hired_on")
    list_filter = ("position", "sex", "hired_on")
    search_fields = ("surname", "name", "patronymic", "position", "email", "phone")
    fieldsets = (
        (None, {"fields": (("surname", "name", "patronymic"), ("sex", "birth_date"), ("position", "hired_on"))}),
        (_("Contacts"), {"fields": ("email", "phone")}),
    )
    salary_fieldset = (_("Salary"), {"fields": ("salary",)})
    inlines = (AccountOwnerInline,)

    def get_fieldsets(self, request, obj=None):
        # The form is built from these fieldsets: without the salary here, a posted salary is ignored.
        return (*self.fieldsets, self.salary_fieldset) if sees_salaries(request) else self.fieldsets

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        return (*list_display, "salary_money") if sees_salaries(request) else list_display

    @admin.display(description=_("salary"), ordering="salary")
    def salary_money(self, worker: Worker) -> str:
        return format_money(worker.salary, "₽") if worker.salary is not None else "—"

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # Django allows any lookup on a model's own field in the address (?salary__gte=…): one could narrow
        # a salary down without seeing it.
        if lookup.split("__")[0] == "salary" and (request is None or not sees_salaries(request)):
            return False
        return super().lookup_allowed(lookup, value, request)

    @method_decorator(sensitive_post_parameters("salary"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A salary posted here stays out of error reports (Django's sensitive POST parameters)."""
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("full name"), ordering="surname")
    def full_name(self, worker: Worker) -> str:
        return worker.full_name


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
    actions = ("reset_second_factor",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_reset_second_factor_permission(self, request) -> bool:
        return self.manages_roles(request)

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset) -> None:
        for account in queryset:
            reset_second_factor(account=account, actor=request.user)
        self.message_user(
            request,
            _("Second factor reset for %(count)d logins: they set it up again at their next sign-in.")
            % {"count": len(queryset)},
        )

    @admin.display(description=_("owner"))
    def owner(self, account: Account) -> str:
        return str(account.client or account.worker or "—")

    @admin.display(description=_("roles"))
    def roles(self, account: Account) -> str:
        return ", ".join(sorted(str(ROLE_LABELS.get(group.name, group.name)) for group in account.groups.all())) or "—"

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
