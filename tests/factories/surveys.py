"""Clients' reviews and survey answers."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from surveys.models import Survey
from tests.factories.accounts import ClientFactory


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    client = factory.SubFactory(ClientFactory)
    kind = "complaint"
    rating = 3
