"""The back office writes messages and news only through outreach.services: its rules and its audit apply."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from audit.models import AuditAction, AuditEvent
from campaigns.models import CampaignLead, LeadState
from outreach.models import Message, MessageStatus, News, OptOut
from outreach.services import publish_news
from tests.admin_forms import messages_of, post_admin_form
from tests.factories import AccountFactory, CampaignFactory, CampaignLeadFactory, ClientFactory

# On PostgreSQL too: the services lock rows, and PostgreSQL refuses some locks that SQLite ignores.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

MESSAGE_ADD = reverse("admin:outreach_message_add")
NEWS_ADD = reverse("admin:outreach_news_add")


@pytest.fixture
def back_office(client):
    client.force_login(AccountFactory(username="office", roles=[roles.BACK_OFFICE], is_staff=True))
    return client


@pytest.fixture
def customer():
    return AccountFactory(username="customer", roles=[roles.CUSTOMERS], client=ClientFactory())


def events_of(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_a_message_to_a_lead_on_the_do_not_call_list_is_refused_on_the_form(back_office):
    campaign = CampaignFactory()
    campaign_lead = CampaignLeadFactory.create_batch(1, campaign=campaign)[0]
    CampaignLead.objects.filter(pk=campaign_lead.pk).update(state=LeadState.DO_NOT_CALL)

    response = post_admin_form(
        back_office, MESSAGE_ADD, lead=str(campaign_lead.lead_id), subject="Вклад 12%", body="Откройте вклад."
    )

    assert response.status_code == 200
    assert "asked not to be contacted" in response.text
    assert "Откройте вклад." in response.text, "what was typed is shown again"
    assert not Message.objects.exists()
    assert not events_of(AuditAction.MESSAGE_COMPOSE)


def test_a_message_written_in_the_admin_is_composed_by_the_service_and_then_only_read(back_office):
    client = ClientFactory(email="anna@example.com")

    response = post_admin_form(back_office, MESSAGE_ADD, client=str(client.pk), subject="  Кредит  ", body="Текст")

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.subject, message.status, message.written_by.username) == ("Кредит", MessageStatus.AWAIT, "office")
    [event] = events_of(AuditAction.MESSAGE_COMPOSE)
    assert event.target_id == str(message.pk) and event.actor_username == "office"
    page = back_office.get(reverse("admin:outreach_message_change", args=[message.pk])).text
    assert 'name="subject"' not in page and 'name="client"' not in page

    changelist = reverse("admin:outreach_message_changelist")
    back_office.post(changelist, {"action": "mark_messages_sent", "_selected_action": [message.pk]})
    [moved] = events_of(AuditAction.MESSAGE_STATUS)
    assert moved.actor_username == "office" and "await → sent" in moved.summary


def test_news_is_published_once_per_account_by_the_service(back_office, customer):
    fields = {"account": str(customer.pk), "title": "Новый вклад", "body": "Ставка 12 %."}

    first = post_admin_form(back_office, NEWS_ADD, **fields)
    again = post_admin_form(back_office, NEWS_ADD, **fields)

    assert first.status_code == 302
    assert again.status_code == 200
    assert "This news has already been published to this account." in again.text
    assert News.objects.filter(account=customer).count() == 1
    [event] = events_of(AuditAction.NEWS_PUBLISH)
    assert event.actor_username == "office" and "1 published" in event.summary


def test_news_goes_only_to_a_customers_login(back_office):
    staff = AccountFactory(username="clerk", roles=[roles.BACK_OFFICE], is_staff=True)
    response = post_admin_form(back_office, NEWS_ADD, account=str(staff.pk), title="Т", body="Текст")
    assert "There is no active customer login with this number." in response.text
    assert not News.objects.exists()


def test_news_is_corrected_by_edit_news_and_withdrawn_by_the_action(back_office, customer):
    publish_news(title="Вклад", body="Ставка 11 %.", audience="account", account_id=customer.pk)
    publish_news(title="Вклад", body="Ставка 12 %.", audience="account", account_id=customer.pk)
    news = News.objects.get(body="Ставка 11 %.")
    url = reverse("admin:outreach_news_change", args=[news.pk])
    assert 'name="withdrawn_at"' not in back_office.get(url).text

    clash = post_admin_form(back_office, url, body="Ставка 12 %.")
    assert "it would get the same news twice" in clash.text
    fixed = post_admin_form(back_office, url, body="Ставка 11,5 %.")
    assert fixed.status_code == 302
    news.refresh_from_db()
    assert news.body == "Ставка 11,5 %." and news.digest != ""
    [edited] = events_of(AuditAction.NEWS_CHANGE)
    assert edited.actor_username == "office" and "edited" in edited.summary

    response = back_office.post(
        reverse("admin:outreach_news_changelist"),
        {"action": "withdraw_news", "_selected_action": [news.pk]},
        follow=True,
    )
    assert "1 news item withdrawn." in messages_of(response)
    news.refresh_from_db()
    assert news.withdrawn_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.NEWS_CHANGE, summary__startswith="withdrawn").count() == 1


def test_an_opt_out_recorded_by_the_back_office_is_audited_and_kept_once(back_office):
    client = ClientFactory(email="boris@example.com")
    add = reverse("admin:outreach_optout_add")

    first = post_admin_form(back_office, add, client=str(client.pk), source="звонок в банк")
    again = post_admin_form(back_office, add, client=str(client.pk), source="письмо")

    assert first.status_code == 302
    assert again.status_code == 200, "a second opt-out of the same client is refused on the form"
    opt_out = OptOut.objects.get()
    assert (opt_out.client_id, opt_out.source) == (client.pk, "звонок в банк")
    assert [event.actor_username for event in events_of(AuditAction.OPT_OUT)] == ["office"]


def test_an_opt_out_needs_one_recipient_and_a_reason(back_office):
    client = ClientFactory(email="vera@example.com")
    lead = CampaignLeadFactory(campaign=CampaignFactory()).lead
    add = reverse("admin:outreach_optout_add")

    both = post_admin_form(back_office, add, client=str(client.pk), lead=str(lead.pk), source="звонок")
    no_reason = post_admin_form(back_office, add, client=str(client.pk), source="   ")

    assert both.status_code == 200 and no_reason.status_code == 200
    assert not OptOut.objects.exists()
