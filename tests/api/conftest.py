from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from tests.api.factories import make_product_manager, token_for


class Api:
    """The management API as the desktop program calls it: JSON in, JSON out, the token in a header."""

    def __init__(self, token: str | None = None) -> None:
        self.http = HttpClient()
        self.token = token

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.http.get(f"/api/v1/{path}", params, headers=self._headers())

    def send(self, method: str, path: str, data=None):
        payload = json.dumps(data) if data is not None else ""
        return self.http.generic(
            method, f"/api/v1/{path}", payload, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, data=None):
        return self.send("POST", path, data)

    def patch(self, path: str, data=None):
        return self.send("PATCH", path, data)

    def delete(self, path: str):
        return self.send("DELETE", path)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings) -> None:
    """Argon2 is slow on purpose; these tests make many accounts and are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def product_manager(db):
    return make_product_manager(username="manager")


@pytest.fixture
def api(product_manager) -> Api:
    return Api(token_for(product_manager))


@pytest.fixture
def anonymous(db) -> Api:
    return Api()
