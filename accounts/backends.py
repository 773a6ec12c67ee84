"""The login backend: Django's own, except that a signed-in account is read with its client.

Every customer page greets the customer by name and most read their client record; loading it in the same
query as the account (a LEFT JOIN: staff have no client) saves a query on each of those requests.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import Account


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            account = Account._default_manager.select_related("client").get(pk=user_id)
        except Account.DoesNotExist:
            return None
        return account if self.user_can_authenticate(account) else None

    async def aget_user(self, user_id):
        try:
            account = await Account._default_manager.select_related("client").aget(pk=user_id)
        except Account.DoesNotExist:
            return None
        return account if self.user_can_authenticate(account) else None
