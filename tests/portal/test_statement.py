"""The statement of one bank account: date filter, pages, CSV."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from banking.models import Receipt
from banking.services import transfer
from tests.factories import ReceiptFactory


def backdate(receipt: Receipt, day: datetime.date) -> None:
    """Receipts never change, so the test moves the time through the queryset, as a DBA would."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    Receipt.objects.filter(pk=receipt.pk).update(created_at=moment)


@pytest.fixture
def dated_receipts(rub_account):
    """One deposit on each of 1, 10 and 20 March 2025 (plus the opening deposit, dated today)."""
    days = [datetime.date(2025, 3, 1), datetime.date(2025, 3, 10), datetime.date(2025, 3, 20)]
    for n, day in enumerate(days, start=1):
        backdate(ReceiptFactory(bank_account=rub_account, amount=Decimal(n), description=f"deposit {n}"), day)
    return days


@pytest.mark.django_db
def test_the_statement_lists_the_operations_with_their_balances(customer_client, rub_account, others_rub_account):
    made = transfer(
        initiated_by=rub_account.owner,
        payer_number=rub_account.number,
        payee_number=others_rub_account.number,
        amount="40",
        idempotency_key=uuid.uuid4(),
        comment="rent",
    )
    page = customer_client.get(f"/bank-accounts/{rub_account.pk}/").content.decode()
    assert "rent" in page
    assert "−40.00\xa0₽" in page
    assert "9,960.00\xa0₽" in page
    assert f'href="/payments/{made.pk}/"' in page


@pytest.mark.django_db
def test_the_date_range_is_inclusive_in_local_time(customer_client, rub_account, dated_receipts):
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=2025-03-10&date_to=2025-03-20")
    descriptions = [operation.receipt.description for operation in response.context["page"]]
    assert descriptions == ["deposit 3", "deposit 2"]


@pytest.mark.django_db
def test_a_backwards_date_range_is_explained(customer_client, rub_account, dated_receipts):
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=2025-03-20&date_to=2025-03-01")
    assert "The start date is after the end date" in response.content.decode()
    assert len(response.context["page"]) == 4  # the filter is not applied


@pytest.mark.django_db
def test_a_malformed_date_is_explained(customer_client, rub_account):
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=yesterday")
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


@pytest.mark.django_db
def test_the_statement_is_paginated_and_keeps_the_filter_in_page_links(customer_client, rub_account):
    for n in range(30):
        ReceiptFactory(bank_account=rub_account, amount=Decimal(1), description=f"d{n}")
    first = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=2000-01-01")
    assert len(first.context["page"]) == 25
    assert "?date_from=2000-01-01&amp;page=2" in first.content.decode()
    second = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=2000-01-01&page=2")
    assert len(second.context["page"]) == 6
    beyond = customer_client.get(f"/bank-accounts/{rub_account.pk}/?page=99")
    assert beyond.status_code == 200


@pytest.mark.django_db
def test_the_csv_has_every_operation_of_the_range(customer_client, rub_account, dated_receipts):
    response = customer_client.get(
        f"/bank-accounts/{rub_account.pk}/statement.csv?date_from=2025-03-01&date_to=2025-03-10"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert f"statement-{rub_account.number}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Operation", "Counterparty", "Amount", "Currency", "Balance after", "Description"]
    assert [row[1:] for row in rows[1:]] == [
        ["credit", "", "2.00", "RUB", "10003.00", "deposit 2"],
        ["credit", "", "1.00", "RUB", "10001.00", "deposit 1"],
    ]
    assert rows[1][0].startswith("2025-03-10 12:00")


@pytest.mark.django_db
def test_statement_pages_do_a_constant_number_of_queries(
    customer_client, rub_account, others_rub_account, django_assert_num_queries
):
    for _n in range(60):
        transfer(
            initiated_by=rub_account.owner,
            payer_number=rub_account.number,
            payee_number=others_rub_account.number,
            amount="1",
            idempotency_key=uuid.uuid4(),
        )
    # session, account, bank account, count, page of receipts
    with django_assert_num_queries(5):
        customer_client.get(f"/bank-accounts/{rub_account.pk}/")
