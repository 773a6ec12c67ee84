from django.apps import AppConfig


class TelemarketingConfig(AppConfig):
    """The project itself as an app: its base templates, static files and cross-app commands."""

    name = "telemarketing"
    verbose_name = "Telemarketing centre"
