"""A survey added in the back office is one taken down for a client, through record_survey_on_behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from surveys.models import Survey, SurveySource
from tests.admin_forms import post_admin_form
from tests.factories import AccountFactory, ClientFactory

# On PostgreSQL too: the services lock rows, and PostgreSQL refuses some locks that SQLite ignores.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ADD = reverse("admin:surveys_survey_add")


@pytest.fixture
def back_office(client):
    client.force_login(AccountFactory(username="office", roles=[roles.BACK_OFFICE], is_staff=True))
    return client


def test_a_survey_from_a_phone_call_is_recorded_and_then_kept_as_said(back_office):
    client = ClientFactory()
    fields = {"client": str(client.pk), "kind": "complaint", "rating": "2", "text": "Долго ждал ответа."}

    from_website = post_admin_form(back_office, ADD, **fields, source=SurveySource.WEBSITE)
    assert "comes from a phone call or the desktop program" in from_website.text
    assert not Survey.objects.exists()

    assert post_admin_form(back_office, ADD, **fields).status_code == 302  # the form offers "phone call"
    survey = Survey.objects.get()
    assert (survey.source, survey.rating, survey.text) == (SurveySource.PHONE, 2, "Долго ждал ответа.")
    page = back_office.get(reverse("admin:surveys_survey_change", args=[survey.pk])).text
    assert 'name="text"' not in page and 'name="rating"' not in page
