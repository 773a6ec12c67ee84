"""Reads of the supervisor's wallboard: where each agent is, today's calls per campaign, and the queues now.

Every figure is counted by the database, in six queries whatever the number of agents, campaigns and
leads (tested): active campaigns, their holidays, open agent states, the last hour's calls per agent,
today's calls per campaign, and the queues (one grouped count, with each campaign's calling hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import (
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    Campaign,
    CampaignLead,
    CampaignStatus,
    LeadState,
)
from campaigns.services import hold_timeout
from campaigns.services.calling_hours import CallingHours
from campaigns.services.claim import (
    consents_to_calls,
    free,
    held_in_another_campaign,
    on_do_not_call_list,
    within_hours,
)
from core.querying import local_days


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal("0.0")


@dataclass(frozen=True)
class AgentRow:
    agent_id: int
    name: str
    state: str
    state_label: str
    reason: str
    campaign: str
    since: dt.datetime
    seconds_in_state: int
    calls_last_hour: int


@dataclass(frozen=True)
class CampaignRow:
    campaign_id: int
    name: str
    advertising: bool
    calls_today: int
    reached_today: int
    converted_today: int
    waiting: int  # leads due to be called now, wherever they are
    callable_now: int  # of them, within their calling hours and every other rule: what agents can be given

    @property
    def contact_rate(self) -> Decimal:
        """Calls that reached the person, as a percentage of today's calls."""
        return _percent(self.reached_today, self.calls_today)

    @property
    def conversion(self) -> Decimal:
        """Leads converted today, as a percentage of the people reached today."""
        return _percent(self.converted_today, self.reached_today)

    @property
    def outside_hours(self) -> int:
        return self.waiting - self.callable_now


@dataclass(frozen=True)
class Wallboard:
    at: dt.datetime
    agents: list[AgentRow]
    campaigns: list[CampaignRow]
    calls_last_hour: int

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.campaigns)

    @property
    def callable_now(self) -> int:
        return sum(row.callable_now for row in self.campaigns)


def _name(span: AgentStateSpan) -> str:
    worker = getattr(span.agent, "worker", None)
    if worker is not None:
        return " ".join(part for part in (worker.surname, worker.name) if part)
    return span.agent.get_full_name() or span.agent.username


def _agents(now: dt.datetime) -> tuple[list[AgentRow], int]:
    spans = (
        AgentStateSpan.objects.filter(ended_at__isnull=True)
        .select_related("agent", "agent__worker", "reason", "campaign")
        .order_by("started_at", "pk")
    )
    calls = dict(
        CallAttempt.objects.filter(called_at__gte=now - dt.timedelta(hours=1))
        .order_by()
        .values_list("agent_id")
        .annotate(total=Count("pk"))
    )
    rows = [
        AgentRow(
            agent_id=span.agent_id,
            name=_name(span),
            state=span.state,
            state_label=str(span.get_state_display()),
            reason=span.reason.name if span.reason else "",
            campaign=span.campaign.name if span.campaign else "",
            since=span.started_at,
            seconds_in_state=max(int((now - span.started_at).total_seconds()), 0),
            calls_last_hour=calls.get(span.agent_id, 0),
        )
        for span in spans
    ]
    return sorted(rows, key=lambda row: row.name), sum(calls.values())


def wallboard(*, now: dt.datetime | None = None) -> Wallboard:
    """The live figures: agents with their state, today's calls of each active campaign, the queues now."""
    now = now or timezone.now()
    campaigns = list(Campaign.objects.filter(status=CampaignStatus.ACTIVE).order_by("name", "pk"))
    holidays: dict[int, set[dt.date]] = {campaign.pk: set() for campaign in campaigns}
    first = now.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    for campaign_id, day in CallingHoliday.objects.filter(
        campaign__in=campaigns, day__gte=first, day__lte=first + dt.timedelta(days=2)
    ).values_list("campaign_id", "day"):
        holidays[campaign_id].add(day)
    agents, calls_last_hour = _agents(now)

    today = (
        CallAttempt.objects.filter(local_days("called_at", timezone.localdate(now), timezone.localdate(now)))
        .filter(campaign_lead__campaign__in=campaigns)
        .order_by()
        .values("campaign_lead__campaign_id")
        .annotate(
            calls=Count("pk"),
            reached=Count("pk", filter=Q(disposition__reached=True)),
            converted=Count("pk", filter=Q(outcome=LeadState.CONVERTED)),
        )
    )
    calls = {row["campaign_lead__campaign_id"]: row for row in today}

    cutoff = now - hold_timeout()
    due = (
        Q(state=LeadState.NEW)
        | Q(state__in=(LeadState.CALLBACK, LeadState.RECYCLE), callback_at__lte=now)
        | Q(state=LeadState.IN_PROGRESS, held_since__lt=cutoff)
    )
    # Each campaign's own hours (and, if it advertises, consent) in one condition over all their leads.
    reachable: Q | None = None
    for campaign in campaigns:
        runs = CallingHours(campaign, holidays[campaign.pk]).allowed_runs(now)
        if runs:
            rule = Q(campaign_id=campaign.pk) & within_hours(tuple(runs))
            rule = rule & Q(consents_to_calls()) if campaign.advertising else rule
            reachable = rule if reachable is None else reachable | rule
    counts = {"waiting": Count("pk")}
    if reachable is not None:  # else nobody may be called anywhere now
        rules = reachable & free(cutoff) & ~on_do_not_call_list() & ~Q(held_in_another_campaign(cutoff))
        counts["callable_now"] = Count("pk", filter=rules)
    queues = {
        row["campaign_id"]: row
        for row in CampaignLead.objects.filter(campaign__in=campaigns)
        .filter(due)
        .order_by()
        .values("campaign_id")
        .annotate(**counts)
    }
    rows = [
        CampaignRow(
            campaign_id=campaign.pk,
            name=campaign.name,
            advertising=campaign.advertising,
            calls_today=calls.get(campaign.pk, {}).get("calls", 0),
            reached_today=calls.get(campaign.pk, {}).get("reached", 0),
            converted_today=calls.get(campaign.pk, {}).get("converted", 0),
            waiting=queues.get(campaign.pk, {}).get("waiting", 0),
            callable_now=queues.get(campaign.pk, {}).get("callable_now", 0),
        )
        for campaign in campaigns
    ]
    return Wallboard(at=now, agents=agents, campaigns=rows, calls_last_hour=calls_last_hour)
