"""Local calling hours: each lead's zone from its number (or as set), and no call outside the campaign's
hours where the person lives, call-backs included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CallingHoliday, CampaignLead, Lead
from campaigns.services import CallbackTimeRefused, call_queue, next_lead, record_outcome
from campaigns.services.calling_hours import CallingHours
from tests.campaigns.test_concurrency import local_hour_offset
from tests.factories import CampaignFactory, LeadFactory

pytestmark = pytest.mark.django_db

VLADIVOSTOK_LANDLINE, KALININGRAD_LANDLINE, MOBILE = "+74232123456", "+74012123456", "+79161234567"


def place(campaign, phone: str, **lead_fields) -> CampaignLead:
    return CampaignLead.objects.create(campaign=campaign, lead=LeadFactory(phone=phone, **lead_fields))


def offsets(campaign_lead: CampaignLead) -> tuple[int, int]:
    campaign_lead.refresh_from_db()
    return campaign_lead.utc_offset_min, campaign_lead.utc_offset_max


def test_a_leads_zone_comes_from_its_number_or_from_what_the_back_office_sets():
    campaign = CampaignFactory(standard_hours=True)
    assert offsets(place(campaign, VLADIVOSTOK_LANDLINE)) == (600, 600)
    assert offsets(place(campaign, KALININGRAD_LANDLINE)) == (120, 120), "Kaliningrad, not Bucharest"
    mobile = place(campaign, MOBILE)
    assert offsets(mobile) == (120, 720), "a mobile may be anywhere from Kaliningrad to Kamchatka"
    lead = Lead.objects.get(pk=mobile.lead_id)
    lead.time_zone = "Asia/Novosibirsk"
    lead.save()
    assert offsets(mobile) == (420, 420)


def test_the_queue_follows_the_clock_where_each_person_lives():
    campaign = CampaignFactory(standard_hours=True)
    vladivostok, kaliningrad = place(campaign, VLADIVOSTOK_LANDLINE), place(campaign, KALININGRAD_LANDLINE)
    mobile = place(campaign, MOBILE)
    tuesday = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    # 01:00 UTC: 11:00 in Vladivostok, 03:00 in Kaliningrad.
    assert list(call_queue(campaign=campaign, now=tuesday.replace(hour=1))) == [vladivostok]
    # 10:00 UTC: 20:00 in Vladivostok, 12:00 in Kaliningrad, 22:00 in Kamchatka (so not the mobile).
    assert list(call_queue(campaign=campaign, now=tuesday.replace(hour=10))) == [vladivostok, kaliningrad]
    # 07:00 UTC: from 09:00 in Kaliningrad to 19:00 in Kamchatka, so the mobile too.
    assert list(call_queue(campaign=campaign, now=tuesday.replace(hour=7))) == [vladivostok, kaliningrad, mobile]
    # Saturday 07:00 UTC: 09:00 in Kaliningrad is before the weekend's 10:00.
    assert list(call_queue(campaign=campaign, now=tuesday.replace(day=5, hour=7))) == [vladivostok]
    CallingHoliday.objects.create(campaign=campaign, day=dt.date(2026, 12, 1))
    assert list(call_queue(campaign=campaign, now=tuesday.replace(hour=10))) == [], "nobody on a holiday"


def test_no_lead_is_handed_out_at_night_where_it_lives(agent):
    campaign = CampaignFactory(standard_hours=True)
    asleep = place(campaign, VLADIVOSTOK_LANDLINE)
    offset = local_hour_offset(3)
    CampaignLead.objects.filter(pk=asleep.pk).update(utc_offset_min=offset, utc_offset_max=offset)
    assert next_lead(agent=agent, campaign=campaign) is None
    offset = local_hour_offset(13)
    CampaignLead.objects.filter(pk=asleep.pk).update(utc_offset_min=offset, utc_offset_max=offset)
    assert next_lead(agent=agent, campaign=campaign) == asleep


def held_in_vladivostok(agent):
    campaign = CampaignFactory(standard_hours=True)
    place(campaign, VLADIVOSTOK_LANDLINE)
    CampaignLead.objects.update(utc_offset_min=local_hour_offset(13), utc_offset_max=local_hour_offset(13))
    held = next_lead(agent=agent, campaign=campaign)
    CampaignLead.objects.filter(pk=held.pk).update(utc_offset_min=600, utc_offset_max=600)
    held.refresh_from_db()
    return campaign, held


def test_a_call_back_at_night_is_refused_with_the_nearest_allowed_time(agent):
    _campaign, held = held_in_vladivostok(agent)
    local = timezone.now().astimezone(ZoneInfo("Asia/Vladivostok")) + dt.timedelta(days=2)
    night = local.replace(hour=3, minute=0, second=0, microsecond=0)
    with pytest.raises(CallbackTimeRefused, match="03:00") as refused:
        record_outcome(agent=agent, campaign_lead=held, outcome="callback", callback_at=night)
    opening = 9 if night.weekday() < 5 else 10
    assert refused.value.suggested == night.replace(hour=opening)
    attempt = record_outcome(agent=agent, campaign_lead=held, outcome="callback", callback_at=refused.value.suggested)
    assert attempt.callback_at == night.replace(hour=opening)


def test_the_agents_page_offers_the_nearest_allowed_time(client, agent):
    campaign, held = held_in_vladivostok(agent)
    vladivostok = ZoneInfo("Asia/Vladivostok")
    night = (timezone.now().astimezone(vladivostok) + dt.timedelta(days=2)).replace(hour=3, minute=0)
    client.force_login(agent)
    written = timezone.localtime(night).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("campaigns:record_outcome", args=[campaign.pk, held.pk]),
        {"outcome": "callback", "callback_at": written},
    )
    assert response.status_code == 400
    assert "outside the calling hours" in response.text
    opening = night.replace(hour=9 if night.weekday() < 5 else 10)
    assert f'value="{timezone.localtime(opening):%Y-%m-%dT%H:%M}"' in response.text


def runs_offset_by_offset(hours: CallingHours, at: dt.datetime) -> list[tuple[int, int]]:
    allowed = [offset for offset in range(-12 * 60, 14 * 60 + 1, 15) if hours.allows_offset(offset, at)]
    runs: list[tuple[int, int]] = []
    for offset in allowed:
        if runs and runs[-1][1] == offset - 15:
            runs[-1] = (runs[-1][0], offset)
        else:
            runs.append((offset, offset))
    return runs


def test_the_offsets_callable_are_worked_out_once_a_minute_only_when_the_hours_are_in_whole_minutes():
    # Tuesday 17:59 UTC: 20:59 in Moscow, one minute before the standard hours end there.
    minute = dt.datetime(2026, 12, 1, 17, 59, tzinfo=dt.UTC)
    standard = CallingHours(CampaignFactory(standard_hours=True), set())
    for second in (0, 1, 30, 59.999):
        at = minute + dt.timedelta(seconds=second)
        assert standard.allowed_runs(at) == runs_offset_by_offset(standard, at)
    moscow_callable = [
        any(first <= 180 <= last for first, last in standard.allowed_runs(minute + dt.timedelta(seconds=second)))
        for second in (59.999, 60)
    ]
    assert moscow_callable == [True, False], "the hours end at 21:00 in Moscow"

    to_the_second = CallingHours(CampaignFactory(standard_hours=True, weekday_until=dt.time(20, 59, 30)), set())
    before, after = minute + dt.timedelta(seconds=10), minute + dt.timedelta(seconds=40)
    assert to_the_second.allowed_runs(before) == runs_offset_by_offset(to_the_second, before)
    assert to_the_second.allowed_runs(after) == runs_offset_by_offset(to_the_second, after)
    assert to_the_second.allowed_runs(before) != to_the_second.allowed_runs(after), "Moscow drops out at 20:59:30"
