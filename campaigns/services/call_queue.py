"""The call queue: handing each lead to one agent at a time, and recording what came of the call."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import (
    OPEN_STATES,
    CallAttempt,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Disposition,
    DoNotCallSource,
    LeadState,
)
from campaigns.services import claim, queue_statements
from campaigns.services.calling_hours import CallingHours, local_time_text
from campaigns.services.claim import Runs
from campaigns.services.consent import add_to_do_not_call
from campaigns.services.conversion import NewClientDetails, client_for
from campaigns.services.errors import CallbackTimeRefused, CallQueueError
from core.phones import format_phone

MAX_CALLBACK_AHEAD = timedelta(days=366)
MAX_NOTE_LENGTH = 4000


def hold_timeout() -> timedelta:
    return timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES)


# The order leads are handed out in: due call-backs by their time, then the rest in the order they came.
_QUEUE_ORDER = (F("callback_at").asc(nulls_last=True), "pk")


def call_queue(*, campaign: Campaign, now: datetime | None = None, hours: CallingHours | None = None):
    """The campaign's leads an agent may be given now, in the order they are handed out.

    Due call-backs and leads due to be called again (earliest first), then leads never called (in the
    order they came), including leads an agent held too long without recording an outcome; only leads
    within the campaign's calling hours where they live, off the do-not-call list, and with consent to
    advertising calls when the campaign advertises.
    """
    now = now or timezone.now()
    runs = tuple((hours or CallingHours.of(campaign, around=now)).allowed_runs(now))
    if not runs:
        return CampaignLead.objects.none()
    cutoff = now - hold_timeout()
    leads = claim.callable_leads(campaign_id=campaign.pk, advertising=campaign.advertising, runs=runs, cutoff=cutoff)
    due = (
        Q(state=LeadState.NEW)
        | Q(state__in=(LeadState.CALLBACK, LeadState.RECYCLE), callback_at__lte=now)
        | Q(state=LeadState.IN_PROGRESS, held_since__lt=now - hold_timeout())
    )
    return leads.filter(due).order_by(*_QUEUE_ORDER)


def next_lead(*, agent: Account, campaign: Campaign) -> CampaignLead | None:
    """Hand the agent a lead to call in an active campaign, or None when the queue is empty.

    An agent who still holds a lead of this campaign gets that one again. Otherwise one UPDATE claims the
    head of the queue, with every check (state and time, hold, calling hours, do-not-call list, consent,
    holds in other campaigns) in its WHERE, and one SELECT reads it back with its details. On PostgreSQL
    the queue's heads are read with SKIP LOCKED, so agents asking at once are given different leads
    without waiting for each other; SQLite opens every transaction with BEGIN IMMEDIATE, so there the
    requests run one after another. The number of queries does not grow with the campaign.
    """
    now = timezone.now()
    alias = CampaignLead.objects.db
    # Read before the transaction, as under PostgreSQL's READ COMMITTED inside it: on SQLite the write lock
    # (BEGIN IMMEDIATE) is then held for the hold look-up, the claim and its read-back only.
    current = queue_statements.campaign(alias).first(campaign=campaign.pk)
    if current is None:
        raise Campaign.DoesNotExist(f"campaign {campaign.pk} does not exist")
    if current.status != CampaignStatus.ACTIVE:
        raise CallQueueError(
            gettext("“%(name)s” is %(status)s: leads are handed out only in an active campaign.")
            % {"name": current.name, "status": current.get_status_display()}
        )
    runs = tuple(CallingHours.of(current, around=now).allowed_runs(now))
    for _ in range(_CLAIM_TRIES):
        try:
            return _hand_out(agent=agent, campaign=current, runs=runs, now=now)
        except _HeldElsewhere:
            continue
    return None


class _HeldElsewhere(Exception):
    """The person just claimed was claimed in another campaign by an agent whose transaction ended first."""


# A claim undone because another agent's claim of the same person committed first is tried again, with a
# new snapshot that sees that hold; it can recur only if yet another such claim commits meanwhile.
_CLAIM_TRIES = 5


def _hand_out(*, agent: Account, campaign: Campaign, runs: Runs, now: datetime) -> CampaignLead | None:
    """The hold look-up, the claim and its read-back, in one transaction.

    Under PostgreSQL's READ COMMITTED the claim's check of holds in other campaigns reads the snapshot its
    statement began with; the lock it takes on the person's row waits out (SKIP LOCKED: passes over) a
    claim of the same person in progress, but one that committed while the statement ran is not seen.
    The read-back is a new statement, whose snapshot sees it: then the claim is rolled back and tried
    again (without this, two agents in two campaigns were given the same person, 1 run in 8 of
    tests/campaigns/test_concurrency.py).
    """
    alias = CampaignLead.objects.db
    cutoff = now - hold_timeout()
    with transaction.atomic():
        held = queue_statements.held(alias).first(campaign=campaign.pk, agent=agent.pk, since=cutoff)
        if held is not None:
            return _with_details(held.pk)
        if not runs:
            return None
        claimed = claim.claim(
            alias=alias,
            campaign_id=campaign.pk,
            advertising=campaign.advertising,
            runs=runs,
            agent_id=agent.pk,
            now=now,
            cutoff=cutoff,
        )
        if not claimed:
            return None
        claimed_lead = queue_statements.claimed(alias).first(
            campaign=campaign.pk, agent=agent.pk, now=now, cutoff=cutoff
        )
        if claimed_lead is None:
            raise _HeldElsewhere
        claimed_lead.campaign = campaign  # read above: one join fewer to build and read
        return claimed_lead


def release_expired_holds(*, now: datetime | None = None) -> int:
    """Give back to the queue every lead held past the hold timeout without an outcome (a periodic job).

    The queue already hands such leads out again; releasing them also frees the agent's name on them in
    the back office and the results. A lead taken as a due call-back goes back as a call-back.
    """
    now = now or timezone.now()
    expired = CampaignLead.objects.filter(
        state=LeadState.IN_PROGRESS, held_by__isnull=False, held_since__lt=now - hold_timeout()
    )
    with transaction.atomic():
        released = expired.filter(callback_at__isnull=False).update(
            state=LeadState.CALLBACK, held_by=None, held_since=None, updated_at=now
        )
        released += expired.filter(callback_at__isnull=True).update(
            state=LeadState.NEW, held_by=None, held_since=None, updated_at=now
        )
    return released


def _with_details(campaign_lead_id: int) -> CampaignLead:
    return CampaignLead.objects.select_related("lead", "lead__client", "campaign").get(pk=campaign_lead_id)


def _disposition(*, campaign_id: int, code: str) -> Disposition | None:
    """The outcome with this code: the campaign's own, else the system one."""
    found = sorted(
        queue_statements.dispositions(Disposition.objects.db).all(campaign=campaign_id, code=code),
        key=lambda disposition: disposition.campaign_id is None,
    )
    return found[0] if found else None


def _check_callback_time(*, campaign_lead: CampaignLead, callback_at: datetime | None, now: datetime) -> datetime:
    if callback_at is None:
        raise CallQueueError(gettext("Enter when to call back."))
    if callback_at <= now:
        raise CallQueueError(gettext("The call-back time must be in the future."))
    if callback_at > now + MAX_CALLBACK_AHEAD:
        raise CallQueueError(gettext("The call-back time must be within a year."))
    hours = CallingHours.of(campaign_lead.campaign, around=callback_at)
    low, high = campaign_lead.utc_offset_min, campaign_lead.utc_offset_max
    if not hours.allows(low, high, callback_at):
        suggested = hours.nearest(low, high, callback_at)
        message = gettext("At that time it is %(local)s where the person lives: outside the calling hours.") % {
            "local": local_time_text(callback_at, low, high)
        }
        if suggested is not None:
            message += " " + gettext("The nearest allowed time is %(time)s (%(local)s there).") % {
                "time": date_format(timezone.localtime(suggested), "SHORT_DATETIME_FORMAT"),
                "local": local_time_text(suggested, low, high),
            }
        raise CallbackTimeRefused(message, suggested=suggested)
    return callback_at


def record_outcome(
    *,
    agent: Account,
    campaign_lead: CampaignLead,
    outcome: str,
    note: str = "",
    callback_at: datetime | None = None,
    client_details: NewClientDetails | None = None,
) -> CallAttempt:
    """Write what came of a call to the lead the agent holds, log the call, and release the lead.

    ``outcome`` is the code of a disposition (the campaign's own or a system one). "Call back" needs a
    time in the future within the lead's calling hours (else the nearest allowed time is suggested); an
    outcome that recycles (no answer, busy, voicemail) returns the lead to the queue after its delay, or
    closes it as unreachable once the campaign has called it the disposition's maximum of times;
    "converted" makes the lead exactly one client (its own, one found by e-mail or phone, or a new one
    from the lead's data); "do not call" puts the number on the do-not-call list (no campaign calls it, no
    message goes to it), and
    "wrong number" takes the phone out of every campaign.
    """
    disposition = _disposition(campaign_id=campaign_lead.campaign_id, code=outcome or "")
    if disposition is None:
        raise CallQueueError(gettext("Choose what came of the call."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise CallQueueError(gettext("The note is longer than %(limit)s characters.") % {"limit": MAX_NOTE_LENGTH})
    now = timezone.now()
    with transaction.atomic():
        # The lead's row and its person's are locked, not the campaign's, which every agent reads.
        alias = CampaignLead.objects.db
        locked = queue_statements.locked(alias).first(campaign_lead=campaign_lead.pk)
        if locked is None:
            raise CampaignLead.DoesNotExist(f"campaign lead {campaign_lead.pk} does not exist")
        if locked.held_by_id != agent.pk:
            raise CallQueueError(
                gettext(
                    "You no longer hold this lead: after %(minutes)s minutes without an outcome it went back to "
                    "the queue. Ask for the next lead."
                )
                % {"minutes": settings.CALL_QUEUE_HOLD_MINUTES}
            )
        state = disposition.lead_state
        locked.attempts += 1
        if state == LeadState.CALLBACK:
            callback_at = _check_callback_time(campaign_lead=locked, callback_at=callback_at, now=now)
        elif state == LeadState.RECYCLE and disposition.recycle_after is not None:
            if disposition.max_attempts is not None and locked.attempts >= disposition.max_attempts:
                state, callback_at = LeadState.UNREACHABLE, None
            else:
                callback_at = now + disposition.recycle_after
        else:
            callback_at = None
        lead = locked.lead
        if state == LeadState.CONVERTED:
            client = client_for(lead, client_details)
            if lead.client_id != client.pk:
                lead.client = client
                lead.save(update_fields=["client"])
        if state == LeadState.WRONG_NUMBER:
            CampaignLead.objects.filter(lead=lead, state__in=OPEN_STATES).exclude(pk=locked.pk).update(
                state=LeadState.WRONG_NUMBER, callback_at=None, updated_at=now
            )
        if state == LeadState.DO_NOT_CALL:
            add_to_do_not_call(
                phone=lead.phone, source=DoNotCallSource.CALL, reason=disposition.label, actor=agent, now=now
            )
        locked.state = state
        locked.callback_at = callback_at
        locked.note = note
        locked.held_by = None
        locked.held_since = None
        locked.updated_at = now
        queue_statements.write_outcome(alias).execute(
            campaign_lead=locked.pk,
            state=str(state),
            callback_at=callback_at,
            note=note,
            attempts=locked.attempts,
            now=now,
        )
        attempt = queue_statements.log_call(alias).create(
            campaign_lead_id=locked.pk,
            agent_id=agent.pk,
            outcome=str(state),
            disposition_id=disposition.pk,
            note=note,
            callback_at=callback_at,
            called_at=now,
        )
        attempt.campaign_lead, attempt.agent, attempt.disposition = locked, agent, disposition
        record_event(
            actor=agent,
            action=AuditAction.LEAD_OUTCOME,
            target=locked,
            summary=f"{lead} ({format_phone(lead.phone)}): {state}"
            + (f" ({disposition.code})" if disposition.code != state else "")
            + (f", call back {callback_at:%Y-%m-%d %H:%M}" if callback_at else ""),
        )
    campaign_lead.state, campaign_lead.callback_at, campaign_lead.note = locked.state, callback_at, note
    campaign_lead.attempts = locked.attempts
    campaign_lead.held_by, campaign_lead.held_since = None, None
    return attempt
