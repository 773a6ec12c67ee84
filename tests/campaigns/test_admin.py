"""The back office's campaign admin: transitions, lead import with its report, export, results, message delivery,
and a lead's state and holder changed through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from audit.models import AuditAction, AuditEvent
from campaigns.models import Campaign, CampaignStatus, Lead, LeadState
from campaigns.services import CallQueueError, ImportMode, next_lead, record_outcome
from outreach.models import Message, MessageStatus
from outreach.services import compose_message
from tests.admin_forms import post_admin_form
from tests.factories import CampaignFactory, CampaignLeadFactory, ClientFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:campaigns_campaign_changelist")
IMPORT = reverse("admin:campaigns_campaign_import_leads")


@pytest.fixture
def back_office(client):
    client.force_login(StaffFactory(username="office", back_office=True))
    return client


def run_action(client, action: str, *objects, url: str = CHANGELIST):
    return client.post(
        url, {"action": action, "_selected_action": [each.pk for each in objects]}, follow=action != "export_leads_csv"
    )


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_transition_actions_call_the_lifecycle_and_report_refusals(back_office):
    draft, active = CampaignFactory(name="Черновик", active=False), CampaignFactory(name="Идёт")
    response = run_action(back_office, "start_campaigns", draft, active)
    assert "1 campaign started." in texts(response)
    assert any("Only a draft campaign can be started; “Идёт” is active." in text for text in texts(response))
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.ACTIVE and draft.started_at is not None
    run_action(back_office, "finish_campaigns", draft)
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.FINISHED and draft.ended_at is not None


def test_the_status_cannot_be_typed_into_the_change_form(back_office):
    campaign = CampaignFactory(active=False)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    page = back_office.get(url)
    assert 'name="status"' not in page.text
    assert reverse("campaigns:results", args=[campaign.pk]) in page.text, "the change form links the results"


def upload(text: str, campaign: Campaign, mode: str):
    return {"campaign": campaign.pk, "mode": mode, "file": SimpleUploadedFile("leads.csv", text.encode())}


CSV = "surname,name,phone,email\nИванов,Иван,89161234567,\nПетров,Пётр,12345,\nСидоров,Сидор,+79031234567,bad\n"


def test_importing_valid_rows_shows_the_rejected_rows_with_their_reasons(back_office):
    campaign = CampaignFactory()
    assert back_office.get(IMPORT).status_code == 200
    response = back_office.post(IMPORT, upload(CSV, campaign, ImportMode.VALID_ROWS))
    assert response.status_code == 200
    assert 'id="rejected-rows"' in response.text
    assert "not an e-mail address" in response.text and "10 digits" in response.text
    assert list(campaign.leads.values_list("phone", flat=True)) == ["+79161234567"]


def test_all_or_nothing_imports_nothing_and_says_so(back_office):
    campaign = CampaignFactory()
    response = back_office.post(IMPORT, upload(CSV, campaign, ImportMode.ALL_OR_NOTHING))
    assert any("Nothing was imported: 2 rows were rejected" in text for text in texts(response))
    assert Lead.objects.count() == 0


def test_an_unreadable_file_is_a_form_error(back_office):
    campaign = CampaignFactory()
    response = back_office.post(IMPORT, upload("name;email\nИван;a@b.c\n", campaign, ImportMode.VALID_ROWS))
    assert response.status_code == 200
    assert "missing: surname, phone" in response.text
    assert Lead.objects.count() == 0


@pytest.mark.parametrize("role", [roles.TELEMARKETING_AGENTS, roles.PRODUCT_MANAGERS])
def test_only_the_back_office_imports_leads(client, role):
    client.force_login(StaffFactory(username="staff", roles=[role], is_staff=True))
    campaign = CampaignFactory()
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, upload(CSV, campaign, ImportMode.VALID_ROWS)).status_code == 403
    assert Lead.objects.count() == 0


def test_customers_and_anonymous_visitors_never_see_the_import(client):
    assert client.get(IMPORT).status_code == 302
    client.force_login(CustomerFactory(username="customer"))
    assert client.get(IMPORT).status_code == 302  # the admin sends non-staff to its sign-in page
    assert Lead.objects.count() == 0


def test_export_action_downloads_the_leads_as_csv(back_office):
    campaign = CampaignFactory()
    CampaignLeadFactory.create_batch(3, campaign=campaign)
    response = run_action(back_office, "export_leads_csv", campaign)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("surname,name,patronymic,phone")
    assert len(lines) == 4


def test_message_actions_move_messages_through_delivery(back_office):
    message = compose_message(author=None, client=ClientFactory(), subject="s", body="b")
    url = reverse("admin:outreach_message_changelist")
    run_action(back_office, "mark_messages_sent", message, url=url)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    response = run_action(back_office, "mark_messages_await", message, url=url)
    assert any("cannot become" in text for text in texts(response))
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


# --- a lead's state and holder: through campaigns.services.lead_state ---------------------------------------------


def lead_page(campaign_lead) -> str:
    return reverse("admin:campaigns_campaignlead_change", args=[campaign_lead.pk])


def events_of(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


@pytest.mark.postgres  # the services lock the row: PostgreSQL refuses some locks SQLite ignores
def test_a_call_back_set_in_the_admin_needs_a_time_in_the_future(back_office):
    campaign_lead = CampaignLeadFactory(campaign=CampaignFactory())

    refused = post_admin_form(back_office, lead_page(campaign_lead), state="callback")

    assert refused.status_code == 200
    assert "Enter when to call back." in refused.text
    campaign_lead.refresh_from_db()
    assert campaign_lead.state == LeadState.NEW
    assert not events_of(AuditAction.LEAD_STATE)
    assert not LogEntry.objects.exists(), "a refused change leaves no admin history either"

    yesterday = timezone.localtime() - dt.timedelta(days=1)
    past = post_admin_form(
        back_office,
        lead_page(campaign_lead),
        state="callback",
        callback_at_0=yesterday.strftime("%Y-%m-%d"),
        callback_at_1="10:30:00",
    )
    assert "The call-back time must be in the future." in past.text

    when = timezone.localtime() + dt.timedelta(days=2)
    saved = post_admin_form(
        back_office,
        lead_page(campaign_lead),
        state="callback",
        callback_at_0=when.strftime("%Y-%m-%d"),
        callback_at_1="10:30:00",
    )

    assert saved.status_code == 302
    campaign_lead.refresh_from_db()
    assert campaign_lead.state == LeadState.CALLBACK
    assert timezone.localtime(campaign_lead.callback_at).strftime("%H:%M") == "10:30"
    [event] = events_of(AuditAction.LEAD_STATE)
    assert event.actor_username == "office" and "new → callback" in event.summary
    assert LogEntry.objects.filter(object_id=str(campaign_lead.pk)).exists(), "the admin history keeps working"


@pytest.mark.postgres  # the services lock the row: PostgreSQL refuses some locks SQLite ignores
def test_in_progress_cannot_be_set_by_hand_and_a_lead_on_a_call_cannot_be_changed(back_office, agent):
    campaign = CampaignFactory()
    campaign_lead = CampaignLeadFactory.create_batch(1, campaign=campaign)[0]
    held = next_lead(agent=agent, campaign=campaign)

    on_call = post_admin_form(back_office, lead_page(held), state="not_interested")
    assert "is calling" in on_call.text and "release the lead first" in on_call.text

    campaign_lead.refresh_from_db()
    assert (campaign_lead.state, campaign_lead.held_by) == (LeadState.IN_PROGRESS, agent)
    other = CampaignLeadFactory.create_batch(1, campaign=campaign)[0]
    by_hand = post_admin_form(back_office, lead_page(other), state="in_progress")
    assert "only while an agent holds it" in by_hand.text
    assert not events_of(AuditAction.LEAD_STATE)


@pytest.mark.postgres  # the services lock the row: PostgreSQL refuses some locks SQLite ignores
def test_converted_by_hand_only_once_the_lead_is_a_client(back_office):
    campaign_lead = CampaignLeadFactory(campaign=CampaignFactory())
    refused = post_admin_form(back_office, lead_page(campaign_lead), state="converted")
    assert "is not a client yet" in refused.text

    Lead.objects.filter(pk=campaign_lead.lead_id).update(client=ClientFactory())
    assert post_admin_form(back_office, lead_page(campaign_lead), state="converted").status_code == 302
    campaign_lead.refresh_from_db()
    assert campaign_lead.state == LeadState.CONVERTED


@pytest.mark.postgres  # the services lock the row: PostgreSQL refuses some locks SQLite ignores
def test_the_holder_is_read_only_and_the_release_action_puts_the_lead_back_in_the_queue(back_office, agent):
    campaign = CampaignFactory()
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    page = back_office.get(lead_page(held)).text
    assert 'name="held_by"' not in page and 'name="held_since"' not in page
    free = CampaignLeadFactory.create_batch(1, campaign=campaign)[0]

    response = run_action(
        back_office, "release_leads", held, free, url=reverse("admin:campaigns_campaignlead_changelist")
    )

    assert "1 lead is back in the call queue." in texts(response)
    assert any("Nobody holds" in text for text in texts(response))
    held.refresh_from_db()
    assert (held.state, held.held_by, held.held_since) == (LeadState.NEW, None, None)
    [event] = events_of(AuditAction.LEAD_RELEASE)
    assert event.actor_username == "office" and f"taken from {agent.username}" in event.summary
    with pytest.raises(CallQueueError, match="no longer hold"):
        record_outcome(agent=agent, campaign_lead=held, outcome="interested")
    assert (
        next_lead(agent=StaffFactory(username="second", telemarketing_agent=True), campaign=campaign).pk == held.pk
    ), "the queue hands it out again"
