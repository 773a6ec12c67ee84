"""Nobody but a product manager reaches any endpoint of the management API, and nothing changes when refused."""

from __future__ import annotations

import pytest

from accounts.roles import BACK_OFFICE, CHAT_AGENTS, TELEMARKETING_AGENTS
from outreach.models import News
from surveys.models import Survey
from tests.api.conftest import Api
from tests.factories import (
    CustomerFactory,
    NewsFactory,
    StaffFactory,
    SurveyFactory,
    token_for,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("GET", "auth/session", None),
    ("DELETE", "auth/session", None),
    ("GET", "surveys", None),
    ("POST", "surveys", {"client_id": 1, "kind": "thanks", "rating": 5}),
    ("GET", "surveys/statistics", None),
    ("GET", "news", None),
    ("POST", "news", {"title": "T", "body": "B", "audience": "all_customers"}),
    ("PATCH", "news/1", {"title": "T2", "body": "B2"}),
    ("POST", "news/1/withdraw", None),
    ("GET", "clients", None),
    ("GET", "campaigns", None),
]


def caller(role: str) -> Api:
    if role == "anonymous":
        return Api()
    if role == "customer":
        return Api(token_for(CustomerFactory()))
    return Api(token_for(StaffFactory(roles=[role])))


@pytest.fixture
def some_data():
    customer = CustomerFactory()
    SurveyFactory(client=customer.client)
    NewsFactory(account=customer)


@pytest.mark.parametrize("role", ["anonymous", "customer", CHAT_AGENTS, TELEMARKETING_AGENTS, BACK_OFFICE])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_only_product_managers_are_let_in(some_data, role, method, path, body):
    surveys, news = list(Survey.objects.values()), list(News.objects.values())
    response = caller(role).send(method, path, body) if method != "GET" else caller(role).get(path)
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert list(Survey.objects.values()) == surveys and list(News.objects.values()) == news


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_product_manager_is_let_in(some_data, api, method, path, body):
    response = api.send(method, path, body) if method != "GET" else api.get(path)
    assert response.status_code in (200, 201)


def test_the_schema_is_public_json(anonymous):
    response = anonymous.get("openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/auth/token", "/surveys", "/surveys/statistics", "/news", "/clients"} <= set(schema["paths"])


def test_unknown_addresses_and_methods_answer_json(api):
    missing = api.get("nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]
    wrong_method = api.send("PUT", "surveys", {})
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET, POST"
    assert wrong_method.json()["error"] == "This address does not accept PUT."
