"""The desktop program's API tokens, issued by the API's service (only the hash is stored)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from api.models import ApiToken
from api.services import issue_token
from tests.factories.accounts import StaffFactory


class ApiTokenFactory(DjangoModelFactory):
    """A token issued by ``issue_token``; its secret, shown once, is kept on the object as ``secret``."""

    class Meta:
        model = ApiToken

    account = factory.SubFactory(StaffFactory, product_manager=True)
    user_agent = ""

    @classmethod
    def _create(cls, model_class, *, account, user_agent):
        token, secret = issue_token(account=account, user_agent=user_agent)
        token.secret = secret
        return token


def token_for(account) -> str:
    """The secret of a fresh token of ``account``, for the Authorization header."""
    return ApiTokenFactory(account=account).secret
