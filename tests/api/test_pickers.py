"""The pickers of the desktop program: clients by name, e-mail or phone; campaigns."""

from __future__ import annotations

import pytest

from tests.factories import (
    CampaignFactory,
    ClientFactory,
    CustomerFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients():
    anna = ClientFactory(surname="Абрамова", name="Анна", email="anna@example.ru", phone="+79161112233")
    CustomerFactory(client=anna, username="anna")
    CustomerFactory(client=anna, username="anna-old", is_active=False)
    boris = ClientFactory(surname="Борисов", name="Борис", email="boris@mail.example", phone="+79035556677")
    return anna, boris


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("абрам", ["anna"]),
        ("Анна Абрамова", ["anna"]),
        ("mail.example", ["boris"]),
        ("5556", ["boris"]),
        ("", ["anna", "boris"]),
    ],
)
def test_search_by_name_email_or_phone(api, clients, query, expected):
    response = api.get("clients", q=query)
    assert response.status_code == 200
    found = [row["email"].split("@")[0] for row in response.json()["results"]]
    assert found == expected


def test_a_client_comes_with_their_active_logins(api, clients):
    row = api.get("clients", q="anna").json()["results"][0]
    assert row["full_name"] == "Абрамова Анна" and row["phone"] == "+79161112233"
    assert [login["username"] for login in row["accounts"]] == ["anna"]


def test_search_is_two_queries_whatever_it_finds(api, clients, django_assert_num_queries):
    for number in range(10):
        CustomerFactory(client=ClientFactory(surname=f"Абрамов{number}"))
    api.get("auth/session")
    with django_assert_num_queries(3):
        assert len(api.get("clients", q="абрам", limit=20).json()["results"]) == 11


def test_bad_search_is_explained(api):
    response = api.get("clients", limit=500)
    assert response.status_code == 400 and "limit" in response.json()["details"]


def test_campaigns_for_the_audience_picker(api):
    CampaignFactory(name="Осенние вклады", active=False)
    rows = api.get("campaigns").json()["results"]
    assert [(row["name"], row["status"]) for row in rows] == [("Осенние вклады", "draft")]


def test_each_campaign_comes_with_its_products_and_their_interest_rates(api, django_assert_num_queries):
    for number in range(3):
        campaign = CampaignFactory(name=f"Кампания {number}", active=False)
        ProductFactory(campaign=campaign, name="Вклад «Надёжный»", kind="deposit", interest_rate="16.50")
        ProductFactory(campaign=campaign, name="Страхование", kind="insurance", interest_rate=None)
    api.get("auth/session")

    with django_assert_num_queries(3):  # the token, the campaigns, their products: whatever the number of campaigns
        rows = api.get("campaigns").json()["results"]

    assert [(product["name"], product["kind_label"], product["interest_rate"]) for product in rows[0]["products"]] == [
        ("Вклад «Надёжный»", "deposit", "16.50"),
        ("Страхование", "insurance", None),
    ]
