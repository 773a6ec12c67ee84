"""Input (ASVS V5): text cleaned or refused, JSON bounded, out-of-range dates a readable 400, no-store on money."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import Account
from api.http import MAX_JSON_BYTES
from banking.models import BankAccount
from core.text import clean_text, json_problem
from surveys.models import Survey
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def customer_client():
    customer = CustomerFactory(username="ivanov", password=PASSWORD)
    client = Client()
    client.force_login(customer)
    client.bank_account = BankAccountFactory(owner=customer, currency="RUB", balance="1000.00")
    return client


def api_post(path: str, raw: str | bytes):
    manager = Account.objects.filter(username="olga").first() or StaffFactory(
        username="olga", product_manager=True, password=PASSWORD
    )
    token = token_for(manager)
    return Client().post(
        f"/api/v1/{path}", raw, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_control_characters_and_lone_surrogates_are_taken_out_of_text():
    assert clean_text("Спасибо\x00\x07 за\u200b помощь\ud800!\n\tВсё") == "Спасибо за\u200b помощь!\n\tВсё"


def test_a_review_with_control_characters_is_saved_clean(customer_client):
    response = customer_client.post("/reviews/", {"kind": "thanks", "rating": "5", "text": "Хорошо\x1b[31m\x07 всё"})
    assert response.status_code == 302
    assert Survey.objects.get().text == "Хорошо[31m всё"


def test_a_lone_surrogate_in_a_json_text_is_a_400():
    response = api_post("news", '{"title": "\\ud800", "body": "x", "audience": "all_customers"}')
    assert response.status_code == 400
    assert "lone surrogate" in response.json()["error"]


def test_deeply_nested_or_huge_json_is_refused_with_a_message():
    assert api_post("news", "[" * 5000 + "]" * 5000).status_code == 400
    deep: object = "x"
    for _level in range(25):
        deep = [deep]
    nested = api_post("news", json.dumps({"title": deep}))
    assert nested.status_code == 400 and nested.json()["error"] == "The request body is nested too deeply."
    huge = api_post("news", json.dumps({"title": "x" * (MAX_JSON_BYTES + 1)}))
    assert huge.status_code == 413
    assert json_problem({"a": [1, {"b": "ok"}]}) is None


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1000-05-05"])
def test_extreme_dates_in_the_statement_are_a_400_that_says_the_range(customer_client, date):
    account: BankAccount = customer_client.bank_account
    page = customer_client.get(f"/bank-accounts/{account.pk}/", {"date_from": date, "date_to": date})
    assert page.status_code == 400
    assert "Expected a date from 01.01.1900 to 31.12.2199." in page.content.decode()
    csv = customer_client.get(f"/bank-accounts/{account.pk}/statement.csv", {"date_to": date})
    assert csv.status_code == 400 and "01.01.1900" in csv.content.decode()


def test_extreme_dates_in_the_api_are_a_400():
    token = token_for(StaffFactory(username="olga", product_manager=True, password=PASSWORD))
    response = Client().get("/api/v1/surveys", {"date_to": "9999-12-31"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json()["details"]["date_to"] == "Expected a date from 01.01.1900 to 31.12.2199."


def test_pages_and_downloads_with_money_are_never_stored_by_the_browser(customer_client):
    account = customer_client.bank_account
    for path in ("/", f"/bank-accounts/{account.pk}/", f"/bank-accounts/{account.pk}/statement.csv", "/payments/new/"):
        response = customer_client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


def test_the_payment_link_names_the_account_by_its_key_not_its_number(customer_client):
    account = customer_client.bank_account
    page = customer_client.get("/").content.decode()
    assert f"?from={account.pk}" in page and f"?from={account.number}" not in page
