"""How the management API refuses input: every bad field named at once, in the caller's language, with what was
expected; the desktop program shows these messages to the product manager as they are."""

from __future__ import annotations

import json

import pytest

from surveys.models import Survey
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def post_in(language: str, api, path: str, data) -> dict:
    response = api.http.post(
        f"/api/v1/{path}",
        json.dumps(data),
        content_type="application/json",
        headers={**api._headers(), "Accept-Language": language},
    )
    assert response.status_code == 400
    return response.json()


def test_every_bad_field_is_explained_at_once_in_russian(api):
    client = ClientFactory()
    answer = post_in(
        "ru", api, "surveys", {"client_id": client.pk, "kind": "rant", "rating": 11, "text": "x" * 4001, "mood": "good"}
    )
    assert answer["error"] == "Некоторые поля заполнены неверно; см. подробности."
    assert answer["details"] == {
        "kind": "Ожидается одно из: question, complaint, suggestion, thanks, nps, csat.",
        "rating": "Ожидается число не больше 10.",
        "text": "Не более 4000 символов.",
        "mood": (
            "Неизвестное поле; ожидаются: client_email, client_id, kind, rating, source, suggestions, taken_on, text."
        ),
    }
    assert not Survey.objects.exists()


def test_the_same_refusal_in_english(api):
    answer = post_in("en", api, "surveys", {"client_id": 0, "kind": "thanks", "rating": "5"})
    assert answer["details"] == {"client_id": "Expected a number not below 1.", "rating": "Expected a whole number."}


def test_a_misspelt_filter_is_refused_with_the_filters_there_are(api):
    response = api.get("news", withdrawn="true", sortt="title")
    assert response.status_code == 400
    assert response.json()["details"] == {
        "sortt": "Unknown field; expected: account_id, date_from, date_to, page, page_size, q, sort, withdrawn."
    }


@pytest.mark.parametrize("path", ["campaigns", "auth/session"])
def test_lists_without_filters_refuse_filters_too(api, path):
    response = api.get(path, q="Иванов")
    assert response.status_code == 400
    assert response.json()["details"] == {"q": "Unknown field."}


def test_fields_in_the_address_of_a_change_are_refused(api):
    response = api.http.post("/api/v1/surveys?rating=5", "{}", content_type="application/json", headers=api._headers())
    assert response.status_code == 400
    assert response.json() == {
        "error": "Send the fields in the JSON body, not in the address.",
        "details": {"rating": "Unknown field."},
    }
