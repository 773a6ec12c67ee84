"""Writes of the management API's own data: issuing and revoking bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from api.models import ApiToken

# A working day: a product manager signs in once in the morning.
TOKEN_LIFETIME = timedelta(hours=10)
# How stale "last used" may get before a request writes it again (one UPDATE a minute, not one per call).
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, account: Account, user_agent: str = "") -> tuple[ApiToken, str]:
    """A new token for the account; the secret is returned once and only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            account=account,
            key_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
            user_agent=user_agent[:200],
        )
    return token, secret


def revoke_token(*, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def note_token_used(*, token: ApiToken) -> None:
    """Record when the token was last used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke_tokens_of(*, account: Account) -> int:
    """End every token of the login (its password was changed or reset)."""
    with transaction.atomic():
        return ApiToken.objects.filter(account=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
