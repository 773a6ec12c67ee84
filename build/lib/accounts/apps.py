from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and logins")

    def ready(self) -> None:
        from accounts.signals import on_post_migrate

        # Runs after every app's migrations, when all permission rows exist.
        post_migrate.connect(on_post_migrate, dispatch_uid="accounts.grant_role_permissions")
