"""A campaign moves draft → active ⇄ paused, active → finished; nothing else; the times follow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, Product
from campaigns.services import (
    CampaignAction,
    CampaignTransitionError,
    change_campaign_status,
    finish_campaign,
    pause_campaign,
    resume_campaign,
    start_campaign,
)
from tests.factories import (
    CampaignFactory,
)

pytestmark = pytest.mark.django_db

ALLOWED = {
    (CampaignStatus.DRAFT, CampaignAction.START): CampaignStatus.ACTIVE,
    (CampaignStatus.ACTIVE, CampaignAction.PAUSE): CampaignStatus.PAUSED,
    (CampaignStatus.ACTIVE, CampaignAction.FINISH): CampaignStatus.FINISHED,
    (CampaignStatus.PAUSED, CampaignAction.RESUME): CampaignStatus.ACTIVE,
}
PATH_TO = {
    CampaignStatus.DRAFT: [],
    CampaignStatus.ACTIVE: [CampaignAction.START],
    CampaignStatus.PAUSED: [CampaignAction.START, CampaignAction.PAUSE],
    CampaignStatus.FINISHED: [CampaignAction.START, CampaignAction.FINISH],
}


def campaign_in(status: str) -> Campaign:
    campaign = CampaignFactory(active=False)
    for action in PATH_TO[status]:
        change_campaign_status(campaign=campaign, action=action)
    assert campaign.status == status
    return campaign


def test_the_whole_life_of_a_campaign_stamps_start_once_and_end_at_the_finish():
    campaign = CampaignFactory(active=False)
    assert (campaign.started_at, campaign.ended_at) == (None, None)
    before = timezone.now()
    start_campaign(campaign=campaign)
    started = campaign.started_at
    assert started >= before and campaign.ended_at is None
    pause_campaign(campaign=campaign)
    resume_campaign(campaign=campaign)
    assert campaign.started_at == started, "resuming does not restart the campaign"
    finish_campaign(campaign=campaign)
    stored = Campaign.objects.get(pk=campaign.pk)
    assert stored.status == CampaignStatus.FINISHED
    assert stored.started_at == started
    assert stored.ended_at >= stored.started_at


@pytest.mark.parametrize("status", CampaignStatus.values)
@pytest.mark.parametrize("action", CampaignAction.values)
def test_every_action_from_every_status_is_allowed_or_refused_with_a_message(status, action):
    campaign = campaign_in(status)
    before = Campaign.objects.values().get(pk=campaign.pk)
    target = ALLOWED.get((status, action))
    if target is None:
        with pytest.raises(CampaignTransitionError) as refused:
            change_campaign_status(campaign=campaign, action=action)
        assert campaign.name in str(refused.value)
        assert Campaign.objects.values().get(pk=campaign.pk) == before, "a refused transition changes nothing"
    else:
        change_campaign_status(campaign=campaign, action=action)
        stored = Campaign.objects.get(pk=campaign.pk)
        assert stored.status == target
        assert stored.started_at is not None
        assert (stored.ended_at is not None) == (target == CampaignStatus.FINISHED)


def test_refusals_say_what_to_do():
    paused = campaign_in(CampaignStatus.PAUSED)
    with pytest.raises(CampaignTransitionError, match="resume it before finishing it"):
        finish_campaign(campaign=paused)
    with pytest.raises(CampaignTransitionError, match=r"Only a draft campaign can be started; .* is paused"):
        start_campaign(campaign=paused)
    with pytest.raises(CampaignTransitionError, match="Unknown campaign action"):
        change_campaign_status(campaign=paused, action="delete")


def test_a_stale_campaign_object_cannot_replay_a_transition():
    campaign = campaign_in(CampaignStatus.ACTIVE)
    stale = Campaign.objects.get(pk=campaign.pk)
    finish_campaign(campaign=campaign)
    with pytest.raises(CampaignTransitionError):
        pause_campaign(campaign=stale)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.FINISHED


def test_the_database_refuses_a_finished_campaign_without_an_end_time():
    campaign = campaign_in(CampaignStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.FINISHED)


def test_budget_follows_base_amount_and_every_product_change():
    campaign = CampaignFactory(active=False, base_amount=Decimal("1000.00"))
    assert Campaign.objects.get(pk=campaign.pk).budget == Decimal("1000.00")

    def budget() -> Decimal:
        return Campaign.objects.get(pk=campaign.pk).budget

    deposit = Product.objects.create(campaign=campaign, name="Вклад", kind="deposit", cost=Decimal("250.50"))
    card = Product.objects.create(campaign=campaign, name="Карта", kind="card", cost=Decimal("100.00"))
    assert budget() == Decimal("1350.50")
    deposit.cost = Decimal("300.00")
    deposit.save()
    assert budget() == Decimal("1400.00")
    card.delete()
    assert budget() == Decimal("1300.00")
    campaign.refresh_from_db()
    campaign.base_amount = Decimal("2000.00")
    campaign.save()
    assert budget() == Decimal("2300.00")
    other = CampaignFactory(name="Другая", active=False, base_amount=Decimal("0"))
    deposit.campaign = other
    deposit.save()
    assert budget() == Decimal("2000.00")
    assert Campaign.objects.get(pk=other.pk).budget == Decimal("300.00")
