"""Every form of the website and every endpoint of the management API, fed hostile input (control characters,
lone surrogates, extreme dates and numbers, odd JSON): never a server error (ASVS V5.1). The test client
raises the view's exception, so a 500 fails the example that caused it."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

EXTREMES = ["", "0", "-1", "1e309", "NaN", "9" * 40, "0001-01-01", "9999-12-31", "2026-02-30", "31.12.9999", "\x00"]
TEXT = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
)
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def form_body(fields: dict[str, str]) -> str:
    """URL-encoded as a browser would, lone surrogates and all (as bytes the server must survive)."""
    return urllib.parse.urlencode({key: value.encode("utf-8", "surrogatepass") for key, value in fields.items()})


def post_form(client: Client, path: str, fields: dict[str, str]):
    return client.post(path, form_body(fields), content_type="application/x-www-form-urlencoded")


def no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def customer_client() -> Client:
    customer = CustomerFactory(username="ivanov", password=PASSWORD)
    client = Client()
    client.force_login(customer)
    client.bank_account = BankAccountFactory(owner=customer, balance="1000.00")
    return client


@pytest.fixture
def bearer() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for(StaffFactory(username='olga', product_manager=True, password=PASSWORD))}"
    }


CUSTOMER_FORMS = {
    "/payments/new/": ("payer", "recipient", "amount", "comment", "idempotency_key"),
    "/payments/confirm/": ("payer", "recipient", "amount", "comment", "idempotency_key"),
    "/reviews/": ("kind", "rating", "text", "suggestions"),
    "/password/": ("old_password", "new_password1", "new_password2"),
}


@FUZZ
@given(path=st.sampled_from(sorted(CUSTOMER_FORMS)), values=st.lists(TEXT, min_size=5, max_size=5))
def test_customer_forms(customer_client, path, values):
    no_server_error(post_form(customer_client, path, dict(zip(CUSTOMER_FORMS[path], values, strict=False))))
    customer_client.force_login(customer_client.bank_account.owner)  # a password change signs the others out


@FUZZ
@given(date_from=TEXT, date_to=TEXT, page=TEXT, csv=st.booleans())
def test_statement_filters(customer_client, date_from, date_to, page, csv):
    path = f"/bank-accounts/{customer_client.bank_account.pk}/" + ("statement.csv" if csv else "")
    query = form_body({"date_from": date_from, "date_to": date_to, "page": page})
    no_server_error(customer_client.get(f"{path}?{query}"))


@FUZZ
@given(username=TEXT, password=TEXT, remember=TEXT, following=TEXT)
def test_the_sign_in_form(username, password, remember, following):
    fields = {"username": username, "password": password, "remember_me": remember, "next": following}
    no_server_error(post_form(Client(), "/login/", fields))


@FUZZ
@given(code=TEXT, following=TEXT)
def test_the_second_factor_form(code, following):
    client = Client()
    client.force_login(StaffFactory(password=PASSWORD))
    no_server_error(post_form(client, "/two-factor/setup/", {"code": code, "next": following}))


API_WRITES = [
    ("post", "surveys"),
    ("post", "news"),
    ("patch", "news/1"),
    ("post", "news/1/withdraw"),
    ("post", "auth/token"),
]
API_READS = ["surveys", "surveys/statistics", "news", "clients", "campaigns", "auth/session"]
API_QUERY_NAMES = ["kind", "source", "client_id", "rating", "date_from", "date_to", "sort", "page", "page_size", "q"]


@FUZZ
@given(target=st.sampled_from(API_WRITES), body=JSON_VALUE)
def test_api_writes(bearer, target, body):
    method, path = target
    raw = json.dumps(body)  # ensure_ascii: lone surrogates travel as \\udXXX escapes, as any JSON library sends them
    response = getattr(Client(), method)(f"/api/v1/{path}", raw, content_type="application/json", headers=bearer)
    no_server_error(response)


@FUZZ
@given(path=st.sampled_from(API_READS), names=st.lists(st.sampled_from(API_QUERY_NAMES), max_size=4), values=st.data())
def test_api_reads(bearer, path, names, values):
    query = form_body({name: values.draw(TEXT) for name in names})
    no_server_error(Client().get(f"/api/v1/{path}?{query}", headers=bearer))
