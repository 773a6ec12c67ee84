"""Call outcomes as data: unanswered calls come back after their delay, until the maximum of calls; a wrong
number leaves every campaign; a campaign may have outcomes of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from campaigns.models import CallAttempt, CampaignLead, Disposition, LeadState
from campaigns.services import CallQueueError, call_queue, next_lead, record_outcome
from tests.factories import CampaignFactory, CampaignLeadFactory, LeadFactory, StaffFactory

pytestmark = pytest.mark.django_db


def make_due(campaign_lead: CampaignLead) -> None:
    CampaignLead.objects.filter(pk=campaign_lead.pk).update(callback_at=timezone.now() - dt.timedelta(minutes=1))


def test_every_campaign_has_the_system_outcomes_with_hotkeys():
    outcomes = Disposition.objects.filter(campaign=None)
    assert set(outcomes.values_list("code", flat=True)) == {
        "no_answer", "busy", "voicemail", "wrong_number", "callback",
        "interested", "not_interested", "converted", "do_not_call",
    }  # fmt: skip
    assert sorted(outcomes.values_list("hotkey", flat=True)) == [str(n) for n in range(1, 10)]
    busy = outcomes.get(code="busy")
    assert (busy.lead_state, busy.recycle_after, busy.reached, busy.is_final) == (
        "recycle", dt.timedelta(minutes=15), False, False,
    )  # fmt: skip


def test_an_unanswered_lead_returns_to_the_queue_after_two_hours(campaign, agent):
    (lead,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    before = timezone.now()
    attempt = record_outcome(agent=agent, campaign_lead=held, outcome="no_answer")
    lead.refresh_from_db()
    assert (lead.state, lead.attempts, attempt.outcome, attempt.disposition.code) == (
        "recycle",
        1,
        "recycle",
        "no_answer",
    )
    assert before + dt.timedelta(hours=2) <= lead.callback_at <= timezone.now() + dt.timedelta(hours=2)
    assert next_lead(agent=StaffFactory(username="other", telemarketing_agent=True), campaign=campaign) is None, (
        "not before its time"
    )
    later = lead.callback_at + dt.timedelta(minutes=1)
    assert list(call_queue(campaign=campaign, now=later)) == [lead]


def test_a_lead_busy_six_times_is_closed_as_unreachable(campaign, agent):
    (lead,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    for _call in range(5):
        held = next_lead(agent=agent, campaign=campaign)
        assert held is not None
        record_outcome(agent=agent, campaign_lead=held, outcome="busy")
        make_due(held)
    held = next_lead(agent=agent, campaign=campaign)
    record_outcome(agent=agent, campaign_lead=held, outcome="busy")
    lead.refresh_from_db()
    assert (lead.state, lead.attempts, lead.callback_at) == ("unreachable", 6, None)
    assert CallAttempt.objects.filter(campaign_lead=lead).count() == 6
    assert next_lead(agent=agent, campaign=campaign) is None


def test_a_wrong_number_leaves_every_campaign(campaign, agent):
    other, third = CampaignFactory(name="Кредитка"), CampaignFactory(name="Ипотека")
    person, bystander = LeadFactory(), LeadFactory()
    here = CampaignLead.objects.create(campaign=campaign, lead=person)
    there = CampaignLead.objects.create(campaign=other, lead=person)
    CampaignLead.objects.create(campaign=other, lead=bystander)
    held = next_lead(agent=agent, campaign=campaign)
    assert held == here
    record_outcome(agent=agent, campaign_lead=held, outcome="wrong_number")
    there.refresh_from_db()
    assert there.state == LeadState.WRONG_NUMBER
    assert next_lead(agent=agent, campaign=other).lead == bystander
    CampaignLead.objects.create(campaign=third, lead=person)  # linked again later, by hand
    assert next_lead(agent=agent, campaign=third) is None


def test_a_campaign_records_its_own_outcome_that_others_do_not_have(campaign, agent):
    own = Disposition.objects.create(
        campaign=campaign, code="has_deposit", name="Уже есть вклад", lead_state=LeadState.NOT_INTERESTED, reached=True
    )
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    attempt = record_outcome(
        agent=agent, campaign_lead=next_lead(agent=agent, campaign=campaign), outcome="has_deposit"
    )
    assert (attempt.disposition, attempt.outcome) == (own, "not_interested")
    other = CampaignFactory(name="Кредитка")
    CampaignLeadFactory.create_batch(1, campaign=other)
    held = next_lead(agent=agent, campaign=other)
    with pytest.raises(CallQueueError, match="Choose what came of the call"):
        record_outcome(agent=agent, campaign_lead=held, outcome="has_deposit")


def test_the_database_refuses_a_recycling_outcome_without_its_delay(campaign):
    with pytest.raises(IntegrityError):
        Disposition.objects.create(campaign=campaign, code="later", name="Позже", lead_state=LeadState.RECYCLE)
