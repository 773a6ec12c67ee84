from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns, leads, messages and news")

    def ready(self) -> None:
        from campaigns import signals  # (keeps campaign budgets current)

        # After every migrate (and every test database flush) the system call outcomes exist.
        post_migrate.connect(signals.on_post_migrate, sender=self, dispatch_uid="campaigns.system_dispositions")
