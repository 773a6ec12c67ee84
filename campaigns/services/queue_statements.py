"""The call queue's everyday statements, compiled once per database (``core.compiled``).

A hand-out and an outcome read the campaign, its holidays, the agent's hold, the claimed lead, the
outcome's disposition and the locked lead, and write the lead back: building and compiling these with
the ORM took most of each step's time (cProfile, issue 19), so each is compiled on its first use and run
with each request's values. The queries are the ones the services wrote before, unchanged.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import Q

from campaigns.models import CallAttempt, CallingHoliday, Campaign, CampaignLead, Disposition
from campaigns.services import claim
from core.compiled import Insert, Select, Slots, Statement, update


@lru_cache(maxsize=8)
def campaign(alias: str) -> Select[Campaign]:
    slots = Slots(campaign=int)
    return Select(Campaign.objects.filter(pk=slots["campaign"]).order_by(), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def holidays(alias: str) -> Select[CallingHoliday]:
    slots = Slots(campaign=int, first=dt.date, last=dt.date)
    days = CallingHoliday.objects.filter(campaign_id=slots["campaign"], day__gte=slots["first"], day__lte=slots["last"])
    return Select(days, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def held(alias: str) -> Select[CampaignLead]:
    """The lead of the campaign the agent holds (ordered by lead only, so the agent's few holds are found by
    held_by)."""
    slots = Slots(campaign=int, agent=int, since=dt.datetime)
    leads = CampaignLead.objects.filter(
        campaign_id=slots["campaign"], held_by_id=slots["agent"], held_since__gte=slots["since"]
    )
    return Select(leads.order_by("lead")[:1], alias=alias, slots=slots)


@lru_cache(maxsize=8)
def claimed(alias: str) -> Select[CampaignLead]:
    """The lead the claim has just given the agent, with its person, unless the person is now seen held in
    another campaign (``next_lead`` then undoes the claim). Unordered (it is one row): the model's ordering
    (campaign, lead) led SQLite to read all the campaign's leads along its index (80 ms at 100,000)
    instead of the agent's few by held_by."""
    slots = Slots(campaign=int, agent=int, now=dt.datetime, cutoff=dt.datetime)
    leads = CampaignLead.objects.select_related("lead").filter(
        campaign_id=slots["campaign"], held_by_id=slots["agent"], held_since=slots["now"]
    )
    leads = leads.exclude(claim.held_in_another_campaign(slots["cutoff"])).order_by()
    return Select(leads, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def dispositions(alias: str) -> Select[Disposition]:
    """The outcomes with a code: the campaign's own and the system one."""
    slots = Slots(campaign=int, code=str)
    found = Disposition.objects.filter(Q(campaign_id=slots["campaign"]) | Q(campaign__isnull=True), code=slots["code"])
    return Select(found, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def locked(alias: str) -> Select[CampaignLead]:
    """The lead's row and its person's, locked (not the campaign's, which every agent reads). Compiled inside
    the outcome's transaction, as FOR UPDATE must be."""
    slots = Slots(campaign_lead=int)
    leads = CampaignLead.objects.select_for_update().select_related("lead").filter(pk=slots["campaign_lead"])
    leads = leads.order_by()  # the model's ordering joins the campaign, whose row FOR UPDATE would lock too
    return Select(leads, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def write_outcome(alias: str) -> Statement:
    """The outcome written to the lead, which is released."""
    slots = Slots(campaign_lead=int, state=str, callback_at=dt.datetime, note=str, attempts=int, now=dt.datetime)
    changes = {
        "state": slots["state"],
        "callback_at": slots["callback_at"],
        "note": slots["note"],
        "attempts": slots["attempts"],
        "held_by": None,
        "held_since": None,
        "updated_at": slots["now"],
    }
    return update(CampaignLead.objects.filter(pk=slots["campaign_lead"]), changes, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def log_call(alias: str) -> Insert[CallAttempt]:
    """The call's row in the log."""
    slots = Slots(
        campaign_lead_id=int,
        agent_id=int,
        outcome=str,
        disposition_id=int,
        note=str,
        callback_at=dt.datetime,
        called_at=dt.datetime,
    )
    return Insert(CallAttempt, alias=alias, slots=slots)
