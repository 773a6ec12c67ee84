"""Campaigns (started through the lifecycle service), their products, leads and the leads' places in campaigns."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from campaigns.models import Campaign, CampaignLead, Consent, ConsentSource, ContactChannel, Lead, Product
from campaigns.services import start_campaign
from tests.factories.accounts import WorkerFactory

_phones = itertools.count(1)


class CampaignFactory(DjangoModelFactory):
    """An active campaign, started by ``start_campaign``; ``active=False`` leaves it a draft."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = "Вклад «Осень»"
    responsible = factory.SubFactory(WorkerFactory)
    base_amount = Decimal("1000.00")
    # Calls allowed at any hour, so that tests not about calling hours pass whenever they run;
    # ``standard_hours=True`` gives the campaign the bank's default local calling hours instead.
    weekday_from = dt.time(0, 0)
    weekday_until = dt.time.max
    weekend_from = dt.time(0, 0)
    weekend_until = dt.time.max
    # Not advertising, so that tests not about consent need none; pass ``advertising=True`` for one that
    # calls only people who consented (the model's default).
    advertising = False

    class Params:
        standard_hours = factory.Trait(
            weekday_from=Campaign._meta.get_field("weekday_from").default,
            weekday_until=Campaign._meta.get_field("weekday_until").default,
            weekend_from=Campaign._meta.get_field("weekend_from").default,
            weekend_until=Campaign._meta.get_field("weekend_until").default,
        )

    @factory.post_generation
    def active(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted is not False:
            start_campaign(campaign=self)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    campaign = factory.SubFactory(CampaignFactory)
    name = "Вклад 12%"
    kind = "deposit"
    cost = Decimal("250.00")


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    surname = "Иванов"
    name = "Иван"
    phone = factory.LazyFunction(lambda: f"+7916{next(_phones):07d}")
    source = "test"


class CampaignLeadFactory(DjangoModelFactory):
    """A lead in a campaign's call queue."""

    class Meta:
        model = CampaignLead

    campaign = factory.SubFactory(CampaignFactory)
    lead = factory.SubFactory(LeadFactory)


class ConsentFactory(DjangoModelFactory):
    """Consent to advertising calls to a number, given on a signed form."""

    class Meta:
        model = Consent

    channel = ContactChannel.CALLS
    address = factory.LazyFunction(lambda: f"+7916{next(_phones):07d}")
    granted_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    source = ConsentSource.PAPER
    evidence = "Анкета № 1"
