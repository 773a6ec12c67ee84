"""The call queue: handing each lead to one agent at a time, and recording what came of the call."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
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
    Consent,
    ContactChannel,
    Disposition,
    DoNotCall,
    DoNotCallSource,
    Lead,
    LeadState,
)
from campaigns.services.calling_hours import CallingHours, local_time_text
from campaigns.services.consent import add_to_do_not_call
from campaigns.services.conversion import NewClientDetails, client_for
from campaigns.services.errors import CallbackTimeRefused, CallQueueError
from core.phones import format_phone

MAX_CALLBACK_AHEAD = timedelta(days=366)
MAX_NOTE_LENGTH = 4000


def hold_timeout() -> timedelta:
    return timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES)


def _on_do_not_call_list() -> Q:
    """The lead's number is on the do-not-call list, or was found wrong in any campaign."""
    return Q(Exists(DoNotCall.objects.filter(phone=OuterRef("lead__phone")))) | Q(
        Exists(CampaignLead.objects.filter(lead=OuterRef("lead"), state=LeadState.WRONG_NUMBER))
    )


def _consents_to_calls() -> Exists:
    """The lead's number has consent to advertising calls, given and not withdrawn."""
    return Exists(
        Consent.objects.filter(
            channel=ContactChannel.CALLS,
            address=OuterRef("lead__phone"),
            granted_at__isnull=False,
            withdrawn_at__isnull=True,
        )
    )


def _held_in_another_campaign(cutoff: datetime) -> Exists:
    # Only a lead in progress is held: the look-up follows the index (state, lead).
    return Exists(
        CampaignLead.objects.filter(
            lead=OuterRef("lead"), state=LeadState.IN_PROGRESS, held_by__isnull=False, held_since__gte=cutoff
        ).exclude(pk=OuterRef("pk"))
    )


def _free(cutoff: datetime) -> Q:
    """Nobody holds it, or its holder has been silent longer than the hold timeout."""
    return Q(held_by__isnull=True) | Q(held_since__lt=cutoff)


# The order leads are handed out in: due call-backs by their time, then the rest in the order they came.
_QUEUE_ORDER = (F("callback_at").asc(nulls_last=True), "pk")


def _callable(campaign: Campaign, *, now: datetime, within_hours: Q) -> QuerySet[CampaignLead]:
    """The campaign's leads that may be called now, whatever their state: free, within their hours, not on the
    do-not-call list, not held in another campaign, and (in an advertising campaign) consenting."""
    cutoff = now - hold_timeout()
    leads = (
        CampaignLead.objects.filter(campaign=campaign)
        .filter(_free(cutoff), within_hours)
        .exclude(_on_do_not_call_list())
        .exclude(_held_in_another_campaign(cutoff))
    )
    return leads.filter(_consents_to_calls()) if campaign.advertising else leads


def call_queue(*, campaign: Campaign, now: datetime | None = None, hours: CallingHours | None = None):
    """The campaign's leads an agent may be given now, in the order they are handed out.

    Due call-backs and leads due to be called again (earliest first), then leads never called (in the
    order they came), including leads an agent held too long without recording an outcome; only leads
    within the campaign's calling hours where they live, off the do-not-call list, and with consent to
    advertising calls when the campaign advertises.
    """
    now = now or timezone.now()
    within_hours = (hours or CallingHours.of(campaign, around=now)).condition(now)
    if within_hours is None:
        return CampaignLead.objects.none()
    due = (
        Q(state=LeadState.NEW)
        | Q(state__in=(LeadState.CALLBACK, LeadState.RECYCLE), callback_at__lte=now)
        | Q(state=LeadState.IN_PROGRESS, held_since__lt=now - hold_timeout())
    )
    return _callable(campaign, now=now, within_hours=within_hours).filter(due).order_by(*_QUEUE_ORDER)


def _queue_heads(*, campaign: Campaign, now: datetime, within_hours: Q, skip_locked: bool) -> list:
    """The head of each part of the queue, as one-row subqueries read along the index "campaign_lead_queue".

    In the order they are tried: call-backs promised for a time, leads due again after an unanswered call,
    leads given a time by the back office, holds abandoned past the timeout, then new leads. Each part is
    one state read in the index's order, so its first row that passes the checks ends its search.
    """
    leads = _callable(campaign, now=now, within_hours=within_hours)
    parts = [
        leads.filter(state=LeadState.CALLBACK, callback_at__lte=now),
        leads.filter(state=LeadState.RECYCLE, callback_at__lte=now),
        leads.filter(state=LeadState.NEW, callback_at__isnull=False, callback_at__lte=now),
        leads.filter(state=LeadState.IN_PROGRESS, held_since__lt=now - hold_timeout()),
        leads.filter(state=LeadState.NEW, callback_at__isnull=True),
    ]
    if skip_locked:
        # A head another agent is claiming right now is skipped, not waited for. The lock covers the row's
        # lead too (its phone is read in the same query), so a person being claimed in another campaign at
        # this instant is skipped as well.
        parts = [part.select_for_update(skip_locked=True) for part in parts]
    return [Subquery(part.order_by("callback_at", "pk").values("pk")[:1]) for part in parts]


def _claim_one(*, campaign: Campaign, agent: Account, now: datetime, within_hours: Q) -> int:
    """Claim the head of the queue in ONE statement (an UPDATE of the first callable row); the number claimed."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    heads = _queue_heads(campaign=campaign, now=now, within_hours=within_hours, skip_locked=skip_locked)
    return (
        CampaignLead.objects.filter(pk=Coalesce(*heads))
        .filter(_free(now - hold_timeout()))
        .update(held_by=agent, held_since=now, state=LeadState.IN_PROGRESS, updated_at=now)
    )


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
    with transaction.atomic():
        current = Campaign.objects.get(pk=campaign.pk)
        if current.status != CampaignStatus.ACTIVE:
            raise CallQueueError(
                gettext("“%(name)s” is %(status)s: leads are handed out only in an active campaign.")
                % {"name": current.name, "status": current.get_status_display()}
            )
        # Ordered by lead only (the campaign is fixed), so the agent's few holds are found by held_by.
        held = (
            CampaignLead.objects.filter(campaign=current, held_by=agent, held_since__gte=now - hold_timeout())
            .order_by("lead")
            .first()
        )
        if held is not None:
            return _with_details(held.pk)
        within_hours = CallingHours.of(current, around=now).condition(now)
        if within_hours is None:
            return None
        if not _claim_one(campaign=current, agent=agent, now=now, within_hours=within_hours):
            return None
        return CampaignLead.objects.select_related("lead", "lead__client", "campaign").get(
            campaign=current, held_by=agent, held_since=now
        )


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
        Disposition.objects.filter(Q(campaign_id=campaign_id) | Q(campaign__isnull=True), code=code),
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
        # The lead's row is locked, not the campaign's, which every agent reads (its hours are read when needed).
        locked = CampaignLead.objects.select_for_update().get(pk=campaign_lead.pk)
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
        lead = Lead.objects.select_for_update().get(pk=locked.lead_id)
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
        locked.save(update_fields=["state", "callback_at", "note", "attempts", "held_by", "held_since", "updated_at"])
        attempt = CallAttempt.objects.create(
            campaign_lead=locked,
            agent=agent,
            outcome=state,
            disposition=disposition,
            note=note,
            callback_at=callback_at,
        )
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
