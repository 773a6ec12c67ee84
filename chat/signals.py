"""A password change or reset of a login closes its open chat sockets, once the change is committed."""

from django.db import transaction

from chat import events


def on_password_changed(sender, account, **kwargs) -> None:
    transaction.on_commit(lambda: events.end_login_sockets(account.pk))
