"""Surveys through the management API: the list (filters, sorting by any column, pages), adding one on a client's
behalf, and the statistics aggregated in the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Survey, SurveySource
from tests.api.conftest import moscow
from tests.factories import (
    ClientFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_surveys():
    anna = ClientFactory(surname="Абрамова", name="Анна", email="anna@example.ru")
    boris = ClientFactory(surname="Борисов", name="Борис", email="boris@example.ru")
    return [
        SurveyFactory(client=boris, kind="complaint", rating=2, created_at=moscow(2024, 1, 10), text="Долго ждал"),
        SurveyFactory(client=anna, kind="thanks", rating=5, created_at=moscow(2024, 2, 1), text="Спасибо"),
        SurveyFactory(
            client=anna, kind="question", rating=4, created_at=moscow(2024, 2, 20), text="Как открыть вклад?"
        ),
    ]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_newest_first_with_the_client(api, three_surveys):
    response = api.get("surveys")
    assert ids(response) == [s.pk for s in reversed(three_surveys)]
    first = response.json()["results"][0]
    assert first["client"]["full_name"] == "Абрамова Анна" and first["kind_label"] == "question"
    assert first["created_at"].startswith("2024-02-20T12:00:00+03:00")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("rating", [0, 2, 1]),
        ("-rating", [1, 2, 0]),
        ("client", [1, 2, 0]),  # Абрамова before Борисов, then by id
        ("-client", [0, 2, 1]),
        ("kind", [0, 2, 1]),  # complaint, question, thanks
        ("created_at", [0, 1, 2]),
        ("text", [0, 2, 1]),  # Долго, Как, Спасибо
        ("id", [0, 1, 2]),
    ],
)
def test_sorting_by_any_column(api, three_surveys, sort, expected):
    assert ids(api.get("surveys", sort=sort)) == [three_surveys[i].pk for i in expected]


@pytest.mark.postgres
def test_filters(api, three_surveys):
    anna = three_surveys[1].client
    assert ids(api.get("surveys", kind="complaint")) == [three_surveys[0].pk]
    assert ids(api.get("surveys", client_id=anna.pk, sort="id")) == [three_surveys[1].pk, three_surveys[2].pk]
    assert ids(api.get("surveys", date_from="2024-02-01", date_to="2024-02-01")) == [three_surveys[1].pk]
    assert ids(api.get("surveys", rating=2)) == [three_surveys[0].pk]
    assert ids(api.get("surveys", source="phone")) == []


def test_pages(api, three_surveys):
    response = api.get("surveys", sort="id", page=2, page_size=2)
    assert ids(response) == [three_surveys[2].pk]
    assert response.json() | {"results": []} == {"count": 3, "page": 2, "page_size": 2, "pages": 2, "results": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "rant"}, "kind"),
        ({"sort": "password"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"date_from": "01.02.2024"}, "date_from"),
        ({"date_from": "2024-03-01", "date_to": "2024-02-01"}, "date_to"),
        ({"client_id": "abc"}, "client_id"),
        ({"knd": "thanks"}, "knd"),
    ],
)
def test_bad_list_parameters_are_explained(api, three_surveys, params, field):
    response = api.get("surveys", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Some fields are not right; see the details."
    assert set(body["details"]) == {field}


def test_the_list_costs_the_same_queries_whatever_its_length(api, django_assert_num_queries):
    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api.get("surveys").status_code == 200
        return len(context)

    SurveyFactory(client=ClientFactory())
    api.get("auth/session")  # the token's first use is written down; later ones within a minute are not
    few = queries_for_a_page()
    for _ in range(20):
        SurveyFactory(client=ClientFactory())
    assert queries_for_a_page() == few
    # the token and its role (1), the count (1), the page with its clients (1)
    with django_assert_num_queries(3):
        api.get("surveys")


@pytest.mark.postgres
def test_adding_a_survey_for_a_client_found_by_email(api):
    client = ClientFactory(email="anna@example.ru")
    response = api.post(
        "surveys",
        {
            "client_email": "ANNA@example.ru",
            "kind": "complaint",
            "rating": 2,
            "text": " Долго ждал ",
            "source": "desktop",
        },
    )
    assert response.status_code == 201, response.json()
    survey = Survey.objects.get()
    assert (survey.client, survey.kind, survey.rating, survey.text, survey.source) == (
        client,
        "complaint",
        2,
        "Долго ждал",
        SurveySource.DESKTOP,
    )
    assert response.json()["id"] == survey.pk


def test_adding_a_survey_for_a_client_found_by_number_comes_from_a_phone_call(api):
    client = ClientFactory()
    response = api.post("surveys", {"client_id": client.pk, "kind": "thanks", "rating": 5})
    assert response.status_code == 201
    assert Survey.objects.get().source == SurveySource.PHONE


def test_a_survey_written_down_later_keeps_the_day_it_was_taken(api):
    client = ClientFactory()
    response = api.post("surveys", {"client_id": client.pk, "kind": "thanks", "rating": 5, "taken_on": "2024-03-21"})
    assert response.status_code == 201, response.json()
    assert response.json()["created_at"].startswith("2024-03-21T12:00:00+03:00")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "thanks", "rating": 5}, {"client"}),
        ({"client_email": "nobody@example.ru", "kind": "thanks", "rating": 5}, {"client"}),
        ({"client_id": 999999, "kind": "thanks", "rating": 5}, {"client"}),
        ({"client_email": "not-an-email", "kind": "thanks", "rating": 5}, {"client_email"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5}, {"client_id"}),
        ({"client_id": "CLIENT", "kind": "rant", "rating": 11}, {"client_id", "kind", "rating"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 6}, {"rating"}),  # 0–10 is for NPS only
        ({"client_id": "CLIENT", "kind": "thanks", "rating": "5"}, {"rating"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": True}, {"rating"}),
        ({"client_id": "CLIENT", "kind": "chat_rating", "rating": 5}, {"kind"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5, "source": "website"}, {"source"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5, "text": "x" * 4001}, {"text"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5, "mood": "good"}, {"mood"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5, "taken_on": "21.03.2024"}, {"taken_on"}),
        ({"client_id": "CLIENT", "kind": "thanks", "rating": 5, "taken_on": "2999-01-01"}, {"taken_on"}),
    ],
)
def test_bad_surveys_are_explained_and_not_saved(api, body, fields):
    client = ClientFactory()
    other = ClientFactory()
    if body.get("client_id") == "CLIENT" and "client_id" not in fields:
        body["client_id"] = client.pk
    response = api.post("surveys", body)
    assert response.status_code == 400
    assert set(response.json()["details"]) == fields
    assert response.json()["error"]
    assert not Survey.objects.exists()
    assert other  # two clients exist, so an id or e-mail of "someone" would have matched


def test_number_and_email_of_two_different_clients_are_refused(api):
    anna, boris = ClientFactory(), ClientFactory()
    response = api.post("surveys", {"client_id": anna.pk, "client_email": boris.email, "kind": "thanks", "rating": 5})
    assert response.status_code == 400
    assert response.json()["details"] == {"client": "The number and the e-mail belong to two different clients."}
    assert not Survey.objects.exists()


@pytest.mark.postgres
def test_statistics(api, three_surveys):
    SurveyFactory(client=three_surveys[0].client, kind="complaint", rating=1, created_at=moscow(2024, 1, 31, 23))
    response = api.get("surveys/statistics")
    assert response.status_code == 200
    figures = response.json()
    assert figures["total"] == 4
    assert figures["average_rating"] == 3.0
    assert [row["count"] for row in figures["rating_distribution"]] == [1, 1, 0, 1, 1]
    per_kind = {row["kind"]: (row["count"], row["average_rating"]) for row in figures["per_kind"]}
    assert per_kind == {
        "question": (1, 4.0),
        "complaint": (2, 1.5),
        "suggestion": (0, None),
        "thanks": (1, 5.0),
        "chat_rating": (0, None),
        "nps": (0, None),
        "csat": (0, None),
    }
    # 31 January 23:00 in Moscow is still January, though it is 20:00 UTC.
    assert figures["per_month"] == [
        {"month": "2024-01", "count": 2, "average_rating": 1.5},
        {"month": "2024-02", "count": 2, "average_rating": 4.5},
    ]


def test_statistics_follow_the_filters(api, three_surveys):
    figures = api.get("surveys/statistics", date_from="2024-02-01").json()
    assert figures["total"] == 2 and figures["per_month"] == [{"month": "2024-02", "count": 2, "average_rating": 4.5}]
    assert api.get("surveys/statistics", kind="nonsense").status_code == 400


def test_statistics_are_aggregated_in_the_database(api, django_assert_num_queries):
    for rating in (1, 2, 3, 4, 5) * 4:
        SurveyFactory(client=ClientFactory(), rating=rating)
    api.get("auth/session")  # the token's first use is written down; later ones within a minute are not
    # the token and its role (1); totals with the distribution, per kind, per month (3)
    with django_assert_num_queries(4):
        assert api.get("surveys/statistics").json()["total"] == 20


def test_empty_statistics(api):
    figures = api.get("surveys/statistics").json()
    assert figures["total"] == 0 and figures["average_rating"] is None and figures["per_month"] == []
