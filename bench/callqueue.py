"""Call queue: leads handed out per second to 8 concurrent agents over a campaign of 100,000 leads.

The campaign has the default local calling hours and advertises: one lead in ten has given no consent to
advertising calls and one in fifty is on the do-not-call list, so the service checks each lead's hours,
consent, the do-not-call list, wrong numbers and holds elsewhere. The leads are spread over the time zones
where those hours allow a call while the benchmark runs (whole-hour zones anywhere on Earth: at night in
Russia no Russian zone may be called), so that every lead is callable at whatever hour it runs, as every
Russian zone is at 07:00–10:00 UTC on a weekday.

Each agent is a thread with its own database connection that asks ``campaigns.services.next_lead`` for a
lead and records the call's outcome with ``record_outcome`` (which releases it), again and again. The
baseline does the same with two raw SQL statements per step: claim the first free new lead with one
conditional UPDATE (on PostgreSQL its sub-select takes the row with FOR UPDATE SKIP LOCKED), then write
the outcome and the call log row; it skips the service's hours, consent, do-not-call and held-elsewhere
checks and its audit event. It runs after the service, on the same campaign, so it starts further down the queue.

No lead may be handed out twice: the ids each agent got are compared, and the database must hold
exactly one call per lead handed out.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.roles import TELEMARKETING_AGENTS
from bench import data
from campaigns.models import (
    CallAttempt,
    CallOutcome,
    Campaign,
    CampaignLead,
    Consent,
    ConsentSource,
    ContactChannel,
    DoNotCall,
    DoNotCallSource,
    Lead,
    LeadState,
)
from campaigns.services.calling_hours import CallingHours
from tests.factories import CampaignFactory

# Area codes from Kaliningrad to Kamchatka and a mobile: numbers the checks read (the leads' zones are set apart).
AREA_CODES = ("4012", "495", "846", "343", "3812", "383", "3952", "4112", "423", "4132", "4152", "902")


def bench_phone(n: int) -> str:
    code = AREA_CODES[n % len(AREA_CODES)]
    return f"+7{code}2{n // len(AREA_CODES):0{9 - len(code)}d}"


def zones_open_now(campaign: Campaign) -> list[int]:
    """The whole-hour UTC offsets (in minutes) where the campaign may call now and for the next hour."""
    now = timezone.now()
    hours = CallingHours.of(campaign, around=now)
    later = now + timedelta(hours=1)
    offsets = [hour * 60 for hour in range(-12, 15)]
    return [offset for offset in offsets if hours.allows_offset(offset, now) and hours.allows_offset(offset, later)]


def _placed(campaign: Campaign, lead: Lead, *, offset: int) -> CampaignLead:
    campaign_lead = CampaignLead.for_lead(campaign=campaign, lead=lead)
    campaign_lead.utc_offset_min = campaign_lead.utc_offset_max = offset
    return campaign_lead


def make_campaign(leads: int) -> Campaign:
    """An advertising campaign with the default calling hours over leads spread evenly over the time zones where
    it may call now; nine leads in ten consented to advertising calls, one in fifty is on the do-not-call list."""
    campaign = CampaignFactory(
        name="Вклад «Бенчмарк»",
        standard_hours=True,
        advertising=True,
        responsible__surname="Руководитель",
        responsible__name="Кампании",
        responsible__position="head of telemarketing",
    )
    zones = zones_open_now(campaign)
    if not zones:
        raise RuntimeError("the campaign's calling hours allow no call anywhere on Earth now (a holiday?)")
    for start in range(0, leads, 10_000):
        made = Lead.objects.bulk_create(
            [
                Lead(surname="Лидов", name=f"Лид {n}", phone=bench_phone(n), source="bench")
                for n in range(start, min(leads, start + 10_000))
            ],
            batch_size=data.BATCH,
        )
        CampaignLead.objects.bulk_create(
            [_placed(campaign, lead, offset=zones[n % len(zones)]) for n, lead in enumerate(made, start=start)],
            batch_size=data.BATCH,
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    channel=ContactChannel.CALLS,
                    address=lead.phone,
                    granted_at=timezone.now(),
                    source=ConsentSource.PAPER,
                    evidence=f"Анкета № {n}",
                )
                for n, lead in enumerate(made, start=start)
                if n % 10 != 7
            ],
            batch_size=data.BATCH,
        )
        DoNotCall.objects.bulk_create(
            [
                DoNotCall(phone=lead.phone, source=DoNotCallSource.BACK_OFFICE)
                for n, lead in enumerate(made, start=start)
                if n % 50 == 3
            ],
            batch_size=data.BATCH,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return campaign


def service_step(agent, campaign) -> int | None:
    from campaigns.services import next_lead, record_outcome

    handed = next_lead(agent=agent, campaign=campaign)
    if handed is None:
        return None
    record_outcome(agent=agent, campaign_lead=handed, outcome=CallOutcome.NOT_INTERESTED)
    return handed.pk


def raw_step(agent, campaign) -> int | None:
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_campaignlead SET held_by_id = %s, held_since = %s, state = %s, updated_at = %s"
            " WHERE id = (SELECT id FROM campaigns_campaignlead WHERE campaign_id = %s AND state = %s"
            f" AND held_by_id IS NULL ORDER BY id LIMIT 1{skip_locked}) RETURNING id",
            [agent.pk, now, LeadState.IN_PROGRESS.value, now, campaign.pk, LeadState.NEW.value],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_campaignlead SET state = %s, held_by_id = NULL, held_since = NULL, updated_at = %s"
            " WHERE id = %s AND held_by_id = %s",
            [CallOutcome.NOT_INTERESTED.value, now, row[0], agent.pk],
        )
        cursor.execute(
            "INSERT INTO campaigns_callattempt (campaign_lead_id, agent_id, outcome, note, called_at)"
            " VALUES (%s, %s, %s, '', %s)",
            [row[0], agent.pk, CallOutcome.NOT_INTERESTED.value, now],
        )
    return row[0]


def run_agents(step, *, agents, campaign, duration: float) -> dict:
    handed: list[list[int]] = [[] for _ in agents]
    errors: list[str] = []
    start_line = threading.Barrier(len(agents) + 1)
    deadline: list[float] = []

    def work(index: int) -> None:
        try:
            start_line.wait()
            while time.perf_counter() < deadline[0]:
                got = step(agents[index], campaign)
                if got is None:
                    break
                handed[index].append(got)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(agents))]
    for thread in threads:
        thread.start()
    deadline.append(time.perf_counter() + duration)
    started = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [pk for got in handed for pk in got]
    return {
        "agents": len(agents),
        "handed_out": len(every),
        "seconds": round(elapsed, 3),
        "per_second": round(len(every) / elapsed, 1),
        "per_agent": [len(got) for got in handed],
        "errors": errors[:5],
        "handed_ids": every,
    }


def check_handouts(handed_ids: list[int], *, calls_before: int) -> list[str]:
    """What would show a lead handed out twice, or a hand-out that left no trace; empty when all is right."""
    problems = []
    twice = [pk for pk, n in Counter(handed_ids).items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} leads were handed out more than once, e.g. {twice[:5]}")
    if CallAttempt.objects.values("campaign_lead").annotate(n=Count("id")).filter(n__gt=1).exists():
        problems.append("a lead was called more than once")
    calls = CallAttempt.objects.count() - calls_before
    if calls != len(handed_ids):
        problems.append(f"{calls} calls recorded for {len(handed_ids)} leads handed out")
    if CampaignLead.objects.filter(held_by__isnull=False).exists():
        problems.append("a lead is still held after its outcome was recorded")
    return problems


def check_rules(handed_ids: list[int]) -> list[str]:
    """What would show the service calling someone it must not: no consent, or on the do-not-call list."""
    problems = []
    handed = CampaignLead.objects.filter(pk__in=handed_ids)
    without_consent = handed.exclude(
        lead__phone__in=Consent.objects.filter(channel=ContactChannel.CALLS, withdrawn_at__isnull=True).values(
            "address"
        )
    )
    if without_consent.exists():
        problems.append(f"{without_consent.count()} leads called without consent to advertising calls")
    on_the_list = handed.filter(lead__phone__in=DoNotCall.objects.values("phone"))
    if on_the_list.exists():
        problems.append(f"{on_the_list.count()} leads on the do-not-call list called")
    return problems


def run(parameters: dict) -> dict:
    started = time.perf_counter()
    campaign = make_campaign(parameters["leads"])
    agents = data.staff(parameters["agents"], prefix="caller", group=TELEMARKETING_AGENTS)
    setup_seconds = time.perf_counter() - started
    runs = []
    for variant, step in (("service", service_step), ("raw_sql", raw_step)):
        calls_before = CallAttempt.objects.count()
        measured = run_agents(step, agents=agents, campaign=campaign, duration=parameters["duration"])
        handed_ids = measured.pop("handed_ids")
        problems = check_handouts(handed_ids, calls_before=calls_before)
        if variant == "service":
            problems += check_rules(handed_ids)
        problems += [f"agent failed: {error}" for error in measured["errors"]]
        runs.append({"variant": variant, **measured, "correct": not problems, "problems": problems})
    return {
        "vendor": connection.vendor,
        "leads": CampaignLead.objects.filter(campaign=campaign).count(),
        "setup_seconds": round(setup_seconds, 1),
        "duration": parameters["duration"],
        "runs": runs,
        "correct": all(run["correct"] for run in runs),
    }
