"""Grant the role groups their permissions once Django has created the permission rows."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.roles import ROLE_PERMISSIONS


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
