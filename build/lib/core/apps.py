from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app may use: admin bases, money, form styling, query helpers. Imports no app of the bank."""

    name = "core"
