from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The management API that the product managers' desktop program calls (interfaces only)."""

    name = "api"
    verbose_name = _("Management API")

    def ready(self) -> None:
        from accounts.signals import password_changed
        from api.services import revoke_tokens_of

        # A password change or reset ends every API token of that login.
        password_changed.connect(
            lambda sender, account, **kwargs: revoke_tokens_of(account=account),
            dispatch_uid="api.revoke_tokens_on_password_change",
            weak=False,
        )
