"""Fixtures of the campaign tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Account
from campaigns.models import Campaign
from tests.factories import (
    CampaignFactory,
    ProductFactory,
    StaffFactory,
)


@pytest.fixture
def agent(db) -> Account:
    return StaffFactory(telemarketing_agent=True)


@pytest.fixture
def campaign(db) -> Campaign:
    campaign = CampaignFactory()
    ProductFactory(campaign=campaign, name="Вклад 12%", kind="deposit", cost=Decimal("250.00"))
    return campaign


@pytest.fixture
def draft_campaign(db) -> Campaign:
    return CampaignFactory(name="Кредитка", active=False)
