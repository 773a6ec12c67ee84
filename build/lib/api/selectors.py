"""Reads of the management API's own data."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from accounts.models import Account
from accounts.roles import PRODUCT_MANAGERS
from api.models import ApiToken
from api.services import hash_secret


def usable_token(*, secret: str) -> ApiToken | None:
    """The unexpired, unrevoked token with this secret, its account, and whether that account is a product
    manager — one query."""
    if not secret:
        return None
    group_membership = Account.groups.through.objects.filter(
        account_id=OuterRef("account_id"), group__name=PRODUCT_MANAGERS
    )
    return (
        ApiToken.objects.usable()
        .select_related("account", "account__client", "account__worker")
        .annotate(is_product_manager=Exists(group_membership))
        .filter(key_hash=hash_secret(secret))
        .first()
    )


def is_product_manager(*, account: Account) -> bool:
    return account.is_active and account.groups.filter(name=PRODUCT_MANAGERS).exists()
