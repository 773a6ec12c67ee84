from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from tests.factories import (
    StaffFactory,
    token_for,
)


def moscow(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


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
    return StaffFactory(username="manager", product_manager=True)


@pytest.fixture
def api(product_manager) -> Api:
    return Api(token_for(product_manager))


@pytest.fixture
def anonymous(db) -> Api:
    return Api()
