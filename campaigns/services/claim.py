"""The call queue's claim: one UPDATE that takes the head of the queue with every rule in its WHERE.

The statement is written with the ORM (so it is the same on SQLite, PostgreSQL and SQL Server) and
compiled once per shape — database, whether the campaign advertises, the runs of UTC offsets callable
now — then run again with the values of each request. Building and compiling its five subqueries and
their twenty conditions cost about fifty times what the database spends running it (cProfile, issue 19),
and the shape changes only when the calling hours move to another run of offsets.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import cast

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.sql import UpdateQuery

from campaigns.models import CampaignLead, Consent, ContactChannel, DoNotCall, LeadState

Runs = tuple[tuple[int, int], ...]

# Stand-ins compiled into the statement where each request's own values go; none can be a real value.
_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_CUTOFF = datetime(1901, 2, 3, 4, 5, 7, tzinfo=UTC)
_AGENT = -1_000_001
_CAMPAIGN = -1_000_002


def within_hours(runs: Runs) -> Q:
    """The lead's whole range of offsets inside one of the runs of offsets callable now."""
    condition = Q()
    for first, last in runs:
        condition |= Q(utc_offset_min__gte=first, utc_offset_max__lte=last)
    return condition


def free(cutoff: datetime) -> Q:
    """Nobody holds it, or its holder has been silent longer than the hold timeout."""
    return Q(held_by__isnull=True) | Q(held_since__lt=cutoff)


def on_do_not_call_list() -> Q:
    """The lead's number is on the do-not-call list, or was found wrong in any campaign."""
    return Q(Exists(DoNotCall.objects.filter(phone=OuterRef("lead__phone")))) | Q(
        Exists(CampaignLead.objects.filter(lead=OuterRef("lead"), state=LeadState.WRONG_NUMBER))
    )


def consents_to_calls() -> Exists:
    """The lead's number has consent to advertising calls, given and not withdrawn."""
    return Exists(
        Consent.objects.filter(
            channel=ContactChannel.CALLS,
            address=OuterRef("lead__phone"),
            granted_at__isnull=False,
            withdrawn_at__isnull=True,
        )
    )


def held_in_another_campaign(cutoff: datetime) -> Exists:
    # Only a lead in progress is held: the look-up follows the index (state, lead).
    return Exists(
        CampaignLead.objects.filter(
            lead=OuterRef("lead"), state=LeadState.IN_PROGRESS, held_by__isnull=False, held_since__gte=cutoff
        ).exclude(pk=OuterRef("pk"))
    )


def callable_leads(*, campaign_id: int, advertising: bool, runs: Runs, cutoff: datetime) -> QuerySet[CampaignLead]:
    """The campaign's leads that may be called now, whatever their state: free, within their hours, not on the
    do-not-call list, not held in another campaign, and (in an advertising campaign) consenting."""
    leads = (
        CampaignLead.objects.filter(campaign_id=campaign_id)
        .filter(free(cutoff), within_hours(runs))
        .exclude(on_do_not_call_list())
        .exclude(held_in_another_campaign(cutoff))
    )
    return leads.filter(consents_to_calls()) if advertising else leads


def _claim_query(*, campaign_id: int, advertising: bool, runs: Runs, agent_id: int, now: datetime, cutoff: datetime):
    """The claim as an UPDATE query: the first of the queue's parts' heads, each read along the index
    "campaign_lead_queue" in its own order, so the first row that passes the checks ends its search.

    In the order they are tried: call-backs promised for a time, leads due again after an unanswered call,
    leads given a time by the back office, holds abandoned past the timeout, then new leads.
    """
    leads = callable_leads(campaign_id=campaign_id, advertising=advertising, runs=runs, cutoff=cutoff)
    parts = [
        leads.filter(state=LeadState.CALLBACK, callback_at__lte=now),
        leads.filter(state=LeadState.RECYCLE, callback_at__lte=now),
        leads.filter(state=LeadState.NEW, callback_at__isnull=False, callback_at__lte=now),
        leads.filter(state=LeadState.IN_PROGRESS, held_since__lt=cutoff),
        leads.filter(state=LeadState.NEW, callback_at__isnull=True),
    ]
    if connections[leads.db].features.has_select_for_update_skip_locked:
        # A head another agent is claiming right now is skipped, not waited for. The lock covers the row's
        # lead too (its phone is read in the same query), so a person being claimed in another campaign at
        # this instant is skipped as well.
        parts = [part.select_for_update(skip_locked=True) for part in parts]
    heads = [Subquery(part.order_by("callback_at", "pk").values("pk")[:1]) for part in parts]
    claimed = CampaignLead.objects.filter(pk=Coalesce(*heads)).filter(free(cutoff))
    query = cast(UpdateQuery, claimed.query.chain(UpdateQuery))
    query.add_update_values(
        {"held_by_id": agent_id, "held_since": now, "state": LeadState.IN_PROGRESS, "updated_at": now}
    )
    return query


@lru_cache(maxsize=512)
def _compiled(alias: str, advertising: bool, runs: Runs) -> tuple[str, tuple]:
    """The claim's SQL for one shape, with stand-ins where each request's values go."""
    query = _claim_query(
        campaign_id=_CAMPAIGN, advertising=advertising, runs=runs, agent_id=_AGENT, now=_NOW, cutoff=_CUTOFF
    )
    sql, params = query.get_compiler(alias).as_sql()
    adapt = connections[alias].ops.adapt_datetimefield_value
    if not {_AGENT, _CAMPAIGN} <= set(params) or not {_NOW, adapt(_NOW)} & set(params):
        raise RuntimeError("the claim's values are not where the compiled statement expects them")
    if connections[alias].vendor == "postgresql":
        sql = _numbered(sql)
    return sql, tuple(params)


def _numbered(sql: str) -> str:
    """The statement with PostgreSQL's own placeholders ($1, $2…) for the raw cursor (see ``_cursor``)."""
    count = itertools.count(1)
    return re.sub(r"%%|%s", lambda found: "%" if found[0] == "%%" else f"${next(count)}", sql)


def claim(
    *, alias: str, campaign_id: int, advertising: bool, runs: Runs, agent_id: int, now: datetime, cutoff: datetime
) -> int:
    """Run the claim for one request; the number of rows claimed (0 or 1)."""
    connection = connections[alias]
    sql, template = _compiled(alias, advertising, runs)
    adapt = connection.ops.adapt_datetimefield_value
    values = {_AGENT: agent_id, _CAMPAIGN: campaign_id, _NOW: now, _CUTOFF: cutoff}
    values |= {adapt(_NOW): adapt(now), adapt(_CUTOFF): adapt(cutoff)}
    with _cursor(connection) as cursor:
        cursor.execute(sql, [values.get(param, param) for param in template])
        return cursor.rowcount


def _cursor(connection):
    """A cursor that lets the database keep the claim's plan.

    PostgreSQL spends twenty times longer planning the claim than running it (EXPLAIN ANALYZE: 26 ms
    against 1.7 ms). Django's psycopg cursors bind values on the client, so every claim is new text to
    plan; a cursor binding on the server runs the same text each time, which psycopg prepares from its
    fifth run on, so the plan is made once per connection. The cursor is psycopg's raw one, given the
    statement with PostgreSQL's placeholders: psycopg rewrites ``%s`` placeholders at every run of a
    statement longer than 4 kB, and that took a third of the claim's Python time. SQLite keeps compiled
    statements by text already, and SQL Server caches the plans of parameterised statements.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.RawCursor(connection.connection))
