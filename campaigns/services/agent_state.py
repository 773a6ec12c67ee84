"""Where each agent is: ready, on a call, wrapping up, or paused for a reason, with the times of each."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account
from campaigns.models import AgentState, AgentStateSpan, Campaign, PauseReason
from campaigns.services.errors import CampaignError


def set_agent_state(
    *,
    agent: Account,
    state: str,
    campaign: Campaign | None = None,
    reason: PauseReason | None = None,
    now: datetime | None = None,
) -> AgentStateSpan:
    """End the agent's current state and start ``state`` now; the same state (and reason) again changes nothing.

    A pause needs a reason from the list; other states have none.
    """
    if state not in AgentState.values:
        raise CampaignError(gettext("Unknown agent state “%(state)s”.") % {"state": state})
    if (state == AgentState.PAUSED) != (reason is not None):
        raise CampaignError(
            gettext("Choose why you pause.") if reason is None else gettext("Only a pause has a reason.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the agent's open span, if any, so that two tabs cannot both open a new one.
        current = AgentStateSpan.objects.select_for_update().filter(agent=agent, ended_at__isnull=True).first()
        if current is not None:
            same_reason = current.reason_id == (reason.pk if reason else None)
            if current.state == state and same_reason and current.campaign_id == (campaign.pk if campaign else None):
                return current
            current.ended_at = max(now, current.started_at)
            current.save(update_fields=["ended_at"])
        return AgentStateSpan.objects.create(agent=agent, campaign=campaign, state=state, reason=reason, started_at=now)
