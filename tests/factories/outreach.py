"""Personal messages and bank news (the model computes the news' digest when it is saved)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from outreach.models import Message, News
from tests.factories.accounts import ClientFactory, CustomerFactory


class MessageFactory(DjangoModelFactory):
    """A personal message to a client (pass ``client=None, lead=...`` for a lead)."""

    class Meta:
        model = Message

    client = factory.SubFactory(ClientFactory)
    subject = "Предложение"
    body = "Вклад 12%"


class NewsFactory(DjangoModelFactory):
    class Meta:
        model = News

    account = factory.SubFactory(CustomerFactory)
    title = "Новый вклад"
    body = "Ставка 12%"
