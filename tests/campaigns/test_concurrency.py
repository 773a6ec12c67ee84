"""Agents asking for leads at the same moment never get the same lead (nor the same person).

On PostgreSQL the queue skips rows other agents have locked; on SQLite every transaction starts
with BEGIN IMMEDIATE, so requests run one after another. Each agent is a thread with its own
database connection; on SQLite they share a file (the in-memory test database is copied into one).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from campaigns.models import CallAttempt, Campaign, CampaignLead, LeadState
from campaigns.services import next_lead, record_outcome
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    LeadFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Agents:
    """Runs one function per agent in threads that start together, each with its own connection."""

    def __init__(self, tmp_path: Path):
        self.sqlite_file: Path | None = None
        self.wrapper_class = type(connections["default"])
        self.settings_dict = dict(connections["default"].settings_dict)
        if connection.vendor == "sqlite":
            self.sqlite_file = tmp_path / "agents.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.sqlite_file)
            connection.connection.backup(target)
            target.close()

    def _connect(self) -> None:
        if self.sqlite_file is not None:
            connections["default"] = self.wrapper_class({**self.settings_dict, "NAME": str(self.sqlite_file)})

    def run(self, work: Callable, arguments: list) -> list:
        start = threading.Barrier(len(arguments))
        results: list = [None] * len(arguments)
        errors: list[BaseException] = []

        def thread(index: int, argument) -> None:
            try:
                self._connect()
                start.wait(timeout=10)
                results[index] = work(argument)
            except BaseException as error:  # reported to the test below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=thread, args=(i, a)) for i, a in enumerate(arguments)]
        for each in threads:
            each.start()
        for each in threads:
            each.join(timeout=60)
        assert not any(each.is_alive() for each in threads), "an agent thread hung"
        assert not errors, errors
        return results

    def read(self, query: Callable):
        """Read what the agents wrote (on SQLite it is in the shared file, not in the test database)."""
        return self.run(lambda _: query(), [None])[0]


def test_agents_asking_at_once_get_different_leads(tmp_path):
    campaign = CampaignFactory()
    CampaignLeadFactory.create_batch(5, campaign=campaign)
    agents = [StaffFactory(username=f"agent{n}", telemarketing_agent=True) for n in range(8)]
    handed = Agents(tmp_path).run(lambda agent: next_lead(agent=agent, campaign=campaign), agents)
    given = [lead.pk for lead in handed if lead is not None]
    assert len(given) == 5, "every lead is handed out, and three agents find the queue empty"
    assert len(set(given)) == len(given), f"a lead was handed to two agents: {Counter(given)}"
    holders = {lead.pk: lead.held_by_id for lead in handed if lead is not None}
    assert len(set(holders.values())) == 5


def test_agents_working_through_a_queue_call_every_lead_exactly_once(tmp_path):
    campaign = CampaignFactory()
    leads = CampaignLeadFactory.create_batch(30, campaign=campaign)
    agents = [StaffFactory(username=f"agent{n}", telemarketing_agent=True) for n in range(6)]

    def work_through(agent) -> list[int]:
        called = []
        while (lead := next_lead(agent=agent, campaign=campaign)) is not None:
            called.append(lead.pk)
            record_outcome(agent=agent, campaign_lead=lead, outcome=LeadState.NOT_INTERESTED)
        return called

    harness = Agents(tmp_path)
    called = [pk for per_agent in harness.run(work_through, agents) for pk in per_agent]
    assert sorted(called) == sorted(lead.pk for lead in leads)
    attempts = harness.read(lambda: Counter(CallAttempt.objects.values_list("campaign_lead_id", flat=True)))
    assert set(attempts.values()) == {1}, "each lead was called once"
    assert len(attempts) == 30


def test_a_person_in_two_campaigns_is_held_by_one_agent_at_a_time(tmp_path):
    first, second = CampaignFactory(name="Первая"), CampaignFactory(name="Вторая")
    people = [LeadFactory() for _ in range(4)]
    for person in people:
        CampaignLeadFactory(campaign=first, lead=person)
        CampaignLeadFactory(campaign=second, lead=person)
    agents = [StaffFactory(username=f"agent{n}", telemarketing_agent=True) for n in range(8)]
    work = [(agent, first if n % 2 else second) for n, agent in enumerate(agents)]
    handed = Agents(tmp_path).run(lambda job: next_lead(agent=job[0], campaign=job[1]), work)
    persons = [lead.lead_id for lead in handed if lead is not None]
    assert len(persons) == 4
    assert len(set(persons)) == 4, f"a person was handed out twice: {Counter(persons)}"
    assert isinstance(first, Campaign)


def local_hour_offset(hour: int) -> int:
    """A UTC offset (minutes, on the 15-minute grid) at which it is now about ``hour`` o'clock."""
    now = timezone.now().astimezone(dt.UTC)
    offset = ((hour * 60 - (now.hour * 60 + now.minute)) % 1440) // 15 * 15
    return offset - 1440 if offset > 14 * 60 else offset


def test_eight_agents_call_only_leads_within_their_hours_and_each_once(tmp_path):
    campaign = CampaignFactory(standard_hours=True)  # the defaults: 09:00–21:00 on weekdays, 10:00–18:00 at weekends
    leads = CampaignLeadFactory.create_batch(40, campaign=campaign)
    noon, night = local_hour_offset(13), local_hour_offset(3)
    callable_ids = {lead.pk for lead in leads[::2]}
    for lead in leads:
        offset = noon if lead.pk in callable_ids else night
        CampaignLead.objects.filter(pk=lead.pk).update(utc_offset_min=offset, utc_offset_max=offset)
    agents = [StaffFactory(username=f"agent{n}", telemarketing_agent=True) for n in range(8)]

    def work_through(agent) -> list[int]:
        called = []
        while (lead := next_lead(agent=agent, campaign=campaign)) is not None:
            called.append(lead.pk)
            record_outcome(agent=agent, campaign_lead=lead, outcome="interested")
        return called

    harness = Agents(tmp_path)
    called = [pk for per_agent in harness.run(work_through, agents) for pk in per_agent]
    assert len(called) == len(set(called)), f"a lead was handed out twice: {Counter(called)}"
    assert set(called) == callable_ids, "every lead within its hours was called, none outside them"
    left = harness.read(lambda: set(CampaignLead.objects.filter(state=LeadState.NEW).values_list("pk", flat=True)))
    assert left == {lead.pk for lead in leads} - callable_ids
