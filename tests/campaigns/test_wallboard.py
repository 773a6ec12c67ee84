"""The supervisor's wallboard (live over a websocket) and the results page's period filter and XLSX export."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import AgentState, CallAttempt, CampaignLead, LeadState, PauseReason
from campaigns.services import NewClientDetails, next_lead, record_outcome, set_agent_state
from campaigns.wallboard import wallboard
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    ConsentFactory,
    CustomerFactory,
    LeadFactory,
    StaffFactory,
    session_key_for,
)

pytestmark = pytest.mark.django_db


def call(agent, campaign, outcome: str) -> None:
    held = next_lead(agent=agent, campaign=campaign)
    details = NewClientDetails(email=f"lead{held.pk}@example.com", sex="F", birth_date=dt.date(1980, 1, 1))
    record_outcome(agent=agent, campaign_lead=held, outcome=outcome, client_details=details)


@pytest.mark.postgres  # grouped counts with EXISTS inside their filters: checked on both databases
def test_the_wallboard_shows_agents_states_calls_per_hour_contact_rate_conversion_and_queues(campaign, agent):
    bob = StaffFactory(username="bob", telemarketing_agent=True)
    CampaignLeadFactory.create_batch(5, campaign=campaign)
    for outcome in ("converted", "no_answer", "not_interested"):
        call(agent, campaign, outcome)
    set_agent_state(agent=agent, state=AgentState.READY, campaign=campaign)
    set_agent_state(agent=bob, state=AgentState.PAUSED, reason=PauseReason.objects.create(name="Обед"))
    board = wallboard()
    rows = {row.agent_id: row for row in board.agents}
    assert (rows[agent.pk].state, rows[agent.pk].calls_last_hour, rows[agent.pk].campaign) == (
        "ready",
        3,
        campaign.name,
    )
    assert (rows[bob.pk].state, rows[bob.pk].reason, rows[bob.pk].calls_last_hour) == (AgentState.PAUSED, "Обед", 0)
    assert board.calls_last_hour == 3
    (today,) = board.campaigns
    assert (today.calls_today, today.reached_today, today.converted_today) == (3, 2, 1)
    assert (today.contact_rate, today.conversion) == (Decimal("66.7"), Decimal("50.0"))
    # Two new leads wait, and the unanswered one is due again only in two hours.
    assert (today.waiting, today.callable_now, today.outside_hours) == (2, 2, 0)


@pytest.mark.postgres  # grouped counts with EXISTS inside their filters: checked on both databases
def test_leads_outside_their_hours_or_without_consent_wait_but_are_not_callable(agent):
    night = CampaignFactory(
        name="Ночь",
        weekday_from=dt.time(0, 0),
        weekday_until=dt.time(0, 1),
        weekend_from=dt.time(0, 0),
        weekend_until=dt.time(0, 1),
    )
    advertising = CampaignFactory(name="Реклама", advertising=True)
    CampaignLeadFactory.create_batch(2, campaign=night)
    willing = CampaignLeadFactory(campaign=advertising)
    CampaignLeadFactory(campaign=advertising)
    ConsentFactory(address=willing.lead.phone)
    at = timezone.now().replace(hour=12, minute=0)
    figures = {row.name: (row.waiting, row.callable_now) for row in wallboard(now=at).campaigns}
    assert figures == {"Ночь": (2, 0), "Реклама": (2, 1)}


@pytest.mark.postgres  # grouped counts with EXISTS inside their filters: checked on both databases
def test_the_wallboard_takes_six_queries_whatever_the_number_of_agents_campaigns_and_leads(campaign, agent):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            wallboard()
        return len(captured)

    CampaignLeadFactory(campaign=campaign)
    call(agent, campaign, "interested")
    set_agent_state(agent=agent, state=AgentState.READY, campaign=campaign)
    few = queries()
    CampaignLeadFactory(campaign=CampaignFactory(name="Реклама", advertising=True))
    for n in range(3):
        other = CampaignFactory(name=f"Кампания {n}")
        CampaignLeadFactory.create_batch(4, campaign=other)
        helper = StaffFactory(username=f"agent{n}", telemarketing_agent=True)
        call(helper, other, "converted")
        set_agent_state(agent=helper, state=AgentState.ON_CALL, campaign=other)
    assert queries() == few == 6


def test_the_wallboard_page_is_for_those_who_see_results(client, campaign):
    url = reverse("campaigns:wallboard")
    assert client.get(url).status_code == 302
    client.force_login(StaffFactory(chat_agent=True))
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(back_office=True))
    page = client.get(url)
    assert page.status_code == 200 and 'data-socket="/ws/campaigns/wallboard/"' in page.text
    assert campaign.name in page.text


async def _frames(session_key: str | None, count: int) -> list:
    from telemarketing.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/campaigns/wallboard/", headers=headers)
    await communicator.connect()
    frames = []
    for _ in range(count):
        output = await communicator.receive_output(timeout=5)
        frames.append(output)
        if output["type"] == "websocket.close":
            break
    await communicator.disconnect()
    return frames


@pytest.mark.django_db(transaction=True)
def test_the_websocket_sends_the_wallboard_again_and_again_to_staff_only(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.WALLBOARD_REFRESH_SECONDS = 0.05
    campaign = CampaignFactory(name="Живая кампания")
    frames = async_to_sync(_frames)(session_key_for(StaffFactory(back_office=True)), 2)
    assert [frame["type"] for frame in frames] == ["websocket.send", "websocket.send"]
    frame = json.loads(frames[1]["text"])
    assert frame["type"] == "wallboard" and campaign.name in frame["html"]
    assert async_to_sync(_frames)(None, 1)[0]["code"] == 4401
    assert async_to_sync(_frames)(session_key_for(CustomerFactory()), 1)[0]["code"] == 4403


# --- results: period and XLSX --------------------------------------------------------------------------------


def test_results_count_the_calls_of_the_chosen_days_and_export_them_to_xlsx(client, campaign, agent):
    CampaignLeadFactory.create_batch(3, campaign=campaign)
    for outcome in ("converted", "not_interested", "interested"):
        call(agent, campaign, outcome)
    last_week = timezone.now() - dt.timedelta(days=7)
    CallAttempt.objects.filter(outcome=LeadState.NOT_INTERESTED).update(called_at=last_week)
    client.force_login(StaffFactory(back_office=True))
    today = timezone.localdate().isoformat()
    page = client.get(reverse("campaigns:results", args=[campaign.pk]), {"date_from": today, "date_to": today})
    assert page.status_code == 200 and page.context["results"].calls == 2
    xlsx = client.get(reverse("campaigns:results_xlsx", args=[campaign.pk]), {"date_from": today})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content if xlsx.streaming else [xlsx.content])))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Campaign"], summary["Calls"], summary["Converted"]) == (campaign.name, 2, 1)
    agents = list(workbook["Calls per agent"].iter_rows(min_row=2, values_only=True))
    assert [row[1:3] for row in agents] == [(2, 1)]
    assert [row[1] for row in workbook["Leads by state"].iter_rows(min_row=2, values_only=True)][:1] == [0]


def test_a_reversed_period_is_a_clear_error_and_a_name_like_a_formula_stays_text(client, agent):
    campaign = CampaignFactory(name='=HYPERLINK("http://x")')
    CampaignLead.objects.create(campaign=campaign, lead=LeadFactory())
    client.force_login(StaffFactory(back_office=True))
    url = reverse("campaigns:results", args=[campaign.pk])
    response = client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400 and "The first day must not be after the last." in response.text
    assert client.get(url, {"date_from": "not a date"}).status_code == 400
    xlsx = client.get(reverse("campaigns:results_xlsx", args=[campaign.pk]))
    summary = load_workbook(io.BytesIO(xlsx.content))["Summary"]
    assert summary["B2"].value == '\'=HYPERLINK("http://x")' and summary["B2"].data_type == "s"


def test_results_xlsx_is_for_those_who_see_results(client, campaign):
    url = reverse("campaigns:results_xlsx", args=[campaign.pk])
    client.force_login(StaffFactory(chat_agent=True))
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(back_office=True))
    assert client.get(reverse("campaigns:results_xlsx", args=[campaign.pk + 1000])).status_code == 404
