from django.apps import AppConfig


class TelemarketingConfig(AppConfig):
    """The project itself as an app: its base templates, static files and cross-app commands."""

    name = "telemarketing"
    verbose_name = "Telemarketing centre"

    def ready(self) -> None:
        from django.core.checks import Tags, register
        from django.core.handlers.asgi import ASGIHandler
        from django.core.signals import request_finished

        from telemarketing.checks import check_sql_server_tde, check_staff_two_factor
        from telemarketing.database import close_connections_of_finished_request

        register(check_sql_server_tde, Tags.database, Tags.security)
        register(check_staff_two_factor, Tags.security, deploy=True)
        request_finished.connect(close_connections_of_finished_request, sender=ASGIHandler)
