from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer website")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.signals import on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="portal.session_times")
