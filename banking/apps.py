from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = _("Bank accounts and payments")

    def ready(self) -> None:
        from banking import statements  # noqa: F401  (registers the check that the PDF fonts are there)
