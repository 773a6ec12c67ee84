"""Sign-in throttling (ASVS V2.2.1): nobody can lock a customer out from elsewhere; spraying and distributed
guessing are stopped; the website, the admin and the API token share the rules; every failure is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.throttling import login_delay
from audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_an_attacker_cannot_lock_a_customer_out_of_their_own_address():
    customer = CustomerFactory(username="ivanov", password=PASSWORD)
    attacker = from_address("203.0.113.9")
    statuses = [sign_in(attacker, "ivanov", "guess").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=2))  # past the login delay
    owner = from_address("198.51.100.7")
    assert sign_in(owner, customer.username, PASSWORD).status_code == 302


def test_guessing_one_login_from_many_addresses_slows_down_and_never_locks():
    CustomerFactory(username="ivanov", password=PASSWORD)
    for number in range(5):
        assert sign_in(from_address(f"203.0.113.{number}"), "ivanov", "guess").status_code == 200
    too_soon = sign_in(from_address("203.0.113.50"), "ivanov", "guess")
    assert too_soon.status_code == 429
    assert "wait 1 s" in too_soon.content.decode() and too_soon["Retry-After"] == "1"
    assert [login_delay(failures) for failures in (4, 5, 6, 7, 10, 20)] == [0, 1, 2, 4, 32, 60]
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(seconds=61))
    assert sign_in(from_address("198.51.100.7"), "ivanov", PASSWORD).status_code == 302


def test_one_address_trying_many_logins_is_stopped(settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    sprayer = from_address("203.0.113.9")
    for number in range(6):
        assert sign_in(sprayer, f"login{number}", "Summer2026!").status_code == 200
    CustomerFactory(username="victim", password=PASSWORD)
    refused = sign_in(sprayer, "victim", PASSWORD)
    assert refused.status_code == 429
    assert "from your network" in refused.content.decode()
    assert sign_in(from_address("198.51.100.7"), "victim", PASSWORD).status_code == 302


def test_an_unknown_login_and_a_real_one_are_throttled_alike():
    CustomerFactory(username="ivanov", password=PASSWORD)
    client = from_address("203.0.113.9")
    real = [sign_in(client, "ivanov", "guess").status_code for _ in range(5)]
    unknown = [sign_in(client, "nobody-has-this", "guess").status_code for _ in range(5)]
    assert real == unknown == [200, 200, 200, 200, 429]


def test_the_admin_login_counts_and_is_throttled_too():
    StaffFactory(username="boss", is_staff=True, password=PASSWORD)
    client = from_address("203.0.113.9")
    for _attempt in range(4):
        client.post("/admin/login/", {"username": "boss", "password": "guess"})
    assert client.post("/admin/login/", {"username": "boss", "password": "guess"}).status_code == 429
    assert sign_in(client, "boss", PASSWORD).status_code == 429


def test_failures_and_locks_are_audited_without_the_password():
    CustomerFactory(username="ivanov", password=PASSWORD)
    client = from_address("203.0.113.9")
    for _attempt in range(6):
        sign_in(client, "ivanov", "Secret-guess-1")
    events = list(AuditEvent.objects.filter(actor_username="ivanov").order_by("id").values_list("action", "summary"))
    actions = [action for action, _summary in events]
    assert actions.count(AuditAction.SIGN_IN_FAILED) == 5
    assert actions.count(AuditAction.SIGN_IN_LOCKED) == 2  # the lock, then the refused sixth attempt
    assert all("203.0.113.9" in summary and "Secret-guess-1" not in summary for _action, summary in events)
