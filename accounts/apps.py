from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and logins")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from accounts.signals import on_password_changed, on_post_migrate, on_sign_in_failed, password_changed

        # Runs after every app's migrations, when all permission rows exist.
        post_migrate.connect(on_post_migrate, dispatch_uid="accounts.grant_role_permissions")
        # After django-axes' own receiver (its app is set up first), so the failure is already counted.
        user_login_failed.connect(on_sign_in_failed, dispatch_uid="accounts.audit_sign_in_failure")
        password_changed.connect(on_password_changed, dispatch_uid="accounts.audit_password_change")
