"""Staff pages of the call queue and of results: who may open them, what they show, what bad input does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Client
from campaigns.models import CallAttempt, CampaignLead, Lead, LeadState
from campaigns.services import NewClientDetails, next_lead, pause_campaign, record_outcome
from outreach.models import Message
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    CustomerFactory,
    LeadFactory,
    ProductFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def urls(campaign, campaign_lead_id: int = 1) -> dict[str, tuple[str, str]]:
    return {
        "index": ("get", reverse("campaigns:index")),
        "call": ("get", reverse("campaigns:call", args=[campaign.pk])),
        "next_lead": ("post", reverse("campaigns:next_lead", args=[campaign.pk])),
        "record_outcome": ("post", reverse("campaigns:record_outcome", args=[campaign.pk, campaign_lead_id])),
        "write_message": ("post", reverse("outreach:write_to_lead", args=[campaign.pk, campaign_lead_id])),
        "results": ("get", reverse("campaigns:results", args=[campaign.pk])),
    }


CALL_QUEUE_PAGES = {"call", "next_lead", "record_outcome", "write_message"}


def customer():
    return CustomerFactory(username="customer")


@pytest.mark.parametrize("page", sorted(CALL_QUEUE_PAGES | {"index", "results"}))
def test_anonymous_visitors_are_sent_to_sign_in(client, campaign, page):
    method, url = urls(campaign)[page]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.CUSTOMERS, set()),
        (roles.CHAT_AGENTS, set()),
        (roles.PRODUCT_MANAGERS, set()),
        (roles.BACK_OFFICE, {"index", "results"}),
        (roles.TELEMARKETING_AGENTS, CALL_QUEUE_PAGES | {"index", "results"}),
    ],
)
def test_only_telemarketing_agents_reach_the_call_queue(client, campaign, role, allowed):
    (campaign_lead,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    person = (CustomerFactory if role == roles.CUSTOMERS else StaffFactory)(username=f"someone-{role}", roles=[role])
    client.force_login(person)
    for page, (method, url) in urls(campaign, campaign_lead.pk).items():
        response = getattr(client, method)(url)
        if page in allowed:
            assert response.status_code in (200, 302, 400), (page, response.status_code)
        else:
            assert response.status_code == 403, page
    assert not CallAttempt.objects.exists() and not Message.objects.exists()
    if role != roles.TELEMARKETING_AGENTS:
        assert not CampaignLead.objects.filter(held_by__isnull=False).exists()


def test_an_agent_takes_a_lead_sees_it_with_the_products_and_records_a_call_back(client, campaign, agent):
    first, _second = CampaignLeadFactory.create_batch(2, campaign=campaign)
    client.force_login(agent)
    page = client.get(reverse("campaigns:call", args=[campaign.pk]))
    assert 'id="next-lead"' in page.text and "Вклад 12%" in page.text
    response = client.post(reverse("campaigns:next_lead", args=[campaign.pk]), follow=True)
    assert first.lead.phone in response.text and first.lead.surname in response.text
    when = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        reverse("campaigns:record_outcome", args=[campaign.pk, first.pk]),
        {"outcome": "callback", "callback_at": when.strftime("%Y-%m-%dT%H:%M"), "note": "Занят, просил завтра"},
        follow=True,
    )
    assert response.status_code == 200
    stored = CampaignLead.objects.get(pk=first.pk)
    assert (stored.state, stored.note, stored.held_by) == (LeadState.CALLBACK, "Занят, просил завтра", None)
    assert stored.callback_at == when.replace(second=0, microsecond=0)
    assert 'id="next-lead"' in response.text


def test_a_call_back_in_the_past_is_refused_on_the_page_and_the_lead_stays_held(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    client.force_login(agent)
    response = client.post(
        reverse("campaigns:record_outcome", args=[campaign.pk, held.pk]),
        {"outcome": "callback", "callback_at": "2001-01-01T10:00", "note": "кратко"},
    )
    assert response.status_code == 400
    assert "The call-back time must be in the future." in response.text
    assert "кратко" in response.text, "what the agent typed is kept"
    stored = CampaignLead.objects.get(pk=held.pk)
    assert (stored.state, stored.held_by_id) == (LeadState.IN_PROGRESS, agent.pk)


def test_an_unknown_outcome_or_a_bad_date_is_a_form_error(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    client.force_login(agent)
    url = reverse("campaigns:record_outcome", args=[campaign.pk, held.pk])
    assert client.post(url, {"outcome": "hang up"}).status_code == 400
    assert client.post(url, {"outcome": "callback", "callback_at": "tomorrow"}).status_code == 400
    assert CampaignLead.objects.get(pk=held.pk).state == LeadState.IN_PROGRESS


def test_converting_on_the_page_creates_the_client(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    client.force_login(agent)
    response = client.post(
        reverse("campaigns:record_outcome", args=[campaign.pk, held.pk]),
        {"outcome": "converted", "email": "new@example.com", "sex": "F", "birth_date": "1990-02-03"},
    )
    assert response.status_code == 302
    created = Client.objects.get(email="new@example.com")
    assert (created.birth_date, created.sex, created.phone) == (dt.date(1990, 2, 3), "F", held.lead.phone)


def test_an_agent_writes_a_message_to_the_lead_being_called(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    client.force_login(agent)
    url = reverse("outreach:write_to_lead", args=[campaign.pk, held.pk])
    assert client.post(url, {"subject": "", "body": "текст"}).status_code == 400
    assert not Message.objects.exists()
    response = client.post(url, {"subject": "Ставка 12%", "body": "Подробности по ссылке"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.lead_id, message.campaign, message.status, message.written_by) == (
        held.lead_id,
        campaign,
        "await",
        agent,
    )


def test_no_lead_is_handed_out_in_a_paused_campaign(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    pause_campaign(campaign=campaign)
    client.force_login(agent)
    response = client.post(reverse("campaigns:next_lead", args=[campaign.pk]), follow=True)
    assert "leads are handed out only in an active campaign" in response.text
    assert not CampaignLead.objects.filter(held_by__isnull=False).exists()


def test_a_lead_of_another_campaign_is_not_found_through_this_one(client, campaign, agent):
    other = CampaignFactory(name="Чужая")
    (foreign,) = CampaignLeadFactory.create_batch(1, campaign=other)
    client.force_login(agent)
    response = client.post(
        reverse("campaigns:record_outcome", args=[campaign.pk, foreign.pk]), {"outcome": "interested"}
    )
    assert response.status_code == 404
    assert client.get(reverse("campaigns:call", args=[999999])).status_code == 404


def test_results_show_states_conversion_and_calls_per_agent(client, campaign):
    CampaignLeadFactory.create_batch(4, campaign=campaign)
    alice, bob = (StaffFactory(username=name, telemarketing_agent=True) for name in ("alice", "bob"))
    for agent, outcome in ((alice, "converted"), (alice, "not_interested"), (bob, "do_not_call")):
        held = next_lead(agent=agent, campaign=campaign)
        details = NewClientDetails(email="c@example.com", sex="M", birth_date=dt.date(1970, 1, 1))
        record_outcome(agent=agent, campaign_lead=held, outcome=outcome, client_details=details)
    back_office = StaffFactory(username="office", roles=[roles.BACK_OFFICE])
    client.force_login(back_office)
    response = client.get(reverse("campaigns:results", args=[campaign.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.leads == 4 and results.converted == 1 and results.calls == 3
    assert str(results.conversion_rate) == "25.0"
    assert {row.state: row.count for row in results.by_state}["new"] == 1
    assert [(row.name, row.calls, row.converted, row.refusals) for row in results.per_agent] == [
        ("Alice Пётр", 2, 1, 1),
        ("Bob Пётр", 1, 0, 1),
    ]
    assert 'id="states-chart"' in response.text and 'id="agents-chart"' in response.text
    assert response.text.count("<script") == 2, "only the layout's Bootstrap bundle and session timer, no inline script"
    assert "<script>" not in response.text


def work_one_call(agent, campaign, outcome: str = "interested") -> None:
    record_outcome(agent=agent, campaign_lead=next_lead(agent=agent, campaign=campaign), outcome=outcome)


def test_pages_make_the_same_number_of_queries_whatever_the_amount_of_data(client, campaign, agent):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(agent)
    CampaignLeadFactory.create_batch(2, campaign=campaign)
    work_one_call(agent, campaign)
    next_lead(agent=agent, campaign=campaign)
    pages = [
        reverse("campaigns:index"),
        reverse("campaigns:call", args=[campaign.pk]),
        reverse("campaigns:results", args=[campaign.pk]),
    ]
    few = [queries(url) for url in pages]
    CampaignLeadFactory.create_batch(20, campaign=campaign)
    for n in range(5):
        work_one_call(StaffFactory(username=f"more{n}", telemarketing_agent=True), campaign)
    work_one_call(agent, campaign, outcome="not_interested")
    next_lead(agent=agent, campaign=campaign)
    assert [queries(url) for url in pages] == few


def test_an_agent_writes_only_to_the_lead_they_are_calling(client, campaign, agent):
    first, second = CampaignLeadFactory.create_batch(2, campaign=campaign)
    held = next_lead(agent=agent, campaign=campaign)
    other = second if held == first else first
    client.force_login(agent)
    url = reverse("outreach:write_to_lead", args=[campaign.pk, other.pk])
    response = client.post(url, {"subject": "Ставка 12%", "body": "Подробности по ссылке"})
    assert response.status_code == 400
    assert "only to the lead you are calling now" in response.text
    assert not Message.objects.exists()


def test_the_agents_desk_shows_the_script_filled_in_escaped_and_the_outcome_hotkeys(client, campaign, agent):
    campaign.script = "Здравствуйте, {name} {patronymic}! Звоню из банка.\nВам удобно говорить?"
    campaign.save()
    person = LeadFactory(surname="Иванов")
    Lead.objects.filter(pk=person.pk).update(name="<b>Иван</b>", patronymic="")
    CampaignLead.objects.create(campaign=campaign, lead=person)
    next_lead(agent=agent, campaign=campaign)
    client.force_login(agent)
    page = client.get(reverse("campaigns:call", args=[campaign.pk])).text
    assert "Здравствуйте, <mark>&lt;b&gt;Иван&lt;/b&gt;</mark>! Звоню из банка.<br>Вам удобно говорить?" in page
    assert 'data-hotkey="1"' in page and "<kbd>1</kbd> No answer" in page
    assert 'id="call-timer"' in page


def test_the_call_screen_shows_what_to_know_about_the_person_and_the_products_rates(client, campaign, agent):
    ProductFactory(campaign=campaign, name="Вклад «Надёжный»", interest_rate="16.50")
    CampaignLeadFactory(campaign=campaign, lead=LeadFactory(sex="F", note="Звонить после 18:00 <b>не раньше</b>"))
    client.force_login(agent)

    page = client.post(reverse("campaigns:next_lead", args=[campaign.pk]), follow=True).text

    assert 'id="lead-note">Звонить после 18:00 &lt;b&gt;не раньше&lt;/b&gt;</dd>' in page  # escaped, never markup
    assert '<span class="badge text-bg-info interest-rate">16.5\xa0%</span>' in page
