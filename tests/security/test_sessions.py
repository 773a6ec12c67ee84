"""Sessions (ASVS V3): idle and absolute timeouts, rotation, and what a password change ends."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client

from api.models import ApiToken
from api.services import issue_token
from chat.events import login_group
from portal.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def signed_in(account) -> Client:
    client = Client()
    assert client.post("/login/", {"username": account.username, "password": PASSWORD}).status_code == 302
    return client


def age_session(client: Client, *, idle: float = 0, since_sign_in: float = 0) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - idle
    session[SIGNED_IN_AT] = time.time() - since_sign_in
    session.save()


def test_sign_in_gives_a_new_session_id():
    customer = CustomerFactory(password=PASSWORD)
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/login/", {"username": customer.username, "password": PASSWORD})
    assert client.session.session_key != before


def test_a_customer_idle_for_15_minutes_is_signed_out_with_a_message():
    client = signed_in(CustomerFactory(password=PASSWORD))
    age_session(client, idle=14 * 60)
    assert client.get("/").status_code == 200
    age_session(client, idle=15 * 60 + 1)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0] == "/login/?next=/"
    assert "signed out after 15 minutes without activity" in response.content.decode()


def test_staff_may_stay_idle_for_30_minutes():
    client = signed_in(StaffFactory(password=PASSWORD))
    age_session(client, idle=29 * 60)
    assert client.get("/staff/").status_code == 200
    age_session(client, idle=30 * 60 + 1)
    assert client.get("/staff/").status_code == 302


def test_twelve_hours_after_sign_in_the_session_ends_however_active():
    client = signed_in(CustomerFactory(password=PASSWORD))
    age_session(client, idle=0, since_sign_in=12 * 3600 + 1)
    assert client.get("/")["Location"].startswith("/login/")


def test_the_warning_asks_how_long_is_left_without_counting_as_activity_and_stay_signed_in_extends():
    client = signed_in(CustomerFactory(password=PASSWORD))
    age_session(client, idle=14 * 60 + 10)
    status = client.get("/session/status/").json()
    assert 0 < status["remaining"] <= 50
    assert client.get("/session/status/").json()["remaining"] <= 50  # still counting down
    assert client.post("/session/keep-alive/").json()["remaining"] > 14 * 60
    page = client.get("/").content.decode()
    assert 'id="session-warning"' in page and "Stay signed in" in page


def test_a_password_change_ends_other_sessions_api_tokens_and_chat_sockets(django_capture_on_commit_callbacks):
    manager = StaffFactory(username="olga", password=PASSWORD)
    here, elsewhere = signed_in(manager), signed_in(manager)
    issue_token(account=manager)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(login_group(manager.pk), channel)
    new_password = "Tr1cky-new-pass-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/password/", {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
        )
    assert response["Location"] == "/password/done/"
    assert here.get("/staff/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/staff/")["Location"].startswith("/login/")
    assert not ApiToken.objects.usable().exists()
    assert async_to_sync(asyncio.wait_for)(layer.receive(channel), 5) == {"type": "login.ended"}
