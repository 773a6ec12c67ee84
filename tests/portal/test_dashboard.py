"""The dashboard shows the customer's own accounts, operations, news and messages, in constant queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from banking.exchange import set_exchange_rate
from banking.models import Receipt
from banking.nicknames import set_nickname
from outreach.models import Message
from tests.factories import BankAccountFactory, NewsFactory, ReceiptFactory, StaffFactory, TransferFactory


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
    assert "1,234.50\xa0€" in page
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
    # session, account with its client (the greeting), then: bank accounts (with their newest receipts and rates),
    # news, messages with the unread count, payment templates; and, as the fragments are not cached yet, the
    # latest operations
    with django_assert_num_queries(7):
        response = customer_client.get("/")
    assert response.status_code == 200
    assert len(response.context["dashboard"].latest_operations) <= 10


@pytest.mark.django_db
def test_the_unread_count_counts_messages_not_yet_opened(customer_client, customer):
    add_messages(customer.client, 3)
    Message.objects.filter(pk=Message.objects.first().pk).update(status=Message.Status.READ)
    assert customer_client.get("/").context["dashboard"].unread_messages == 2


@pytest.mark.django_db
def test_the_unread_count_counts_every_unread_message_not_only_those_listed(customer_client, customer):
    add_messages(customer.client, 14)
    add_messages(customer.client, 2, status=Message.Status.READ)
    add_messages(customer.client, 3, status=Message.Status.AWAIT)  # not sent yet: neither listed nor counted
    dashboard = customer_client.get("/").context["dashboard"]
    assert (len(dashboard.messages), dashboard.unread_messages) == (10, 14)
    Message.objects.update(status=Message.Status.READ)
    assert customer_client.get("/").context["dashboard"].unread_messages == 0


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


@pytest.mark.django_db
def test_the_cached_accounts_and_operations_change_with_every_movement_of_money_nickname_and_rate(
    customer_client, customer, rub_account, others_rub_account, django_assert_num_queries
):
    usd = BankAccountFactory(owner=customer, currency="USD", balance="10")
    customer_client.get("/")  # fills the cache
    with django_assert_num_queries(6):  # the latest operations are not read (cached); the templates are
        page = customer_client.get("/").content.decode()
    assert "10,000.00\xa0₽" in page
    TransferFactory(payer=rub_account, payee=others_rub_account, amount="25", comment="Coffee")
    page = customer_client.get("/").content.decode()
    assert "9,975.00\xa0₽" in page and "Coffee" in page
    set_nickname(account=customer, bank_account_id=rub_account.pk, nickname="Salary")
    assert "Salary" in customer_client.get("/").content.decode()
    clerk = StaffFactory()
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95"), set_by=clerk)
    assert customer_client.get("/").context["dashboard"].total.roubles == Decimal("10875.00")
    assert "10,875.00\xa0₽" in customer_client.get("/").content.decode()
    assert usd.pk  # the dollars are valued at the bank's buying rate: 10 × 90


@pytest.mark.django_db
def test_the_cached_total_changes_when_a_rate_set_earlier_comes_into_force(customer_client, customer):
    BankAccountFactory(owner=customer, currency="USD", balance="10")
    clerk = StaffFactory()
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95"), set_by=clerk)
    later = set_exchange_rate(
        base="USD", quote="RUB", buy=Decimal("80"), sell=Decimal("85"), set_by=clerk,
        valid_from=timezone.now() + datetime.timedelta(minutes=5),
    )  # fmt: skip
    assert "900.00\xa0₽" in customer_client.get("/").content.decode()  # and now cached
    type(later).objects.filter(pk=later.pk).update(valid_from=timezone.now())  # as if five minutes went by
    assert "800.00\xa0₽" in customer_client.get("/").content.decode()


@pytest.mark.django_db
def test_roubles_come_first_and_the_total_is_in_roubles_at_the_banks_buying_rate(customer_client, customer):
    BankAccountFactory(owner=customer, currency="EUR", balance="2")
    BankAccountFactory(owner=customer, currency="AED", balance="5")  # no rate: left out, and said so
    BankAccountFactory(owner=customer, currency="RUB", balance="100.50")
    clerk = StaffFactory()
    set_exchange_rate(base="EUR", quote="RUB", buy=Decimal("99.995"), sell=Decimal("105"), set_by=clerk)
    response = customer_client.get("/")
    dashboard = response.context["dashboard"]
    assert [account.currency for account in dashboard.bank_accounts] == ["RUB", "AED", "EUR"]
    assert dashboard.total.roubles == Decimal("300.49")  # 100.50 + 2 × 99.995 = 299.99, rounded down to the kopeck
    assert dashboard.total.unvalued == ["AED"]
    page = response.content.decode()
    assert "300.49\xa0₽" in page and "2.00\xa0€" in page and "5.00\xa0AED" in page
    assert "without AED" in page


@pytest.mark.django_db
def test_the_rouble_account_is_the_first_and_preselected_choice_where_an_account_is_chosen(customer_client, customer):
    BankAccountFactory(owner=customer, currency="EUR", balance="1")
    rub = BankAccountFactory(owner=customer, currency="RUB", balance="1")
    BankAccountFactory(owner=customer, currency="CNY", balance="1")
    payment = customer_client.get("/payments/new/").context["form"]
    assert payment.fields["payer"].choices[0][0] == rub.number  # a select's first option is the one chosen
    exchange = customer_client.get("/exchange/").context["form"]
    assert exchange.initial["sell_from"] == rub.number
