"""Every customer page: sign-in required; another customer's ids give 404; forms need the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from outreach.models import Message
from surveys.models import Survey
from tests.factories import BankAccountFactory, MessageFactory, TransferFactory

# Pages that take no id, and pages that take the id of one of the customer's things.
PLAIN_PAGES = ["/", "/payments/new/", "/reviews/", "/password/", "/password/done/"]
ID_PAGES = {
    "statement": "/bank-accounts/{bank_account}/",
    "statement_csv": "/bank-accounts/{bank_account}/statement.csv",
    "payment_receipt": "/payments/{transfer}/",
    "message_detail": "/messages/{message}/",
}


def things_of(owner, payee) -> dict[str, int]:
    """One bank account, transfer and message of ``owner``."""
    bank_account = BankAccountFactory(owner=owner, balance="100")
    made = TransferFactory(payer=bank_account, payee=payee, amount="1")
    message = MessageFactory(client=owner.client, subject="Offer", body="...", status=Message.Status.SENT)
    return {"bank_account": bank_account.pk, "transfer": made.pk, "message": message.pk}


@pytest.fixture
def theirs(other_customer, rub_account):
    return things_of(other_customer, payee=rub_account)


@pytest.fixture
def mine(customer, others_rub_account):
    return things_of(customer, payee=others_rub_account)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(ID_PAGES))
def test_a_customer_opens_their_own(customer_client, mine, page):
    assert customer_client.get(ID_PAGES[page].format(**mine)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(ID_PAGES))
def test_another_customers_ids_give_404(customer_client, theirs, page):
    assert customer_client.get(ID_PAGES[page].format(**theirs)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", PLAIN_PAGES + list(ID_PAGES.values()))
def test_anonymous_visitors_are_sent_to_sign_in(client, theirs, url):
    url = url.format(**theirs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/payments/new/", "/reviews/"])
def test_anonymous_posts_write_nothing(client, url):
    assert client.post(url, {"text": "x"}).status_code == 302
    assert not Survey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/payments/new/", "/reviews/", "/password/", "/logout/", "/login/", "/i18n/setlang/"])
def test_every_form_needs_the_csrf_token(customer, url):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post(url, {}).status_code == 403
