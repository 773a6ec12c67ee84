"""The call queue: handing each lead to one agent at a time, and recording what came of the call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Account, Client, Sex
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import (
    BLOCKING_STATES,
    OPEN_STATES,
    CallAttempt,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Disposition,
    Lead,
    LeadState,
)
from campaigns.services.calling_hours import CallingHours, local_time_text
from campaigns.services.errors import CallbackTimeRefused, CallQueueError
from core.phones import format_phone

# How many queue candidates one request tries before it reports the queue as busy; a candidate fails only
# when another agent claimed it in the same instant.
_CLAIM_ATTEMPTS = 10
MAX_CALLBACK_AHEAD = timedelta(days=366)
MAX_NOTE_LENGTH = 4000


def hold_timeout() -> timedelta:
    return timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES)


def _on_do_not_call_list() -> Exists:
    """The lead (of the outer campaign lead) asked not to be called, or its number is wrong, in any campaign."""
    return Exists(CampaignLead.objects.filter(lead=OuterRef("lead"), state__in=BLOCKING_STATES))


def _held_in_another_campaign(cutoff: datetime) -> Exists:
    return Exists(
        CampaignLead.objects.filter(lead=OuterRef("lead"), held_by__isnull=False, held_since__gte=cutoff).exclude(
            pk=OuterRef("pk")
        )
    )


def _free(cutoff: datetime) -> Q:
    """Nobody holds it, or its holder has been silent longer than the hold timeout."""
    return Q(held_by__isnull=True) | Q(held_since__lt=cutoff)


# The order leads are handed out in: due call-backs by their time, then the rest in the order they came.
_QUEUE_ORDER = (F("callback_at").asc(nulls_last=True), "pk")


def call_queue(*, campaign: Campaign, now: datetime | None = None, hours: CallingHours | None = None):
    """The campaign's leads an agent may be given now, in the order they are handed out.

    Due call-backs and leads due to be called again (earliest first), then leads never called (in the
    order they came), including leads an agent held too long without recording an outcome; only leads
    within the campaign's calling hours where they live.
    """
    now = now or timezone.now()
    cutoff = now - hold_timeout()
    within_hours = (hours or CallingHours.of(campaign, around=now)).condition(now)
    if within_hours is None:
        return CampaignLead.objects.none()
    due = (
        Q(state=LeadState.NEW)
        | Q(state__in=(LeadState.CALLBACK, LeadState.RECYCLE), callback_at__lte=now)
        | Q(state=LeadState.IN_PROGRESS, held_since__lt=cutoff)
    )
    return (
        CampaignLead.objects.filter(campaign=campaign)
        .filter(due, _free(cutoff), within_hours)
        .exclude(_on_do_not_call_list())
        .exclude(_held_in_another_campaign(cutoff))
        .order_by(*_QUEUE_ORDER)
    )


def _queue_parts(*, campaign: Campaign, now: datetime, hours: CallingHours) -> list:
    """``call_queue`` cut into parts that each follow the index "campaign_lead_queue" in the queue's order.

    One query over the whole queue sorts every lead of the campaign before it can take the first (no
    index serves NULLS LAST over several states); each part here is read along the index, so the first
    row that passes the do-not-call and held-elsewhere checks ends its search. The parts together hold
    exactly the queue's rows; the head of the queue is the smallest of the parts' heads.
    """
    queue = call_queue(campaign=campaign, now=now, hours=hours)
    return [
        queue.filter(state=LeadState.CALLBACK, callback_at__lte=now).order_by("callback_at", "pk"),
        queue.filter(state=LeadState.RECYCLE, callback_at__lte=now).order_by("callback_at", "pk"),
        queue.filter(state=LeadState.NEW, callback_at__isnull=True).order_by("callback_at", "pk"),
        queue.filter(state=LeadState.NEW, callback_at__isnull=False).order_by("callback_at", "pk"),
        # Holds abandoned past the timeout: no more rows than agents held, so sorting them costs little.
        queue.filter(state=LeadState.IN_PROGRESS).order_by(*_QUEUE_ORDER),
    ]


def _queue_position(candidate: CampaignLead) -> tuple:
    """Where a candidate stands in ``call_queue``'s order: by call-back time (none last), then by id."""
    if candidate.callback_at is None:
        return (1, candidate.pk)
    return (0, candidate.callback_at, candidate.pk)


def _claim(*, candidate_id: int, lead_id: int, agent: Account, now: datetime, skip_locked: bool) -> bool:
    """Take one candidate, if it is still free; the conditional UPDATE is the final word on that."""
    cutoff = now - hold_timeout()
    # Another agent claiming the same person in another campaign holds this lock: leave the person to them.
    if skip_locked and not list(Lead.objects.select_for_update(skip_locked=True).filter(pk=lead_id).values_list("pk")):
        return False
    claimed = (
        CampaignLead.objects.filter(pk=candidate_id)
        .filter(_free(cutoff))
        .exclude(_on_do_not_call_list())
        .exclude(_held_in_another_campaign(cutoff))
        .update(held_by=agent, held_since=now, state=LeadState.IN_PROGRESS)
    )
    return claimed == 1


def next_lead(*, agent: Account, campaign: Campaign) -> CampaignLead | None:
    """Hand the agent a lead to call in an active campaign, or None when the queue is empty.

    An agent who still holds a lead of this campaign gets that one again. On PostgreSQL and SQL Server
    the candidates are row-locked with SKIP LOCKED, so agents asking at once are given different leads
    without waiting for each other; SQLite opens every transaction with BEGIN IMMEDIATE, so there the
    requests simply run one after another. The number of queries does not grow with the campaign.
    """
    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
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
        parts = _queue_parts(campaign=current, now=now, hours=CallingHours.of(current, around=now))
        if skip_locked:
            # Each part's head is locked until the end of this short transaction, taken or not.
            parts = [part.select_for_update(skip_locked=True) for part in parts]
        tried: list[int] = []
        for _attempt in range(_CLAIM_ATTEMPTS):
            heads = [part.exclude(pk__in=tried).only("pk", "lead_id", "callback_at").first() for part in parts]
            candidates = [head for head in heads if head is not None]
            if not candidates:
                return None
            candidate = min(candidates, key=_queue_position)
            if _claim(
                candidate_id=candidate.pk, lead_id=candidate.lead_id, agent=agent, now=now, skip_locked=skip_locked
            ):
                return _with_details(candidate.pk)
            tried.append(candidate.pk)
    raise CallQueueError(gettext("Many agents are taking leads right now; ask for the next lead again."))


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


@dataclass(frozen=True)
class NewClientDetails:
    """What a lead lacks to become a client; needed only when no client has the lead's e-mail or phone."""

    email: str = ""
    sex: str = ""
    birth_date: date | None = None


MIN_CLIENT_AGE_YEARS = 14  # a Russian passport, and so a bank account, from 14


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _client_for(lead: Lead, details: NewClientDetails | None) -> Client:
    """The one client a converted lead becomes: the lead's own, one with its e-mail or phone, or a new one."""
    if lead.client is not None:
        return lead.client
    details = details or NewClientDetails()
    email = (details.email or lead.email).strip().lower()
    existing = None
    if email:
        existing = Client.objects.filter(email__iexact=email).first()
    if existing is None:
        existing = Client.objects.filter(phone=lead.phone).order_by("pk").first()
    if existing is not None:
        return existing
    problems = []
    if not email:
        problems.append(gettext("the e-mail"))
    if details.sex not in Sex.values:
        problems.append(gettext("the sex"))
    birth_date = details.birth_date
    if birth_date is None:
        problems.append(gettext("the date of birth"))
    if problems or birth_date is None:
        raise CallQueueError(
            gettext("To make %(lead)s a client, enter %(missing)s.") % {"lead": lead, "missing": ", ".join(problems)}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise CallQueueError(gettext("“%(email)s” is not an e-mail address.") % {"email": email}) from None
    if birth_date > _years_ago(timezone.localdate(), MIN_CLIENT_AGE_YEARS):
        raise CallQueueError(
            gettext("A client must be at least %(years)s years old; check the date of birth.")
            % {"years": MIN_CLIENT_AGE_YEARS}
        )
    try:
        with transaction.atomic():
            return Client.objects.create(
                surname=lead.surname,
                name=lead.name,
                patronymic=lead.patronymic,
                phone=lead.phone,
                email=email,
                sex=details.sex,
                birth_date=birth_date,
            )
    except IntegrityError:
        raise CallQueueError(
            gettext("A client with the e-mail %(email)s was added at the same moment; record the outcome again.")
            % {"email": email}
        ) from None


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
    from the lead's data); "do not call" keeps the lead out of every campaign's queue from now on, and
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
        locked = CampaignLead.objects.select_for_update().select_related("campaign").get(pk=campaign_lead.pk)
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
            client = _client_for(lead, client_details)
            if lead.client_id != client.pk:
                lead.client = client
                lead.save(update_fields=["client"])
        if state == LeadState.WRONG_NUMBER:
            CampaignLead.objects.filter(lead=lead, state__in=OPEN_STATES).exclude(pk=locked.pk).update(
                state=LeadState.WRONG_NUMBER, callback_at=None, updated_at=now
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
