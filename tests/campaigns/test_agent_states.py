"""Agent states on the desk: on a call from the hand-out, wrap-up after hanging up, ready after the outcome,
paused only with a reason from the list; each state with its start and end."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError
from django.urls import reverse

from campaigns.models import AgentStateSpan, PauseReason
from campaigns.services import CampaignError, set_agent_state
from tests.factories import CampaignLeadFactory

pytestmark = pytest.mark.django_db


def states(agent) -> list[tuple[str, str, bool]]:
    spans = AgentStateSpan.objects.filter(agent=agent).order_by("started_at", "id").select_related("reason")
    return [(span.state, str(span.reason or ""), span.ended_at is None) for span in spans]


def test_a_call_on_the_desk_records_the_agents_states_with_their_times(client, campaign, agent):
    CampaignLeadFactory.create_batch(1, campaign=campaign)
    lunch = PauseReason.objects.create(name="Обед")
    client.force_login(agent)
    desk = reverse("campaigns:call", args=[campaign.pk])
    client.post(reverse("campaigns:next_lead", args=[campaign.pk]))
    held = agent.held_leads.get()
    client.post(reverse("campaigns:agent_state", args=[campaign.pk]), {"state": "wrap_up"})
    client.post(reverse("campaigns:record_outcome", args=[campaign.pk, held.pk]), {"outcome": "interested"})
    response = client.post(reverse("campaigns:agent_state", args=[campaign.pk]), {"state": "paused"}, follow=True)
    assert "Choose why you pause" in response.text
    client.post(reverse("campaigns:agent_state", args=[campaign.pk]), {"state": "paused", "reason": lunch.pk})
    assert 'id="agent-state"' in client.get(desk).text
    assert states(agent) == [
        ("on_call", "", False),
        ("wrap_up", "", False),
        ("ready", "", False),
        ("paused", "Обед", True),
    ]
    spans = list(AgentStateSpan.objects.filter(agent=agent).order_by("started_at", "id"))
    for earlier, later in itertools.pairwise(spans):
        assert earlier.ended_at == later.started_at, "each state ends when the next begins"


def test_the_same_state_again_changes_nothing_and_a_reason_belongs_to_a_pause_only(agent):
    lunch = PauseReason.objects.create(name="Обед")
    first = set_agent_state(agent=agent, state="ready")
    assert set_agent_state(agent=agent, state="ready") == first
    with pytest.raises(CampaignError, match="Only a pause has a reason"):
        set_agent_state(agent=agent, state="ready", reason=lunch)
    with pytest.raises(IntegrityError):
        AgentStateSpan.objects.create(agent=agent, state="paused", started_at=first.started_at)
