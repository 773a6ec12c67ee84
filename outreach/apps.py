from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Messages and news")

    def ready(self) -> None:
        from banking.signals import money_arrived
        from outreach.notifications import on_money_arrived

        money_arrived.connect(on_money_arrived, dispatch_uid="outreach.money_arrived_email")
