"""The periodic job gives back leads held past the hold timeout by an agent who went away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import CampaignLead, LeadState
from campaigns.services import next_lead
from campaigns.services.call_queue import release_expired_holds
from tests.factories import CampaignLeadFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_leads_held_too_long_go_back_to_the_queue_and_fresh_holds_stay(campaign, settings):
    gone, present = (
        StaffFactory(username="gone", telemarketing_agent=True),
        StaffFactory(username="present", telemarketing_agent=True),
    )
    callback = CampaignLeadFactory.create_batch(3, campaign=campaign)[2]
    CampaignLead.objects.filter(pk=callback.pk).update(
        state=LeadState.CALLBACK, callback_at=timezone.now() - timedelta(minutes=1)
    )
    taken = next_lead(agent=gone, campaign=campaign)
    fresh = next_lead(agent=present, campaign=campaign)
    held_since = timezone.now() - timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES + 1)
    CampaignLead.objects.filter(pk=taken.pk).update(held_since=held_since)

    assert release_expired_holds() == 1
    released = CampaignLead.objects.get(pk=taken.pk)
    assert (released.held_by, released.held_since) == (None, None)
    assert released.state == LeadState.CALLBACK  # the due call-back was taken first; it stays a call-back
    assert CampaignLead.objects.get(pk=fresh.pk).held_by == present
    assert release_expired_holds() == 0
