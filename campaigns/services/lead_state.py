"""The back office's changes to a lead's place in a campaign: its state by hand, and taking it from an agent.

The call queue's rules hold here too: a call-back needs a time (in the future, within a year), a lead is
"in progress" only while an agent holds it, and a lead is "converted" only once it is a client.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import CampaignLead, LeadState
from campaigns.services.call_queue import MAX_CALLBACK_AHEAD, hold_timeout
from campaigns.services.errors import CallQueueError


def _locked(campaign_lead: CampaignLead) -> CampaignLead:
    # Joined with its lead only: PostgreSQL cannot lock the nullable side of an outer join (held_by).
    return CampaignLead.objects.select_for_update().select_related("lead").get(pk=campaign_lead.pk)


def _is_held_now(campaign_lead: CampaignLead) -> bool:
    # A holder always comes with the time it took the lead (CHECK campaign_lead_hold_has_time).
    held_since = campaign_lead.held_since
    return held_since is not None and held_since >= timezone.now() - hold_timeout()


def change_lead_state(
    *, campaign_lead: CampaignLead, state: str, callback_at: datetime | None = None, actor: Account | None
) -> CampaignLead:
    """Set a lead's state in its campaign by hand (a correction, a lead who wrote in), audited.

    Refused while an agent is on the call with the lead (release it first). A hold that timed out is
    dropped. Setting the state and time the lead already has changes nothing. ``campaign_lead`` is
    updated in place.
    """
    if state not in LeadState.values:
        raise CallQueueError(gettext("Choose the lead's state."))
    if state == LeadState.IN_PROGRESS:
        raise CallQueueError(
            gettext("A lead is in progress only while an agent holds it: agents take leads from the call queue.")
        )
    if state != LeadState.CALLBACK:
        callback_at = None
    with transaction.atomic():
        locked = _locked(campaign_lead)
        if (locked.state, locked.callback_at) == (state, callback_at):
            return campaign_lead
        if _is_held_now(locked):
            raise CallQueueError(
                gettext("%(agent)s is calling %(lead)s now: release the lead first, or wait for the call's outcome.")
                % {"agent": locked.held_by, "lead": locked.lead}
            )
        if state == LeadState.CALLBACK:
            now = timezone.now()
            if callback_at is None:
                raise CallQueueError(gettext("Enter when to call back."))
            if callback_at <= now:
                raise CallQueueError(gettext("The call-back time must be in the future."))
            if callback_at > now + MAX_CALLBACK_AHEAD:
                raise CallQueueError(gettext("The call-back time must be within a year."))
        if state == LeadState.CONVERTED and locked.lead.client_id is None:
            raise CallQueueError(
                gettext("%(lead)s is not a client yet: link the lead to their client first.") % {"lead": locked.lead}
            )
        previous = locked.state
        locked.state, locked.callback_at = state, callback_at
        locked.held_by, locked.held_since = None, None
        locked.save(update_fields=["state", "callback_at", "held_by", "held_since", "updated_at"])
        record_event(
            actor=actor,
            action=AuditAction.LEAD_STATE,
            target=locked,
            summary=f"{locked.lead} ({locked.lead.phone}): {previous} → {state}"
            + (f", call back {callback_at:%Y-%m-%d %H:%M}" if callback_at else ""),
        )
    campaign_lead.state, campaign_lead.callback_at = locked.state, locked.callback_at
    campaign_lead.held_by, campaign_lead.held_since = None, None
    return campaign_lead


def release_lead(*, campaign_lead: CampaignLead, actor: Account | None) -> CampaignLead:
    """Take a lead back from the agent who holds it: it returns to the call queue as it was before the call.

    A lead claimed for a due call-back goes back as a call-back at the same time, any other as new.
    The agent's outcome for it is refused from then on, as after a hold timeout.
    """
    with transaction.atomic():
        locked = _locked(campaign_lead)
        agent = locked.held_by
        if agent is None:
            raise CallQueueError(gettext("Nobody holds %(lead)s.") % {"lead": locked.lead})
        locked.state = LeadState.CALLBACK if locked.callback_at is not None else LeadState.NEW
        locked.held_by, locked.held_since = None, None
        locked.save(update_fields=["state", "held_by", "held_since", "updated_at"])
        record_event(
            actor=actor,
            action=AuditAction.LEAD_RELEASE,
            target=locked,
            summary=f"{locked.lead} ({locked.lead.phone}): taken from {agent.get_username()}, {locked.state}",
        )
    campaign_lead.state, campaign_lead.held_by, campaign_lead.held_since = locked.state, None, None
    return campaign_lead
