"""Consent to advertising (38-FZ art. 18) and the bank-wide do-not-call list: who is called, who gets messages,
who may record what, and that bad input changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from campaigns.models import CampaignLead, Consent, ConsentSource, ContactChannel, DoNotCall, LeadState
from campaigns.services import (
    ConsentError,
    add_to_do_not_call,
    grant_consent,
    import_leads_csv,
    next_lead,
    withdraw_consent,
    withdraw_during_call,
)
from outreach.delivery.consent import refusal, unsubscribe_token
from outreach.delivery_services import unsubscribe
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    ClientFactory,
    ConsentFactory,
    CustomerFactory,
    LeadFactory,
    MessageFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def advertising(db):
    return CampaignFactory(name="Кредитка «Плюс»", advertising=True)


@pytest.mark.postgres
def test_an_advertising_campaign_calls_only_people_who_consented_and_stops_when_they_withdraw(advertising, agent):
    silent = CampaignLeadFactory(campaign=advertising)
    willing = CampaignLeadFactory(campaign=advertising)
    ConsentFactory(address=willing.lead.phone)
    handed = next_lead(agent=agent, campaign=advertising)
    assert handed.pk == willing.pk, "the lead without consent is passed over"
    CampaignLead.objects.filter(pk=willing.pk).update(state=LeadState.RECYCLE, callback_at=handed.held_since)
    CampaignLead.objects.filter(pk=willing.pk).update(held_by=None, held_since=None)
    withdraw_consent(channel=ContactChannel.CALLS, address=willing.lead.phone, source=ConsentSource.BACK_OFFICE)
    assert next_lead(agent=agent, campaign=advertising) is None
    assert CampaignLead.objects.get(pk=silent.pk).state == LeadState.NEW, "not closed: they may consent later"


def test_a_campaign_that_does_not_advertise_needs_no_consent(campaign, agent):
    lead = CampaignLeadFactory(campaign=campaign)
    assert next_lead(agent=agent, campaign=campaign).pk == lead.pk


def test_a_number_on_the_do_not_call_list_is_called_in_no_campaign_and_its_waiting_leads_close(campaign, agent):
    lead = LeadFactory()
    here = CampaignLeadFactory(campaign=campaign, lead=lead)
    elsewhere = CampaignLeadFactory(campaign=CampaignFactory(name="Ипотека"), lead=lead)
    office = StaffFactory(back_office=True)
    entry = add_to_do_not_call(phone=lead.phone, source="back_office", reason="Письмо клиента", actor=office)
    again = add_to_do_not_call(phone=lead.phone, source="back_office", actor=office)
    assert again.pk == entry.pk and DoNotCall.objects.count() == 1
    assert set(CampaignLead.objects.values_list("state", flat=True)) == {LeadState.DO_NOT_CALL}
    assert next_lead(agent=agent, campaign=campaign) is None
    assert AuditEvent.objects.filter(action=AuditAction.DO_NOT_CALL, actor=office).count() == 1
    assert {here.pk, elsewhere.pk} == set(CampaignLead.objects.values_list("pk", flat=True))


@pytest.mark.postgres
def test_a_number_listed_after_the_lead_joined_is_still_refused_at_hand_out(campaign, agent):
    lead = CampaignLeadFactory(campaign=campaign).lead
    DoNotCall.objects.create(phone=lead.phone, source="back_office")  # written by hand, as a DBA might
    assert next_lead(agent=agent, campaign=campaign) is None


def test_the_agent_records_a_withdrawal_during_the_call_for_calls_sms_and_e_mail(advertising, agent):
    lead = LeadFactory(email="Petrov@Example.com")
    ConsentFactory(address=lead.phone)
    held = next_lead(agent=agent, campaign=CampaignLeadFactory(campaign=advertising, lead=lead).campaign)
    withdrawn = withdraw_during_call(agent=agent, campaign_lead=held)
    assert {(c.channel, c.address) for c in withdrawn} == {
        ("calls", lead.phone),
        ("sms", lead.phone),
        ("email", "petrov@example.com"),
    }
    assert all(c.withdrawn_at and c.withdrawal_source == ConsentSource.CALL for c in Consent.objects.all())
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_WITHDRAWN, actor=agent).count() == 3
    assert CampaignLead.objects.get(pk=held.pk).held_by_id == agent.pk, "the agent finishes the call"


def test_only_the_agent_holding_the_lead_records_its_withdrawal(advertising, agent):
    lead = CampaignLeadFactory(campaign=advertising).lead
    ConsentFactory(address=lead.phone)
    held = next_lead(agent=agent, campaign=advertising)
    with pytest.raises(ConsentError):
        withdraw_during_call(agent=StaffFactory(telemarketing_agent=True), campaign_lead=held)
    assert Consent.objects.get().active


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"evidence": "  "}, "what proves"),
        ({"address": "12"}, "phone"),
        ({"channel": "fax"}, "calls, SMS or e-mail"),
        ({"source": "unsubscribe_link"}, "where the consent was given"),
        ({"channel": "email", "address": "not-an-address"}, "not an e-mail address"),
    ],
)
def test_a_consent_without_evidence_or_with_a_bad_address_is_refused_and_nothing_is_written(changes, message):
    given = {"channel": "calls", "address": "+7 916 555-01-02", "source": "paper", "evidence": "Анкета № 7"}
    with pytest.raises(ConsentError, match=message):
        grant_consent(**(given | changes))
    assert not Consent.objects.exists() and not AuditEvent.objects.exists()


def test_consent_is_kept_in_e164_renewed_after_a_withdrawal_and_audited():
    consent = grant_consent(channel="calls", address="8 (916) 555-01-02", source="paper", evidence="Анкета № 7")
    assert consent.address == "+79165550102" and consent.active
    withdraw_consent(channel="calls", address="+79165550102", source="website")
    renewed = grant_consent(channel="calls", address="+79165550102", source="call", evidence="Запись звонка 42")
    assert renewed.pk == consent.pk and renewed.active and renewed.evidence == "Запись звонка 42"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [AuditAction.CONSENT_GIVEN, AuditAction.CONSENT_WITHDRAWN, AuditAction.CONSENT_GIVEN]


def test_import_skips_and_reports_numbers_on_the_do_not_call_list_and_counts_leads_without_consent(advertising):
    add_to_do_not_call(phone="+79165550101", source="back_office")
    ConsentFactory(address="+79165550103")
    data = (
        "surname,name,phone\nИванов,Иван,+79165550101\nПетров,Пётр,+79165550102\nСидоров,Сидор,+79165550103\n"
    ).encode()
    report = import_leads_csv(campaign=advertising, data=data, mode="all_or_nothing")
    assert report.imported, "a skipped row is not an error"
    assert [(row.line, row.phone) for row in report.skipped] == [(2, "+79165550101")]
    assert (report.created, report.without_consent) == (2, 1)
    assert set(CampaignLead.objects.values_list("lead__phone", flat=True)) == {"+79165550102", "+79165550103"}


def test_an_advertising_message_goes_only_where_the_person_consented_and_never_to_a_listed_number():
    anna = ClientFactory(email="anna@example.com", phone="+79165550111")
    message = MessageFactory(client=anna, lead=None, campaign=CampaignFactory(advertising=True))
    assert "not consented to advertising by e-mail" in refusal(message)
    grant_consent(channel="email", address="Anna@example.com", source="website", evidence="Форма на сайте")
    assert refusal(message) == ""
    service_note = MessageFactory(client=anna, lead=None, campaign=None)
    add_to_do_not_call(phone=anna.phone, source="website")
    assert "do-not-call" in refusal(message) and "do-not-call" in refusal(service_note)


def test_the_unsubscribe_link_withdraws_consent_to_advertising_by_e_mail():
    anna = ClientFactory(email="anna@example.com")
    grant_consent(channel="email", address=anna.email, source="website", evidence="Форма на сайте", client=anna)
    unsubscribe(token=unsubscribe_token(MessageFactory(client=anna, lead=None)))
    consent = Consent.objects.get(channel="email", address="anna@example.com")
    assert consent.withdrawal_source == ConsentSource.UNSUBSCRIBE_LINK and not consent.active


# --- pages ---------------------------------------------------------------------------------------------------


def test_a_customer_gives_and_withdraws_consent_on_the_website(client):
    customer = CustomerFactory(client__phone="+79165550121")
    client.force_login(customer)
    page = client.get(reverse("portal:consent"))
    assert page.status_code == 200 and 'id="consent-form"' in page.text and "+7 916 555-01-21" in page.text
    client.post(reverse("portal:consent"), {"channel": ["calls", "email"]})
    active = {(c.channel, c.address) for c in Consent.objects.all() if c.active}
    assert active == {("calls", "+79165550121"), ("email", customer.client.email.lower())}
    assert all(c.source == "website" and customer.username in c.evidence for c in Consent.objects.all())
    client.post(reverse("portal:consent"), {"channel": ["email"]})
    calls = Consent.objects.get(channel="calls")
    assert calls.withdrawn_at is not None and calls.withdrawal_source == "website"


def test_a_forged_channel_on_the_consent_page_changes_nothing(client):
    customer = CustomerFactory()
    client.force_login(customer)
    response = client.post(reverse("portal:consent"), {"channel": ["calls", "pigeon"]}, follow=True)
    assert "Choose calls, SMS or e-mail." in response.text
    assert not Consent.objects.exists()


def test_the_consent_page_is_for_customers_only(client):
    assert client.get(reverse("portal:consent")).status_code == 302
    client.force_login(StaffFactory(telemarketing_agent=True))
    assert client.get(reverse("portal:consent")).status_code == 403


def test_the_withdraw_button_on_the_agents_desk(client, advertising, agent):
    lead = CampaignLeadFactory(campaign=advertising).lead
    ConsentFactory(address=lead.phone)
    held = next_lead(agent=agent, campaign=advertising)
    url = reverse("campaigns:withdraw_consent", args=[advertising.pk, held.pk])
    client.force_login(StaffFactory(telemarketing_agent=True))
    client.post(url)
    assert Consent.objects.get().active, "another agent cannot withdraw it"
    client.force_login(agent)
    desk = client.get(reverse("campaigns:call", args=[advertising.pk]))
    assert 'id="withdraw-consent"' in desk.text
    response = client.post(url, follow=True)
    assert not Consent.objects.get(channel="calls").active
    assert "withdrew consent" in response.text and 'id="withdraw-consent"' not in response.text
