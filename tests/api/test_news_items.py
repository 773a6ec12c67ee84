"""Bank news as a product manager thinks of it: one row per piece of news with how many logins got it and how many
copies are withdrawn, its recipients, and how many logins news would reach before it is published."""

from __future__ import annotations

import pytest
from django.utils import timezone

from outreach.models import News
from tests.factories import PASSWORD, CampaignFactory, CampaignLeadFactory, ClientFactory, CustomerFactory, NewsFactory

pytestmark = pytest.mark.django_db


def publish(title: str, body: str, accounts) -> list[News]:
    return [NewsFactory(account=account, title=title, body=body) for account in accounts]


@pytest.mark.postgres
def test_one_row_per_piece_of_news_with_its_recipients_and_withdrawn_copies(api):
    anna, boris, vera = (CustomerFactory(username=name, password=PASSWORD) for name in ("anna", "boris", "vera"))
    deposit = publish("Новый вклад", "Ставка 12%", [anna, boris, vera])
    publish("Кешбэк", "5% на АЗС", [boris])
    News.objects.filter(pk=deposit[1].pk).update(withdrawn_at=timezone.now())
    answer = api.get("news/items", sort="-recipients").json()
    assert answer["count"] == 2
    rows = [(row["title"], row["body"], row["recipients"], row["withdrawn"]) for row in answer["results"]]
    assert rows == [("Новый вклад", "Ставка 12%", 3, 1), ("Кешбэк", "5% на АЗС", 1, 0)]
    assert answer["results"][0]["id"] == deposit[0].pk


def test_items_sort_filter_and_page(api):
    customers = [CustomerFactory(password=PASSWORD) for _ in range(3)]
    publish("Альфа", "a", customers[:1])
    publish("Бета", "b", customers)
    gamma = publish("Гамма", "c", customers[:2])
    News.objects.filter(pk__in=[row.pk for row in gamma]).update(withdrawn_at=timezone.now())
    titles = [row["title"] for row in api.get("news/items", sort="title").json()["results"]]
    assert titles == ["Альфа", "Бета", "Гамма"]
    assert [row["title"] for row in api.get("news/items", withdrawn="true").json()["results"]] == ["Гамма"]
    assert {row["title"] for row in api.get("news/items", withdrawn="false").json()["results"]} == {"Альфа", "Бета"}
    assert [row["title"] for row in api.get("news/items", q="бета").json()["results"]] == ["Бета"]
    second = api.get("news/items", sort="-recipients", page=2, page_size=2).json()
    assert (second["pages"], [row["title"] for row in second["results"]]) == (2, ["Альфа"])
    assert [row["body"] for row in api.get("news/items", sort="-body").json()["results"]] == ["c", "b", "a"]
    assert api.get("news/items", sort="account").status_code == 400  # a piece of news has many


def test_a_piece_of_news_expands_to_its_recipients(api):
    anna = CustomerFactory(client=ClientFactory(surname="Архипова"), username="anna", password=PASSWORD)
    boris = CustomerFactory(client=ClientFactory(surname="Борисов"), username="boris", password=PASSWORD)
    first, _ = publish("Новый вклад", "Ставка 12%", [boris, anna])
    publish("Другое", "текст", [anna])
    answer = api.get(f"news/items/{first.pk}/recipients").json()
    assert [row["account"]["username"] for row in answer["results"]] == ["anna", "boris"]
    assert api.get("news/items/999999/recipients").status_code == 404


def test_edit_and_withdraw_a_whole_piece_of_news_by_its_row(api):
    rows = publish(
        "Новый вклад", "Ставка 12%", [CustomerFactory(password=PASSWORD), CustomerFactory(password=PASSWORD)]
    )
    item_id = api.get("news/items").json()["results"][0]["id"]
    corrected = {"title": "Новый вклад «Зима»", "body": "Ставка 13%", "everywhere": True}
    assert api.patch(f"news/{item_id}", corrected).json() == {"changed": 2}
    assert api.post(f"news/{item_id}/withdraw", {"everywhere": True}).json() == {"withdrawn": 2}
    [item] = api.get("news/items").json()["results"]
    assert (item["title"], item["recipients"], item["withdrawn"]) == ("Новый вклад «Зима»", 2, 2)
    assert News.objects.filter(pk__in=[row.pk for row in rows], withdrawn_at__isnull=True).count() == 0


def test_audience_is_counted_without_publishing(api):
    anna = CustomerFactory(password=PASSWORD)
    CustomerFactory(password=PASSWORD)
    CustomerFactory(is_active=False, password=PASSWORD)
    campaign = CampaignFactory(name="Осенние вклады", active=False)
    CampaignLeadFactory(lead__client=anna.client, campaign=campaign)
    assert api.get("news/audience", audience="all_customers").json() == {"recipients": 2}
    assert api.get("news/audience", audience="campaign", campaign_id=campaign.pk).json() == {"recipients": 1}
    assert api.get("news/audience", audience="account", account_id=anna.pk).json() == {"recipients": 1}
    assert api.get("news/audience", audience="campaign", campaign_id=999999).json() == {"recipients": 0}
    refused = api.get("news/audience", audience="account")
    assert refused.status_code == 400 and "account_id" in refused.json()["details"]
    assert api.get("news/audience").status_code == 400  # no default audience
    assert News.objects.count() == 0
