"""Grant the role groups their permissions once Django has created the permission rows; the signal sent
when a login's password changes; the audit of failed sign-ins."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.dispatch import Signal

from accounts.roles import ROLE_PERMISSIONS

# Sent after an existing login's password was changed or reset, by whatever means (Account.save); the apps
# that hold something signed in for that login (API tokens, chat sockets) end it. Argument: account.
password_changed = Signal()


def grant_role_permissions(*, using: str = "default") -> None:
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = Q(pk__in=[])
        for code in codes:
            app_label, codename = code.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.using(using).filter(wanted))


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    grant_role_permissions(using=using)


def on_sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    from accounts.services import record_sign_in_failure

    record_sign_in_failure(request=request, username=str(credentials.get("username") or ""))


def on_password_changed(sender, account, **kwargs) -> None:
    from accounts.services import record_password_change

    record_password_change(account=account)
