"""Bank news through the management API: the list, publishing to one login or a segment without publishing the
same news twice to a login (rule 6), corrections and withdrawal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import News
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    ClientFactory,
    CustomerFactory,
    MessageFactory,
    NewsFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

NEWS = {"title": "Новый вклад «Осень»", "body": "Ставка 12% годовых."}


def recipients(title: str = NEWS["title"]) -> set[str]:
    return set(News.objects.filter(title=title).values_list("account__username", flat=True))


def test_publish_to_one_login(api):
    anna = CustomerFactory(username="anna")
    CustomerFactory(username="boris")
    response = api.post("news", {**NEWS, "audience": "account", "account_id": anna.pk})
    assert response.status_code == 201
    assert response.json() == {"published": 1, "already_had": 0}
    assert recipients() == {"anna"}


def test_publish_to_all_customers_skips_staff_and_inactive_logins(api):
    CustomerFactory(username="anna")
    CustomerFactory(username="boris")
    CustomerFactory(username="gone", is_active=False)
    StaffFactory(username="colleague", product_manager=True)
    assert api.post("news", {**NEWS, "audience": "all_customers"}).json() == {"published": 2, "already_had": 0}
    assert recipients() == {"anna", "boris"}


@pytest.mark.postgres
def test_the_same_news_is_never_published_twice_to_a_login(api):
    anna = CustomerFactory(username="anna")
    api.post("news", {**NEWS, "audience": "account", "account_id": anna.pk})
    CustomerFactory(username="boris")
    response = api.post("news", {**NEWS, "audience": "all_customers"})
    assert response.status_code == 201
    assert response.json() == {"published": 1, "already_had": 1}
    again = api.post("news", {"title": f"  {NEWS['title']} ", "body": NEWS["body"], "audience": "all_customers"})
    assert again.status_code == 200
    assert again.json() == {"published": 0, "already_had": 2}
    assert News.objects.count() == 2


@pytest.mark.postgres
def test_a_campaigns_customers_are_the_clients_its_leads_became_and_those_it_wrote_to(api):
    campaign = CampaignFactory(name="Осенние вклады", active=False)
    converted = CustomerFactory(username="converted")
    written_to = CustomerFactory(username="written_to")
    CustomerFactory(username="outsider")
    CampaignLeadFactory(campaign=campaign, lead__client=converted.client)
    MessageFactory(client=written_to.client, campaign=campaign)
    MessageFactory(client=converted.client, campaign=campaign)  # reached twice, gets the news once
    response = api.post("news", {**NEWS, "audience": "campaign", "campaign_id": campaign.pk})
    assert response.json() == {"published": 2, "already_had": 0}
    assert recipients() == {"converted", "written_to"}


def test_publishing_to_many_costs_a_constant_number_of_queries(api):
    for _ in range(30):
        CustomerFactory()
    api.get("auth/session")
    with CaptureQueriesContext(connection) as context:
        assert api.post("news", {**NEWS, "audience": "all_customers"}).json()["published"] == 30
    assert len(context) <= 8


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"body": "B", "audience": "all_customers"}, {"title"}),
        ({"title": "   ", "body": "B", "audience": "all_customers"}, {"title"}),
        ({"title": "T" * 201, "body": "B", "audience": "all_customers"}, {"title"}),
        ({"title": "T", "body": "", "audience": "all_customers"}, {"body"}),
        ({"title": "T", "body": "B", "audience": "everyone"}, {"audience"}),
        ({"title": "T", "body": "B", "audience": "account"}, {"account_id"}),
        ({"title": "T", "body": "B", "audience": "account", "account_id": 999999}, {"account_id"}),
        ({"title": "T", "body": "B", "audience": "account", "account_id": "STAFF"}, {"account_id"}),
        ({"title": "T", "body": "B", "audience": "campaign"}, {"campaign_id"}),
        ({"title": "T", "body": "B", "audience": "campaign", "campaign_id": 999999}, {"campaign_id"}),
        ({"title": "T", "body": "B", "audience": "campaign", "campaign_id": "1"}, {"campaign_id"}),
        ({"title": "T\x00", "body": "B", "audience": "all_customers"}, {"title"}),
    ],
)
def test_bad_news_is_explained_and_not_published(api, body, fields):
    CustomerFactory()
    if body.get("account_id") == "STAFF":
        body["account_id"] = StaffFactory(product_manager=True).pk  # news goes to customers only
    response = api.post("news", body)
    assert response.status_code == 400
    assert set(response.json()["details"]) == fields
    assert not News.objects.exists()


@pytest.fixture
def three_news():
    anna = CustomerFactory(username="anna", client=ClientFactory(surname="Абрамова"))
    boris = CustomerFactory(username="boris", client=ClientFactory(surname="Борисов"))
    first = NewsFactory(account=boris, title="Б-новость", body="карты")
    second = NewsFactory(account=anna, title="В-новость", body="вклады")
    third = NewsFactory(account=anna, title="А-новость", body="ипотека")
    return [first, second, third]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-published_at", [2, 1, 0]),
        ("title", [2, 0, 1]),
        ("-title", [1, 0, 2]),
        ("account", [1, 2, 0]),  # anna's two (by id), then boris
        ("client", [1, 2, 0]),
        ("body", [1, 2, 0]),  # вклады, ипотека, карты
        ("withdrawn_at", [0, 1, 2]),
    ],
)
def test_news_sorted_by_any_column(api, three_news, sort, expected):
    assert ids(api.get("news", sort=sort)) == [three_news[i].pk for i in expected]


def test_news_filters_and_pages(api, three_news):
    anna = three_news[1].account
    assert ids(api.get("news", q="ипотек")) == [three_news[2].pk]
    assert ids(api.get("news", account_id=anna.pk, sort="id")) == [three_news[1].pk, three_news[2].pk]
    api.post(f"news/{three_news[0].pk}/withdraw")
    assert ids(api.get("news", withdrawn="true")) == [three_news[0].pk]
    assert ids(api.get("news", withdrawn="false", sort="id")) == [three_news[1].pk, three_news[2].pk]
    page = api.get("news", sort="id", page_size=2, page=2).json()
    assert (page["count"], page["pages"], [row["id"] for row in page["results"]]) == (3, 2, [three_news[2].pk])
    row = api.get("news", sort="id").json()["results"][0]
    assert row["account"]["username"] == "boris" and row["account"]["client"]["full_name"].startswith("Борисов")


@pytest.mark.parametrize(
    "params", [{"withdrawn": "yes"}, {"sort": "digest"}, {"date_to": "tomorrow"}, {"account_id": "-1"}]
)
def test_bad_news_list_parameters_are_explained(api, params):
    response = api.get("news", **params)
    assert response.status_code == 400
    assert set(response.json()["details"]) == set(params)


def test_the_news_list_costs_the_same_queries_whatever_its_length(api, django_assert_num_queries):
    for _ in range(15):
        NewsFactory(account=CustomerFactory())
    api.get("auth/session")
    # the token and its role (1), the count (1), the page with accounts and clients (1)
    with django_assert_num_queries(3):
        assert api.get("news").json()["count"] == 15


def test_correcting_one_copy(api, three_news):
    response = api.patch(f"news/{three_news[1].pk}", {"title": "Исправлено", "body": "Новый текст"})
    assert response.json() == {"changed": 1}
    three_news[1].refresh_from_db()
    assert (three_news[1].title, three_news[1].body) == ("Исправлено", "Новый текст")
    assert len(three_news[1].digest) == 64


@pytest.mark.postgres
def test_correcting_every_copy_of_broadcast_news(api):
    for _ in range(3):
        CustomerFactory()
    api.post("news", {**NEWS, "audience": "all_customers"})
    one = News.objects.first()
    assert api.patch(f"news/{one.pk}", {"title": "Вклад «Зима»", "body": "12%", "everywhere": True}).json() == {
        "changed": 3
    }
    assert set(News.objects.values_list("title", flat=True)) == {"Вклад «Зима»"}
    # republishing the corrected news finds every login has it
    assert api.post("news", {"title": "Вклад «Зима»", "body": "12%", "audience": "all_customers"}).json() == {
        "published": 0,
        "already_had": 3,
    }


@pytest.mark.postgres
def test_a_correction_that_would_duplicate_news_is_refused(api, three_news):
    second, third = three_news[1], three_news[2]  # both anna's
    response = api.patch(f"news/{second.pk}", {"title": third.title, "body": third.body})
    assert response.status_code == 400
    assert "twice" in response.json()["error"]
    second.refresh_from_db()
    assert second.title == "В-новость"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "body": "B"}, "title"),
        ({"title": "T"}, "body"),
        ({"title": "T", "body": "B", "everywhere": 1}, "everywhere"),
    ],
)
def test_bad_corrections_are_explained(api, three_news, body, field):
    response = api.patch(f"news/{three_news[0].pk}", body)
    assert response.status_code == 400 and field in response.json()["details"]
    three_news[0].refresh_from_db()
    assert three_news[0].title == "Б-новость"


def test_unknown_news_is_404(api):
    assert api.patch("news/999999", {"title": "T", "body": "B"}).status_code == 404
    response = api.post("news/999999/withdraw")
    assert response.status_code == 404 and response.json()["error"] == "There is no news with this number."
    assert api.post("news/99999999999999999999999/withdraw").status_code == 404


def test_withdrawing(api, three_news):
    assert api.post(f"news/{three_news[0].pk}/withdraw").json() == {"withdrawn": 1}
    assert api.post(f"news/{three_news[0].pk}/withdraw").json() == {"withdrawn": 0}
    three_news[0].refresh_from_db()
    assert three_news[0].withdrawn_at is not None
    assert News.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_withdrawing_every_copy(api):
    for _ in range(3):
        CustomerFactory()
    api.post("news", {**NEWS, "audience": "all_customers"})
    NewsFactory(account=CustomerFactory(), title="Другая")
    one = News.objects.filter(title=NEWS["title"]).first()
    assert api.post(f"news/{one.pk}/withdraw", {"everywhere": True}).json() == {"withdrawn": 3}
    assert News.objects.filter(withdrawn_at__isnull=True).get().title == "Другая"
