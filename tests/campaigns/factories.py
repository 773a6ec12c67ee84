"""Builders of the people, campaigns and leads the campaign tests work with."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Account, Client, Worker
from campaigns.models import Campaign, CampaignLead, Lead
from campaigns.services import start_campaign

_numbers = itertools.count(1)


def make_worker(surname: str = "Петров") -> Worker:
    return Worker.objects.create(surname=surname, name="Пётр", position="оператор")


def make_account(username: str, *, role: str | None = None, worker: Worker | None = None, **extra) -> Account:
    account = Account.objects.create_user(username=username, password=None, worker=worker, **extra)
    if role:
        account.groups.add(Group.objects.get(name=role))
    return account


def make_agent(username: str = "agent") -> Account:
    return make_account(username, role=roles.TELEMARKETING_AGENTS, worker=make_worker(username.title()))


# Calls allowed at any hour, so that tests not about calling hours pass whenever they run.
ROUND_THE_CLOCK = {
    "weekday_from": dt.time(0, 0),
    "weekday_until": dt.time.max,
    "weekend_from": dt.time(0, 0),
    "weekend_until": dt.time.max,
}


def make_campaign(
    *, name: str = "Вклад «Осень»", active: bool = True, base_amount: str = "1000.00", hours: dict | None = None
) -> Campaign:
    campaign = Campaign.objects.create(
        name=name,
        responsible=make_worker(),
        base_amount=Decimal(base_amount),
        **(ROUND_THE_CLOCK if hours is None else hours),
    )
    if active:
        start_campaign(campaign=campaign)
    return campaign


def make_lead(*, surname: str = "Иванов", email: str = "", phone: str | None = None) -> Lead:
    number = next(_numbers)
    return Lead.objects.create(
        surname=surname, name="Иван", phone=phone or f"+7916{number:07d}", email=email, source="test"
    )


def add_leads(campaign: Campaign, count: int) -> list[CampaignLead]:
    return [CampaignLead.objects.create(campaign=campaign, lead=make_lead(surname=f"Лид{n}")) for n in range(count)]


def make_client(*, email: str = "client@example.com", phone: str = "") -> Client:
    return Client.objects.create(
        surname="Клиентов", name="Клим", sex="M", birth_date=dt.date(1980, 1, 1), email=email, phone=phone
    )
