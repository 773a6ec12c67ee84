"""Staff sign in with a second factor (ASVS V2.7/V2.8): TOTP enrolment with a QR code, recovery codes,
required for staff pages, the admin and the API token; an administrator can reset it, audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _second_factor_required(settings) -> None:
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def current_code(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The app's code now, or ``ahead`` time steps later (a code once used is refused again: no replay)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{totp.token():06d}"


def signed_in(account) -> Client:
    client = Client()
    assert client.post("/login/", {"username": account.username, "password": PASSWORD}).status_code == 302
    return client


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/two-factor/setup/?next=/staff/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post("/two-factor/setup/", {"code": current_code(device), "next": "/staff/"})
    assert done.status_code == 200
    return device, re.findall(r"<li>(\w+)</li>", done.content.decode())


def test_staff_must_set_up_the_second_factor_before_any_staff_page():
    client = signed_in(StaffFactory(username="agent", is_staff=True, password=PASSWORD))
    for path in ("/staff/", "/admin/", "/chat/agent/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/two-factor/setup/?next=")
    _device, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_ENROLLED).count() == 1


def test_next_time_the_code_is_asked_and_a_wrong_one_is_refused_and_audited():
    worker = StaffFactory(username="agent", password=PASSWORD)
    device, _codes = enrol(signed_in(worker))
    client = signed_in(worker)
    assert client.get("/staff/")["Location"] == "/two-factor/?next=/staff/"
    wrong = client.post("/two-factor/", {"code": "000000", "next": "/staff/"})
    assert wrong.status_code == 200 and "Wrong or expired code" in wrong.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED, actor=worker).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    before = client.session.session_key
    assert client.post("/two-factor/", {"code": current_code(device), "next": "/staff/"}).status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/two-factor/", {"code": current_code(device, ahead=1), "next": "/staff/"})
    assert response["Location"] == "/staff/"
    assert client.session.session_key != before  # a new session id with the new privilege


def test_a_recovery_code_works_once():
    worker = StaffFactory(password=PASSWORD)
    _device, codes = enrol(signed_in(worker))
    first = signed_in(worker)
    assert first.post("/two-factor/", {"code": codes[0], "next": "/staff/"})["Location"] == "/staff/"
    again = signed_in(worker)
    assert again.post("/two-factor/", {"code": codes[0], "next": "/staff/"}).status_code == 200


def test_customers_are_not_asked_for_a_second_factor():
    client = signed_in(CustomerFactory(password=PASSWORD))
    assert client.get("/").status_code == 200


def test_the_api_token_needs_the_code_of_a_manager_with_a_second_factor():
    manager = StaffFactory(username="olga", password=PASSWORD)
    manager.groups.add(Group.objects.get(name=roles.PRODUCT_MANAGERS))
    device, _codes = enrol(signed_in(manager))
    api = Client()

    def token(**extra):
        body = {"username": "olga", "password": PASSWORD, **extra}
        return api.post("/api/v1/auth/token", body, content_type="application/json")

    missing = token()
    assert missing.status_code == 401 and "otp_code" in missing.json()["details"]
    assert token(otp_code="000000").status_code == 401
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert token(otp_code=current_code(device, ahead=1)).status_code == 201


def test_a_manager_without_a_second_factor_gets_no_token_until_they_enrol_on_the_website():
    manager = StaffFactory(username="pavel", password=PASSWORD)
    manager.groups.add(Group.objects.get(name=roles.PRODUCT_MANAGERS))
    body = {"username": "pavel", "password": PASSWORD}

    refused = Client().post("/api/v1/auth/token", body, content_type="application/json")

    assert refused.status_code == 403
    assert "second factor" in refused.json()["error"]
    assert not manager.api_tokens.exists()
    device, _codes = enrol(signed_in(manager))
    granted = Client().post(
        "/api/v1/auth/token", {**body, "otp_code": current_code(device, ahead=1)}, content_type="application/json"
    )
    assert granted.status_code == 201


def test_an_administrator_resets_a_colleagues_second_factor_and_it_is_audited():
    worker = StaffFactory(username="agent", password=PASSWORD)
    enrol(signed_in(worker))
    admin_login = StaffFactory(username="chief", is_staff=True, password=PASSWORD)
    admin_login.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    admin = signed_in(admin_login)
    enrol(admin)
    response = admin.post(
        "/admin/accounts/account/", {"action": "reset_second_factor", "_selected_action": [worker.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert event.actor == admin_login and "agent" in event.summary
    assert signed_in(worker).get("/staff/")["Location"].startswith("/two-factor/setup/")
