"""The call queue: who gets which lead, call-backs, do-not-call, abandoned leads, outcomes, conversion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Client
from campaigns.models import CallAttempt, CampaignLead, DoNotCall, Lead, LeadState
from campaigns.services import (
    CallQueueError,
    NewClientDetails,
    next_lead,
    pause_campaign,
    record_outcome,
    resume_campaign,
)
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    ClientFactory,
    LeadFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DETAILS = NewClientDetails(email="ivanov@example.com", sex="M", birth_date=dt.date(1985, 5, 17))


def in_minutes(minutes: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_each_agent_gets_a_different_lead_and_the_same_one_again_until_they_record_an_outcome(campaign):
    first, second = CampaignLeadFactory.create_batch(2, campaign=campaign)
    alice, bob = (StaffFactory(username=name, telemarketing_agent=True) for name in ("alice", "bob"))
    given = next_lead(agent=alice, campaign=campaign)
    assert given.pk == first.pk
    assert (given.state, given.held_by_id) == (LeadState.IN_PROGRESS, alice.pk)
    assert next_lead(agent=alice, campaign=campaign).pk == first.pk, "asking again returns the held lead"
    assert next_lead(agent=bob, campaign=campaign).pk == second.pk
    assert next_lead(agent=StaffFactory(username="carol", telemarketing_agent=True), campaign=campaign) is None


def test_due_call_backs_come_before_new_leads_and_future_ones_wait(campaign, agent):
    new, due_later, due_earlier, not_yet = CampaignLeadFactory.create_batch(4, campaign=campaign)
    CampaignLead.objects.filter(pk=due_later.pk).update(state=LeadState.CALLBACK, callback_at=in_minutes(-5))
    CampaignLead.objects.filter(pk=due_earlier.pk).update(state=LeadState.CALLBACK, callback_at=in_minutes(-60))
    CampaignLead.objects.filter(pk=not_yet.pk).update(state=LeadState.CALLBACK, callback_at=in_minutes(30))
    handed = []
    for _ in range(4):
        lead = next_lead(agent=agent, campaign=campaign)
        if lead is None:
            break
        handed.append(lead.pk)
        record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.NOT_INTERESTED)
    assert handed == [due_earlier.pk, due_later.pk, new.pk]


def test_a_call_back_comes_back_when_its_time_has_come(campaign, agent):
    (only,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    lead = next_lead(agent=agent, campaign=campaign)
    record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.CALLBACK, callback_at=in_minutes(20))
    assert next_lead(agent=agent, campaign=campaign) is None
    CampaignLead.objects.filter(pk=only.pk).update(callback_at=in_minutes(-1))
    assert next_lead(agent=StaffFactory(username="bob", telemarketing_agent=True), campaign=campaign).pk == only.pk


def test_do_not_call_in_one_campaign_keeps_the_lead_out_of_every_campaign(campaign, agent):
    other = CampaignFactory(name="Ипотека")
    lead = LeadFactory()
    here = CampaignLeadFactory(campaign=campaign, lead=lead)
    there = CampaignLeadFactory(campaign=other, lead=lead)
    record_outcome(
        agent=agent,
        campaign_lead=next_lead(agent=agent, campaign=campaign),
        outcome=LeadState.DO_NOT_CALL,
        note="Просил не звонить",
    )
    assert CampaignLead.objects.get(pk=here.pk).state == LeadState.DO_NOT_CALL
    assert DoNotCall.objects.filter(phone=lead.phone, added_by=agent).exists(), "on the bank-wide list"
    assert next_lead(agent=agent, campaign=other) is None
    assert CampaignLead.objects.get(pk=there.pk).state == LeadState.DO_NOT_CALL, "closed in every campaign"


def test_a_person_is_not_called_from_two_campaigns_at_once(campaign):
    other = CampaignFactory(name="Ипотека")
    lead = LeadFactory()
    CampaignLeadFactory(campaign=campaign, lead=lead)
    CampaignLeadFactory(campaign=other, lead=lead)
    alice, bob = (StaffFactory(username=name, telemarketing_agent=True) for name in ("alice", "bob"))
    assert next_lead(agent=alice, campaign=campaign).lead_id == lead.pk
    assert next_lead(agent=bob, campaign=other) is None


def test_a_lead_held_too_long_returns_to_the_queue_and_its_first_agent_loses_it(campaign, settings):
    settings.CALL_QUEUE_HOLD_MINUTES = 15
    (only,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    alice, bob = (StaffFactory(username=name, telemarketing_agent=True) for name in ("alice", "bob"))
    taken = next_lead(agent=alice, campaign=campaign)
    CampaignLead.objects.filter(pk=only.pk).update(held_since=timezone.now() - dt.timedelta(minutes=14))
    assert next_lead(agent=bob, campaign=campaign) is None, "14 minutes is not too long"
    CampaignLead.objects.filter(pk=only.pk).update(held_since=timezone.now() - dt.timedelta(minutes=16))
    assert next_lead(agent=bob, campaign=campaign).pk == only.pk
    with pytest.raises(CallQueueError, match="no longer hold this lead"):
        record_outcome(agent=alice, campaign_lead=taken, outcome=LeadState.INTERESTED)
    assert not CallAttempt.objects.filter(agent=alice).exists()


def test_an_abandoned_call_back_keeps_its_priority(campaign, agent):
    _new, callback = CampaignLeadFactory.create_batch(2, campaign=campaign)
    CampaignLead.objects.filter(pk=callback.pk).update(
        state=LeadState.IN_PROGRESS, callback_at=in_minutes(-10), held_by=agent, held_since=in_minutes(-60)
    )
    assert next_lead(agent=StaffFactory(username="bob", telemarketing_agent=True), campaign=campaign).pk == callback.pk


@pytest.mark.parametrize("pause", [True, False])
def test_leads_are_handed_out_only_in_an_active_campaign(pause, agent, draft_campaign, campaign):
    target = campaign if pause else draft_campaign
    CampaignLeadFactory.create_batch(1, campaign=target)
    if pause:
        pause_campaign(campaign=campaign)
    with pytest.raises(CallQueueError, match="only in an active campaign"):
        next_lead(agent=agent, campaign=target)
    assert not CampaignLead.objects.filter(held_by__isnull=False).exists()
    if pause:
        resume_campaign(campaign=campaign)
        assert next_lead(agent=agent, campaign=campaign) is not None


def test_an_outcome_is_logged_and_releases_the_lead(campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    lead = next_lead(agent=agent, campaign=campaign)
    attempt = record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.INTERESTED, note="  Перезвонит сам ")
    stored = CampaignLead.objects.get(pk=lead.pk)
    assert (stored.state, stored.note, stored.held_by_id, stored.held_since) == (
        LeadState.INTERESTED,
        "Перезвонит сам",
        None,
        None,
    )
    assert (attempt.agent_id, attempt.outcome, attempt.campaign_lead_id) == (agent.pk, LeadState.INTERESTED, lead.pk)


@pytest.mark.parametrize(
    ("outcome", "callback_at", "message"),
    [
        ("callback", None, "Enter when to call back"),
        ("callback", -5, "must be in the future"),
        ("callback", 60 * 24 * 400, "within a year"),
        ("new", None, "Choose what came of the call"),
        ("in_progress", None, "Choose what came of the call"),
        ("hung up", None, "Choose what came of the call"),
    ],
)
def test_bad_outcomes_are_refused_and_change_nothing(campaign, agent, outcome, callback_at, message):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    lead = next_lead(agent=agent, campaign=campaign)
    before = CampaignLead.objects.values().get(pk=lead.pk)
    with pytest.raises(CallQueueError, match=message):
        record_outcome(
            agent=agent,
            campaign_lead=lead,
            outcome=outcome,
            callback_at=in_minutes(callback_at) if callback_at is not None else None,
        )
    assert CampaignLead.objects.values().get(pk=lead.pk) == before
    assert not CallAttempt.objects.exists()


def test_an_agent_cannot_record_an_outcome_for_a_lead_someone_else_holds(campaign):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    alice, bob = (StaffFactory(username=name, telemarketing_agent=True) for name in ("alice", "bob"))
    lead = next_lead(agent=alice, campaign=campaign)
    with pytest.raises(CallQueueError):
        record_outcome(agent=bob, campaign_lead=lead, outcome=LeadState.CONVERTED, client_details=DETAILS)
    assert Client.objects.count() == 0


def convert(agent, campaign, details=DETAILS):
    lead = next_lead(agent=agent, campaign=campaign)
    record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.CONVERTED, client_details=details)
    return Lead.objects.get(pk=lead.lead_id)


def test_conversion_creates_one_client_from_the_lead_and_a_second_campaign_reuses_it(campaign, agent):
    lead = LeadFactory(surname="Сидоров", email="")
    CampaignLeadFactory(campaign=campaign, lead=lead)
    other = CampaignFactory(name="Ипотека")
    CampaignLeadFactory(campaign=other, lead=lead)
    convert(agent, campaign)
    lead.refresh_from_db()
    client = Client.objects.get()
    assert lead.client == client
    assert (client.surname, client.name, client.phone, client.email, client.sex) == (
        "Сидоров",
        "Иван",
        lead.phone,
        "ivanov@example.com",
        "M",
    )
    convert(agent, other, details=None)
    assert Client.objects.count() == 1
    assert CampaignLead.objects.filter(lead=lead, state=LeadState.CONVERTED).count() == 2


def test_conversion_links_an_existing_client_by_e_mail_or_phone(campaign, agent):
    by_email = ClientFactory(email="known@example.com")
    by_phone = ClientFactory(email="other@example.com", phone="+79990000001")
    CampaignLeadFactory(campaign=campaign, lead=LeadFactory(email="Known@Example.com"))
    CampaignLeadFactory(campaign=campaign, lead=LeadFactory(phone="+79990000001"))
    assert convert(agent, campaign, details=None).client == by_email
    assert convert(agent, campaign, details=None).client == by_phone
    assert Client.objects.count() == 2


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (None, "enter the e-mail, the sex, the date of birth"),
        (NewClientDetails(email="x@example.com", sex="M"), "enter the date of birth"),
        (NewClientDetails(email="not-an-address", sex="F", birth_date=dt.date(1990, 1, 1)), "not an e-mail"),
        (NewClientDetails(email="kid@example.com", sex="F", birth_date=timezone.localdate()), "at least 14"),
    ],
)
def test_conversion_without_the_client_details_is_refused_and_the_lead_stays_held(campaign, agent, details, message):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    lead = next_lead(agent=agent, campaign=campaign)
    with pytest.raises(CallQueueError, match=message):
        record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.CONVERTED, client_details=details)
    stored = CampaignLead.objects.get(pk=lead.pk)
    assert (stored.state, stored.held_by_id) == (LeadState.IN_PROGRESS, agent.pk)
    assert Client.objects.count() == 0
    assert not CallAttempt.objects.exists()


def fill_queue(campaign, count: int) -> None:
    """``count`` leads in every state the queue looks at: new, due and future call-backs, abandoned holds."""
    holder = StaffFactory(username=f"holder{campaign.pk}", telemarketing_agent=True)
    first = Lead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    leads = Lead.objects.bulk_create(
        [Lead(surname="Лид", name=str(n), phone=f"+7903{campaign.pk:03d}{first + n:05d}") for n in range(count)]
    )
    states = [
        {},
        {"state": LeadState.CALLBACK, "callback_at": in_minutes(-30)},
        {"state": LeadState.CALLBACK, "callback_at": in_minutes(30)},
        {"state": LeadState.IN_PROGRESS, "held_by": holder, "held_since": in_minutes(-600)},
        {"state": LeadState.NOT_INTERESTED},
    ]
    CampaignLead.objects.bulk_create(
        [CampaignLead(campaign=campaign, lead=lead, **states[n % len(states)]) for n, lead in enumerate(leads)]
    )


def test_handing_out_a_lead_takes_as_many_queries_in_a_big_campaign_as_in_a_small_one(agent, django_assert_num_queries):
    small, big = CampaignFactory(name="Малая"), CampaignFactory(name="Большая")
    fill_queue(small, 10)
    fill_queue(big, 300)
    bob = StaffFactory(username="bob", telemarketing_agent=True)
    with CaptureQueriesContext(connection) as in_small:
        assert next_lead(agent=agent, campaign=small).state == LeadState.IN_PROGRESS
    with django_assert_num_queries(len(in_small)):
        assert next_lead(agent=bob, campaign=big).state == LeadState.IN_PROGRESS
