"""Password reset by e-mail: a one-time link that expires, the same answer for any address, limits per address and
per IP address, the e-mail through the outbox, and every session and API token of the login ended."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from api.models import ApiToken
from api.services import issue_token
from outreach.delivery import outbox
from outreach.models import Delivery, Notification, NotificationKind, PasswordResetRequest
from tests.factories import PASSWORD, ClientFactory, CustomerFactory, StaffFactory
from tests.outreach.servers import SmtpServer

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tr1cky-new-pass-2026"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback that the outbox sends to."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def anna():
    return CustomerFactory(username="anna", client=ClientFactory(email="Anna@Example.com"), password=PASSWORD)


def ask(client: Client, address: str, ip: str = "10.0.0.1"):
    return client.post("/password/reset/", {"email": address}, REMOTE_ADDR=ip)


def link_in(mail) -> str:
    return re.search(r"http://\S+/password/reset/\S+/", mail.get_content())[0].split("://", 1)[1].split("/", 1)[1]


def test_the_link_sets_a_new_password_once_and_ends_every_session_and_token(
    smtp, anna, django_capture_on_commit_callbacks
):
    signed_in_elsewhere = Client()
    signed_in_elsewhere.force_login(anna)
    issue_token(account=anna)

    answer = ask(Client(), "anna@example.com")  # any letter case
    assert answer["Location"] == "/password/reset/sent/"
    assert outbox.deliver_due() == 1
    [mail] = smtp.received
    assert mail["To"] == "Anna@Example.com"
    path = "/" + link_in(mail)
    assert "login anna" in mail.get_content()
    # the link is not kept once the e-mail has gone
    assert "/password/reset/" not in Notification.objects.get(kind=NotificationKind.PASSWORD_RESET).body

    browser = Client()
    form_page = browser.get(path, follow=True)
    assert form_page.context["validlink"]
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(
            form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert done["Location"] == "/password/reset/complete/"
    anna.refresh_from_db()
    assert anna.check_password(NEW_PASSWORD)
    assert signed_in_elsewhere.get("/")["Location"].startswith("/login/")
    assert not ApiToken.objects.usable().exists()
    assert Client().get(path, follow=True).context["validlink"] is False  # once


def test_an_unknown_address_and_a_staff_address_get_the_same_answer_and_no_e_mail(anna):
    StaffFactory(username="olga", email="olga@bank.example")
    known = ask(Client(), "anna@example.com")
    for address in ("nobody@example.com", "olga@bank.example"):
        answer = ask(Client(), address)
        assert (answer.status_code, answer["Location"]) == (known.status_code, known["Location"])
    assert Notification.objects.count() == 1


def test_an_expired_link_is_refused_with_a_way_to_ask_again(smtp, anna, settings):
    ask(Client(), "anna@example.com")
    outbox.deliver_due()
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than that
    page = Client().get("/" + link_in(smtp.received[0]), follow=True)
    assert page.context["validlink"] is False
    assert "This link does not work any more" in page.content.decode()


def test_requests_are_limited_per_address_and_per_ip_address(anna, settings):
    for n in range(settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR):
        assert ask(Client(), "anna@example.com", ip=f"10.0.1.{n}").status_code == 302
    refused = ask(Client(), "ANNA@example.com", ip="10.0.2.1")
    assert refused.status_code == 429
    assert "Too many requests for a password reset" in refused.content.decode()
    assert Delivery.objects.filter(notification__kind=NotificationKind.PASSWORD_RESET).count() == 3

    for n in range(settings.PASSWORD_RESET_PER_IP_PER_HOUR):
        assert ask(Client(), f"someone{n}@example.com", ip="10.0.3.3").status_code == 302
    assert ask(Client(), "another@example.com", ip="10.0.3.3").status_code == 429
    assert not PasswordResetRequest.objects.filter(address_digest__contains="@").exists()  # digests only


def test_a_bad_address_is_said_plainly_and_nothing_is_counted():
    answer = ask(Client(), "not an address")
    assert answer.status_code == 200
    assert "Enter a valid email address." in answer.content.decode()
    assert not PasswordResetRequest.objects.exists()


def test_the_e_mail_speaks_the_language_of_the_page(smtp, anna):
    with translation.override("ru"):
        Client().post("/password/reset/", {"email": "anna@example.com"}, HTTP_ACCEPT_LANGUAGE="ru")
    outbox.deliver_due()
    mail = smtp.received[0]
    assert mail["Subject"].strip() == "Новый пароль для интернет-банка"  # a long encoded subject is folded
    assert "ссылк" in mail.get_content()
