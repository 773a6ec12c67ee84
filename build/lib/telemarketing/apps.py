from django.apps import AppConfig


class TelemarketingConfig(AppConfig):
    """The project itself as an app: its base templates, static files and cross-app commands."""

    name = "telemarketing"
    verbose_name = "Telemarketing centre"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from telemarketing.checks import check_sql_server_tde

        register(check_sql_server_tde, Tags.database, Tags.security)
