"""The dashboard shows the customer's own accounts, operations, news and messages, in constant queries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from banking.models import Receipt
from outreach.models import Message
from tests.factories import BankAccountFactory, NewsFactory, ReceiptFactory, TransferFactory


def add_messages(client, count: int, *, status=Message.Status.SENT, subject="Offer") -> None:
    Message.objects.bulk_create(
        Message(client=client, subject=f"{subject} {n}", body="Deposit at 18%", status=status) for n in range(count)
    )


def add_news(account, count: int) -> None:
    for n in range(count):
        NewsFactory(account=account, title=f"News {n}", body=f"Text {n}")


@pytest.mark.django_db
def test_the_dashboard_shows_only_the_customers_own_things(customer_client, customer, other_customer):
    mine = BankAccountFactory(owner=customer, currency="EUR", balance="1234.5")
    theirs = BankAccountFactory(owner=other_customer, currency="EUR", balance="77")
    add_messages(customer.client, 1, subject="Mine")
    add_messages(other_customer.client, 1, subject="Theirs")
    NewsFactory(account=customer, title="For me", body="...")
    NewsFactory(account=other_customer, title="For them", body="...")
    page = customer_client.get("/").content.decode()
    assert mine.number in page
    assert "1,234.50 EUR" in page
    assert "salary" in page
    assert theirs.number not in page
    assert "Mine 0" in page and "Theirs 0" not in page
    assert "For me" in page and "For them" not in page


@pytest.mark.django_db
def test_messages_not_yet_sent_or_failed_are_not_shown_and_withdrawn_news_neither(customer_client, customer):
    add_messages(customer.client, 1, status=Message.Status.AWAIT, subject="Waiting")
    add_messages(customer.client, 1, status=Message.Status.FAILED, subject="Failed")
    add_messages(customer.client, 1, status=Message.Status.DELIVERED, subject="Delivered")
    NewsFactory(account=customer, title="Withdrawn", body="...", withdrawn_at=timezone.now())
    page = customer_client.get("/").content.decode()
    assert "Delivered 0" in page
    assert "Waiting" not in page and "Failed" not in page and "Withdrawn" not in page


def fill(customer, other_customer, count: int) -> None:
    """``count`` accounts' worth of receipts, news and messages for the customer."""
    for _n in range(max(1, count // 100)):
        BankAccountFactory(owner=customer, currency="USD")
    mine = BankAccountFactory(owner=customer, currency="RUB", balance="1000000")
    theirs = BankAccountFactory(owner=other_customer, currency="RUB")
    TransferFactory.create_batch(count // 2, payer=mine, payee=theirs, amount="1")
    ReceiptFactory(bank_account=mine, amount="5", description="cash")
    add_news(customer, count)
    add_messages(customer.client, count)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 300])
def test_the_dashboard_makes_the_same_number_of_queries_whatever_the_amount_of_data(
    customer_client, customer, other_customer, django_assert_num_queries, count
):
    fill(customer, other_customer, count)
    assert Receipt.objects.filter(bank_account__owner=customer).count() >= count // 2
    # session, account, then: bank accounts, receipts, news, messages, unread count, client (greeting),
    # payment templates
    with django_assert_num_queries(9):
        response = customer_client.get("/")
    assert response.status_code == 200
    assert len(response.context["dashboard"].latest_receipts) <= 10


@pytest.mark.django_db
def test_the_unread_count_counts_messages_not_yet_opened(customer_client, customer):
    add_messages(customer.client, 3)
    Message.objects.filter(pk=Message.objects.first().pk).update(status=Message.Status.READ)
    assert customer_client.get("/").context["dashboard"].unread_messages == 2


@pytest.mark.django_db
def test_opening_a_message_marks_it_read_once(customer_client, customer):
    add_messages(customer.client, 1)
    message = Message.objects.get()
    response = customer_client.get(f"/messages/{message.pk}/")
    assert response.status_code == 200
    assert "Deposit at 18%" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.READ
    first_read_at = message.read_at
    assert first_read_at is not None
    customer_client.get(f"/messages/{message.pk}/")
    message.refresh_from_db()
    assert message.read_at == first_read_at


@pytest.mark.django_db
def test_another_clients_message_or_an_unsent_one_is_not_found_and_stays_unread(
    customer_client, customer, other_customer
):
    add_messages(other_customer.client, 1, subject="Theirs")
    add_messages(customer.client, 1, status=Message.Status.AWAIT, subject="Waiting")
    for message in Message.objects.all():
        assert customer_client.get(f"/messages/{message.pk}/").status_code == 404
    assert not Message.objects.filter(status=Message.Status.READ).exists()
