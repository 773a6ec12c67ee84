"""Customers write reviews on the website; they become surveys of their client, and they see their own."""

from __future__ import annotations

import pytest

from surveys.models import Survey
from surveys.services import SurveyError, submit_review
from tests.factories import CustomerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(fast_password_hashing) -> None:
    """Customers' logins are made with a password here; these tests are not about hashing."""


REVIEW = {"kind": "complaint", "rating": "2", "text": "The queue at the office was long.", "suggestions": "More staff"}


@pytest.mark.django_db
def test_a_review_is_stored_as_a_website_survey_of_the_customers_client(customer_client, customer):
    response = customer_client.post("/reviews/", REVIEW, follow=True)
    assert "Thank you! We have received your review." in response.content.decode()
    survey = Survey.objects.get()
    assert (survey.client, survey.kind, survey.rating, survey.source) == (customer.client, "complaint", 2, "website")
    assert (survey.text, survey.suggestions) == ("The queue at the office was long.", "More staff")
    assert "The queue at the office was long." in response.content.decode()


@pytest.mark.django_db
def test_the_customer_sees_only_their_own_earlier_reviews(customer_client, customer):
    submit_review(client=customer.client, kind="thanks", text="Mine, thanks", rating=5)
    submit_review(client=CustomerFactory().client, kind="thanks", text="Somebody else's", rating=4)
    page = customer_client.get("/reviews/").content.decode()
    assert "Mine, thanks" in page
    assert "Somebody else&#x27;s" not in page and "Somebody else's" not in page


@pytest.mark.django_db
def test_review_text_is_shown_as_text(customer_client, customer):
    submit_review(client=customer.client, kind="question", text="<script>alert(1)</script>", rating=3)
    page = customer_client.get("/reviews/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"text": "   "}, "This field is required", id="blank-text"),
        pytest.param({"rating": "6"}, "Select a valid choice", id="rating-6"),
        pytest.param({"rating": "0"}, "Select a valid choice", id="rating-0"),
        pytest.param({"rating": "five"}, "Select a valid choice", id="rating-text"),
        pytest.param({"kind": "chat_rating"}, "Select a valid choice", id="not-a-review-kind"),
        pytest.param({"kind": "bribe"}, "Select a valid choice", id="unknown-kind"),
        pytest.param({"text": "x" * 4001}, "at most 4000 characters", id="too-long"),
    ],
)
def test_every_refusal_is_explained_and_stores_nothing(customer_client, fields, message):
    response = customer_client.post("/reviews/", {**REVIEW, **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "chat_rating"}, "Choose what kind of review this is"),
        ({"text": "  "}, "Write the text of your review"),
        ({"rating": 0}, "Rate us from 1 to 5"),
        ({"rating": 6}, "Rate us from 1 to 5"),
        ({"rating": True}, "Rate us from 1 to 5"),
        ({"suggestions": "y" * 4001}, "at most 4000 characters"),
        ({"source": "carrier pigeon"}, "Unknown source"),
    ],
)
def test_the_service_refuses_what_the_form_would_not_let_through(customer, arguments, message):
    with pytest.raises(SurveyError, match=message):
        submit_review(client=customer.client, **{"kind": "thanks", "text": "ok", "rating": 5, **arguments})
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_the_service_trims_the_text(customer):
    survey = submit_review(client=customer.client, kind="suggestion", text="  a cash machine  ", rating=4)
    assert survey.text == "a cash machine"


@pytest.mark.django_db
def test_reviews_need_a_customer(client):
    assert client.get("/reviews/")["Location"] == "/login/?next=/reviews/"
    client.force_login(StaffFactory())
    assert client.post("/reviews/", REVIEW).status_code == 403
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_earlier_reviews_are_paginated(customer_client, customer):
    for n in range(12):
        submit_review(client=customer.client, kind="thanks", text=f"review {n}", rating=5)
    assert len(customer_client.get("/reviews/").context["page"]) == 10
    assert len(customer_client.get("/reviews/?page=2").context["page"]) == 2
