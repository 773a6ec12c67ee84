"""Signing in to the management API: tokens, their expiry and revocation, roles, and the shared lock-out."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.utils import timezone

from accounts.roles import CHAT_AGENTS, TELEMARKETING_AGENTS
from api.models import ApiToken
from api.services import hash_secret
from tests.api.conftest import Api
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    StaffFactory,
    token_for,
)

pytestmark = pytest.mark.django_db


def test_product_manager_signs_in_and_the_token_works(anonymous):
    manager = StaffFactory(username="olga", product_manager=True, password=PASSWORD)
    response = anonymous.post("auth/token", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer" and body["account"]["username"] == "olga"
    stored = ApiToken.objects.get(account=manager)
    assert stored.key_hash == hash_secret(body["token"]) and body["token"] not in stored.key_hash
    assert stored.expires_at > timezone.now() + dt.timedelta(hours=8)
    assert Api(body["token"]).get("auth/session").json()["account"]["username"] == "olga"


def test_wrong_password_is_401_with_a_readable_message(anonymous):
    StaffFactory(username="olga", product_manager=True, password=PASSWORD)
    response = anonymous.post("auth/token", {"username": "olga", "password": "wrong"})
    assert response.status_code == 401
    assert response.json() == {"error": "Wrong username or password.", "details": {}}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "olga"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": 5, "password": "x"}, "username"),
    ],
)
def test_missing_or_mistyped_credentials_are_400(anonymous, body, field):
    response = anonymous.post("auth/token", body)
    assert response.status_code == 400
    assert field in response.json()["details"]


def test_a_body_that_is_not_json_is_refused(anonymous):
    response = anonymous.http.post("/api/v1/auth/token", {"username": "a"})
    assert response.status_code == 415
    assert "JSON" in response.json()["error"]
    broken = anonymous.http.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"] == "The request body is not valid JSON."


@pytest.mark.parametrize("role", [CHAT_AGENTS, TELEMARKETING_AGENTS])
def test_agents_get_no_token(anonymous, role):
    StaffFactory(username="agent", roles=[role], password=PASSWORD)
    response = anonymous.post("auth/token", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["error"] == "Only product managers may use the management API."
    assert not ApiToken.objects.exists()


def test_customers_get_no_token(anonymous):
    CustomerFactory(username="client", password=PASSWORD)
    response = anonymous.post("auth/token", {"username": "client", "password": PASSWORD})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.postgres
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_failed_sign_ins_lock_the_login_as_on_the_website(anonymous):
    StaffFactory(username="olga", product_manager=True, password=PASSWORD)
    statuses = [anonymous.post("auth/token", {"username": "olga", "password": "wrong"}).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    locked = anonymous.post("auth/token", {"username": "olga", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert "locked" in locked.json()["error"]
    assert not ApiToken.objects.exists()
    # The lock is axes' record for the login, which the website's sign-in checks too.
    assert AccessAttempt.objects.get(username="olga").failures_since_start >= 3


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_login_locked_elsewhere_cannot_get_a_token(anonymous):
    StaffFactory(username="olga", product_manager=True, password=PASSWORD)
    AccessAttempt.objects.create(
        username="olga",
        ip_address="10.0.0.1",
        user_agent="browser",
        failures_since_start=3,
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
    )
    assert anonymous.post("auth/token", {"username": "olga", "password": PASSWORD}).status_code == 429


def test_sign_out_revokes_the_token_at_once(api):
    assert api.get("auth/session").status_code == 200
    response = api.delete("auth/session")
    assert response.json() == {"signed_out": True}
    assert ApiToken.objects.get().revoked_at is not None
    again = api.get("surveys")
    assert again.status_code == 401
    assert again.json()["error"] == "Your session has expired or was closed; sign in again."
    assert "invalid_token" in again["WWW-Authenticate"]


def test_an_expired_token_is_refused(api):
    ApiToken.objects.update(created_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now())
    assert api.get("surveys").status_code == 401


def test_the_last_use_is_recorded(api):
    assert ApiToken.objects.get().last_used_at is None
    api.get("surveys")
    assert ApiToken.objects.get().last_used_at is not None


def test_a_deactivated_manager_is_signed_out(api, product_manager):
    product_manager.is_active = False
    product_manager.save()
    assert api.get("surveys").status_code == 401


def test_a_manager_moved_to_another_role_loses_access(api, product_manager):
    product_manager.groups.clear()
    assert api.get("surveys").status_code == 403


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Token abc", "Bearer not-a-token"])
def test_missing_or_unknown_tokens_are_401(anonymous, header):
    response = anonymous.http.get("/api/v1/surveys", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_need_no_csrf_token(product_manager):
    """Bearer requests come from the desktop program, which has no CSRF cookie; the check is off for them."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/surveys/statistics",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(product_manager)}"},
    )
    assert response.status_code == 405  # reached the view: not stopped by CSRF
