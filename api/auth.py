"""Who calls the management API: a product manager's bearer token (``api.models.ApiToken``), or a refusal."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api.http import ApiError
from api.models import ApiToken
from api.selectors import usable_token
from api.services import note_token_used

REALM = 'Bearer realm="management API"'


def sign_in_first() -> ApiError:
    """No bearer token at all (ninja's ``AuthenticationError`` is answered with this)."""
    return ApiError(
        401,
        _("Sign in first, and send the token as the header “Authorization: Bearer <token>”."),
        headers={"WWW-Authenticate": REALM},
    )


class ProductManagerToken(HttpBearer):
    """A usable token of an active product manager; sets ``request.auth`` to the token and ``request.user`` to its
    account. Bearer tokens are not sent by browsers on their own, so the API's views need no CSRF token."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        if not token.strip():
            raise sign_in_first()
        api_token = usable_token(secret=token.strip())
        if api_token is None or not api_token.account.is_active:
            raise ApiError(
                401,
                _("Your session has expired or was closed; sign in again."),
                headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
            )
        if not api_token.is_product_manager:
            raise ApiError(403, _("Only product managers may use the management API."))
        note_token_used(token=api_token)
        request.user = api_token.account
        return api_token


class SignedInRequest(HttpRequest):
    """A request that passed ``ProductManagerToken``: ninja puts the token it returned on ``auth``."""

    auth: ApiToken
