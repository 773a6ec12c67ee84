"""Reads of campaigns' data: pickers, the agents' campaigns and held leads, call history, results, lead export."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account, Client
from campaigns.models import (
    PHONE_CHANNELS,
    AgentStateSpan,
    CallAttempt,
    CallOutcome,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Consent,
    ContactChannel,
    Disposition,
    Lead,
    LeadState,
    PauseReason,
    Product,
)
from campaigns.services.calling_hours import local_time_text
from core.phones import format_phone
from core.querying import local_days


def campaigns_for_picker() -> QuerySet[Campaign]:
    """Campaigns, newest first, with their products (and interest rates): two queries."""
    products = Product.objects.only("id", "campaign_id", "name", "kind", "interest_rate").order_by("name", "id")
    return (
        Campaign.objects.only("id", "name", "status", "started_at", "ended_at")
        .prefetch_related(Prefetch("products", queryset=products))
        .order_by("-created_at", "-id")
    )


def lead_counts_by_state(*, campaign_id: int) -> list[tuple[str, str, int]]:
    """(state, its label, how many leads) of a campaign, for the states it has leads in, in the states' order:
    one query."""
    counts = dict(
        CampaignLead.objects.filter(campaign_id=campaign_id)
        .order_by()
        .values_list("state")
        .annotate(count=Count("id"))
        .values_list("state", "count")
    )
    return [(state.value, str(state.label), counts[state.value]) for state in LeadState if state.value in counts]


# --- The call queue and campaign results ------------------------------------------------------------------


def campaigns_for_agents(*, now: dt.datetime | None = None) -> QuerySet[Campaign]:
    """Active campaigns with how many new leads and due call-backs (and recycles) each has: the agent's choice,
    one query."""
    now = now or timezone.now()
    return (
        Campaign.objects.filter(status=CampaignStatus.ACTIVE)
        .annotate(
            new_leads=Count("campaign_leads", filter=Q(campaign_leads__state=LeadState.NEW)),
            due_callbacks=Count(
                "campaign_leads",
                filter=Q(
                    campaign_leads__state__in=(LeadState.CALLBACK, LeadState.RECYCLE),
                    campaign_leads__callback_at__lte=now,
                ),
            ),
        )
        .order_by("name", "id")
    )


def campaigns_with_results() -> QuerySet[Campaign]:
    """Every campaign that has started, newest first, with its lead count: the list of results pages."""
    return (
        Campaign.objects.exclude(status=CampaignStatus.DRAFT)
        .select_related("responsible")
        .annotate(lead_count=Count("campaign_leads"))
        .order_by("-started_at", "-id")
    )


def active_campaign(*, campaign_id: int) -> Campaign:
    """The campaign an agent works in, with its products; raises Campaign.DoesNotExist."""
    return Campaign.objects.prefetch_related("products").get(pk=campaign_id)


def held_lead(*, agent: Account, campaign_id: int, now: dt.datetime | None = None) -> CampaignLead | None:
    """The lead the agent holds in this campaign now (not yet returned to the queue), with its client."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES)
    return (
        CampaignLead.objects.filter(campaign_id=campaign_id, held_by=agent, held_since__gte=cutoff)
        .select_related("lead", "lead__client")
        .first()
    )


def call_outcomes(*, campaign_id: int) -> list[Disposition]:
    """The outcomes an agent may record in this campaign, in button order: the campaign's own replace the
    system ones of the same code."""
    by_code: dict[str, Disposition] = {}
    for disposition in Disposition.objects.filter(Q(campaign_id=campaign_id) | Q(campaign__isnull=True)):
        if disposition.code not in by_code or disposition.campaign_id is not None:
            by_code[disposition.code] = disposition
    return sorted(by_code.values(), key=lambda disposition: (disposition.position, disposition.pk))


_SCRIPT_FIELD = re.compile(r"\{(surname|name|patronymic|phone|source)\}")


def call_script(*, campaign: Campaign, lead: Lead) -> SafeString:
    """The campaign's script with the lead's details filled in (an empty one left out), as HTML: everything
    escaped, lines kept."""
    values = {
        "surname": lead.surname,
        "name": lead.name,
        "patronymic": lead.patronymic,
        "phone": format_phone(lead.phone),
        "source": lead.source,
    }
    parts: list[str] = []
    position = 0
    for match in _SCRIPT_FIELD.finditer(campaign.script):
        parts.append(escape(campaign.script[position : match.start()]))
        if values[match.group(1)]:
            parts.append(format_html("<mark>{}</mark>", values[match.group(1)]))
        elif parts[-1].endswith(" "):
            parts[-1] = parts[-1][:-1]  # "{name} {patronymic}!" without a patronymic: no space before "!"
        position = match.end()
    parts.append(escape(campaign.script[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308  (every part escaped above)


def lead_local_time(*, campaign_lead: CampaignLead, now: dt.datetime | None = None) -> str:
    """The time where the person lives: "10:42", or a range over the zones a mobile number may be in."""
    return local_time_text(now or timezone.now(), campaign_lead.utc_offset_min, campaign_lead.utc_offset_max)


def call_consent(*, phone: str) -> Consent | None:
    """The consent to advertising calls kept for a number (given or withdrawn), or None when there is none."""
    return Consent.objects.filter(channel=ContactChannel.CALLS, address=phone).first()


@dataclass(frozen=True)
class ChannelConsent:
    channel: str
    label: str
    address: str
    shown_address: str
    consent: Consent | None


def customer_consents(*, client: Client) -> list[ChannelConsent]:
    """A customer's consent on each channel, for their phone (calls, SMS) and e-mail: one query."""
    addresses = {
        ContactChannel.CALLS: client.phone,
        ContactChannel.SMS: client.phone,
        ContactChannel.EMAIL: client.email.lower(),
    }
    found = {
        (consent.channel, consent.address): consent
        for consent in Consent.objects.filter(
            Q(channel__in=PHONE_CHANNELS, address=client.phone)
            | Q(channel=ContactChannel.EMAIL, address=addresses[ContactChannel.EMAIL])
        )
    }
    return [
        ChannelConsent(
            channel=channel,
            label=str(ContactChannel(channel).label),
            address=address,
            shown_address=format_phone(address) if channel in PHONE_CHANNELS else address,
            consent=found.get((channel, address)),
        )
        for channel, address in addresses.items()
    ]


def current_agent_state(*, agent: Account) -> AgentStateSpan | None:
    """The state the agent is in now (the open span), with its pause reason."""
    return AgentStateSpan.objects.filter(agent=agent, ended_at__isnull=True).select_related("reason").first()


def pause_reasons() -> list[PauseReason]:
    return list(PauseReason.objects.all())


def pause_reason(*, reason_id: int) -> PauseReason | None:
    return PauseReason.objects.filter(pk=reason_id).first()


def lead_call_history(*, lead_id: int, limit: int = 20) -> list[CallAttempt]:
    """The lead's last calls in every campaign, newest first, so the agent knows what was said before."""
    return list(
        CallAttempt.objects.filter(campaign_lead__lead_id=lead_id)
        .select_related("agent", "agent__worker", "campaign_lead__campaign")
        .order_by("-called_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class AgentCalls:
    agent_id: int
    name: str
    calls: int
    converted: int
    callbacks: int
    refusals: int  # not interested or do not call


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    by_state: list[StateCount]
    leads: int
    converted: int
    calls: int
    per_agent: list[AgentCalls]
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def conversion_rate(self) -> Decimal:
        """Converted leads as a percentage of all the campaign's leads."""
        if not self.leads:
            return Decimal("0.0")
        return (Decimal(self.converted) * 100 / self.leads).quantize(Decimal("0.1"))

    @property
    def largest_state_count(self) -> int:
        return max((row.count for row in self.by_state), default=0)

    @property
    def most_calls(self) -> int:
        return max((row.calls for row in self.per_agent), default=0)


def _agent_name(row: dict) -> str:
    worker = " ".join(part for part in (row["agent__worker__surname"], row["agent__worker__name"]) if part)
    account = " ".join(part for part in (row["agent__first_name"], row["agent__last_name"]) if part)
    return worker or account or row["agent__username"]


def campaign_results(
    *, campaign_id: int, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> CampaignResults:
    """Leads by state (now), conversion and calls per agent of one campaign, counted by the database (three
    queries); the calls only of the local days from ``date_from`` to ``date_to`` when they are given."""
    campaign = Campaign.objects.select_related("responsible").get(pk=campaign_id)
    counts = dict(
        CampaignLead.objects.filter(campaign_id=campaign_id).order_by().values_list("state").annotate(total=Count("pk"))
    )
    by_state = [StateCount(state.value, str(state.label), counts.get(state.value, 0)) for state in LeadState]
    agents = (
        CallAttempt.objects.filter(campaign_lead__campaign_id=campaign_id)
        .filter(local_days("called_at", date_from, date_to))
        .order_by()
        .values(
            "agent_id",
            "agent__username",
            "agent__first_name",
            "agent__last_name",
            "agent__worker__surname",
            "agent__worker__name",
        )
        .annotate(
            calls=Count("pk"),
            converted=Count("pk", filter=Q(outcome=CallOutcome.CONVERTED)),
            callbacks=Count("pk", filter=Q(outcome=CallOutcome.CALLBACK)),
            refusals=Count("pk", filter=Q(outcome__in=(CallOutcome.NOT_INTERESTED, CallOutcome.DO_NOT_CALL))),
        )
    )
    per_agent = sorted(
        (
            AgentCalls(
                agent_id=row["agent_id"],
                name=_agent_name(row),
                calls=row["calls"],
                converted=row["converted"],
                callbacks=row["callbacks"],
                refusals=row["refusals"],
            )
            for row in agents
        ),
        key=lambda agent: (-agent.calls, agent.name),
    )
    return CampaignResults(
        campaign=campaign,
        by_state=by_state,
        leads=sum(counts.values()),
        converted=counts.get(LeadState.CONVERTED.value, 0),
        calls=sum(agent.calls for agent in per_agent),
        per_agent=per_agent,
        date_from=date_from,
        date_to=date_to,
    )


EXPORT_COLUMNS = (
    "surname",
    "name",
    "patronymic",
    "phone",
    "email",
    "source",
    "campaign",
    "state",
    "callback_at",
    "note",
    "client_email",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_campaign_leads_csv(*, campaign_ids: list[int], stream: TextIO) -> None:
    """The leads of the given campaigns as CSV, in the columns the import reads (plus where each stands).

    The phone is written as people read it (+7 903 144-76-02, which the import reads back); being only digits,
    spaces and dashes it cannot carry a formula. Every other text is guarded against spreadsheet formulas.
    """
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    rows = (
        CampaignLead.objects.filter(campaign_id__in=campaign_ids)
        .select_related("lead", "lead__client", "campaign")
        .order_by("campaign_id", "lead__surname", "lead__name", "pk")
    )
    for row in rows.iterator(chunk_size=2000):
        lead = row.lead
        writer.writerow(
            [
                _cell(lead.surname),
                _cell(lead.name),
                _cell(lead.patronymic),
                format_phone(lead.phone),
                _cell(lead.email),
                _cell(lead.source),
                _cell(row.campaign.name),
                row.state,
                timezone.localtime(row.callback_at).isoformat(timespec="minutes") if row.callback_at else "",
                _cell(row.note),
                _cell(lead.client.email) if lead.client is not None else "",
            ]
        )


# A lead in one of these states still has an offer open: nobody has closed it either way.
OPEN_OFFER_STATES = (LeadState.NEW, LeadState.IN_PROGRESS, LeadState.CALLBACK, LeadState.INTERESTED)


def client_open_offers(*, client_id: int) -> list[CampaignLead]:
    """The active campaigns that still offer something to this client (through their leads), with the
    campaigns' products: what a chat agent can mention. Two queries."""
    return list(
        CampaignLead.objects.filter(
            lead__client_id=client_id, state__in=OPEN_OFFER_STATES, campaign__status=CampaignStatus.ACTIVE
        )
        .select_related("campaign")
        .prefetch_related("campaign__products")
        .order_by("-campaign__started_at", "campaign_id")
    )
