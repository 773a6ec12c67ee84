"""Fixtures of the campaign tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Account
from campaigns.models import Campaign, Product
from tests.campaigns.factories import make_agent, make_campaign


@pytest.fixture
def agent(db) -> Account:
    return make_agent()


@pytest.fixture
def campaign(db) -> Campaign:
    campaign = make_campaign()
    Product.objects.create(campaign=campaign, name="Вклад 12%", kind="deposit", cost=Decimal("250.00"))
    return campaign


@pytest.fixture
def draft_campaign(db) -> Campaign:
    return make_campaign(name="Кредитка", active=False)
