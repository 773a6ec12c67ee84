from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from accounts.signals import password_changed
        from chat.signals import on_password_changed

        password_changed.connect(on_password_changed, dispatch_uid="chat.end_login_sockets")
