"""Each audited action leaves one event naming who did it, written in the action's own transaction."""

import uuid

import pytest

from audit.models import AuditAction, AuditEvent
from banking.services import InsufficientFunds, transfer
from campaigns.services import CampaignTransitionError, finish_campaign, next_lead, record_outcome
from outreach.services import publish_news, withdraw_news
from tests.factories import (
    AccountFactory,
    BankAccountFactory,
    CampaignFactory,
    CampaignLeadFactory,
    CustomerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def test_a_payment_is_audited_with_masked_account_numbers():
    payer = AccountFactory(username="payer")
    source = BankAccountFactory(owner=payer, balance="100.00")
    target = BankAccountFactory(owner=payer)
    made = transfer(
        initiated_by=payer,
        payer_number=source.number,
        payee_number=target.number,
        amount="40.00",
        idempotency_key=uuid.uuid4(),
    )
    event = AuditEvent.objects.get(action=AuditAction.PAYMENT)
    assert (event.actor_username, event.target_type, event.target_id) == ("payer", "banking.Transfer", str(made.pk))
    assert event.summary == f"40.00 RUB: •••• {source.number[-4:]} → •••• {target.number[-4:]}"
    assert source.number not in event.summary


def test_a_refused_payment_leaves_no_event():
    payer = AccountFactory(username="payer")
    source = BankAccountFactory(owner=payer, balance="10.00")
    target = BankAccountFactory(owner=payer)
    with pytest.raises(InsufficientFunds):
        transfer(
            initiated_by=payer,
            payer_number=source.number,
            payee_number=target.number,
            amount="40.00",
            idempotency_key=uuid.uuid4(),
        )
    assert not AuditEvent.objects.filter(action=AuditAction.PAYMENT).exists()


def test_campaign_transitions_from_admin_name_the_administrator(client):
    administrator = AccountFactory(username="root", is_staff=True, is_superuser=True)
    campaign = CampaignFactory(name="Ипотека", active=False)
    client.force_login(administrator)
    client.post(
        "/admin/campaigns/campaign/",
        {"action": "start_campaigns", "_selected_action": [campaign.pk]},
    )
    event = AuditEvent.objects.get(action=AuditAction.CAMPAIGN_TRANSITION)
    assert (event.actor, event.target_id, event.summary) == (administrator, str(campaign.pk), "Ипотека: draft → active")


def test_a_refused_transition_leaves_no_event():
    campaign = CampaignFactory(active=False)
    with pytest.raises(CampaignTransitionError):
        finish_campaign(campaign=campaign)
    assert not AuditEvent.objects.filter(action=AuditAction.CAMPAIGN_TRANSITION).exists()


def test_a_call_outcome_is_audited_for_the_agent():
    campaign = CampaignFactory()
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    agent = StaffFactory(username="caller", telemarketing_agent=True)
    held = next_lead(agent=agent, campaign=campaign)
    record_outcome(agent=agent, campaign_lead=held, outcome="not_interested", note="Не звонить до весны")
    event = AuditEvent.objects.get(action=AuditAction.LEAD_OUTCOME)
    assert (event.actor, event.target_type, event.target_id) == (agent, "campaigns.CampaignLead", str(held.pk))
    assert event.summary.endswith(": not_interested")


def test_news_publishing_and_withdrawal_are_audited():
    manager = StaffFactory(username="pm", product_manager=True)
    customer = CustomerFactory(username="customer")
    publication = publish_news(title="Новый вклад", body="Ставка 18%", audience="all_customers", actor=manager)
    published = AuditEvent.objects.get(action=AuditAction.NEWS_PUBLISH)
    assert published.actor == manager
    assert published.summary == f"“Новый вклад” (all_customers): {publication.published} published, 0 already had it"
    news = customer.news.get()
    withdraw_news(news_id=news.pk, actor=manager)
    withdrawn = AuditEvent.objects.get(action=AuditAction.NEWS_CHANGE)
    assert (withdrawn.actor, withdrawn.target_id, withdrawn.summary) == (
        manager,
        str(news.pk),
        "withdrawn from 1 account(s)",
    )
