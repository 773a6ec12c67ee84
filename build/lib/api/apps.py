from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The management API that the product managers' desktop program calls (interfaces only)."""

    name = "api"
    verbose_name = _("Management API")
