"""People, surveys and news for the management API's tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account, Client, Worker
from accounts.roles import CUSTOMERS, PRODUCT_MANAGERS
from api.services import issue_token
from campaigns.models import Campaign, CampaignLead, Lead
from outreach.models import Message, News
from surveys.models import Survey

PASSWORD = "Correct-Horse-7-Battery"
_numbers = itertools.count(1)


def make_client(*, surname: str = "Иванов", name: str = "Иван", email: str | None = None, phone: str = "") -> Client:
    number = next(_numbers)
    return Client.objects.create(
        surname=surname,
        name=name,
        sex="M",
        birth_date=dt.date(1980, 1, 1),
        email=email or f"client{number}@example.ru",
        phone=phone or f"+7916000{number:04d}",
    )


def make_customer(*, client: Client | None = None, username: str | None = None, active: bool = True) -> Account:
    client = client or make_client()
    account = Account.objects.create_user(
        username=username or f"customer{next(_numbers)}", password=PASSWORD, client=client, is_active=active
    )
    account.groups.add(Group.objects.get(name=CUSTOMERS))
    return account


def make_staff(role: str, *, username: str | None = None, surname: str = "Петрова") -> Account:
    worker = Worker.objects.create(surname=surname, name="Анна", position=role)
    account = Account.objects.create_user(
        username=username or f"{role.replace(' ', '_')}{next(_numbers)}", password=PASSWORD, worker=worker
    )
    account.groups.add(Group.objects.get(name=role))
    return account


def make_product_manager(*, username: str | None = None) -> Account:
    return make_staff(PRODUCT_MANAGERS, username=username)


def token_for(account: Account) -> str:
    return issue_token(account=account)[1]


def make_survey(*, client: Client, kind: str = "complaint", rating: int = 3, when: dt.datetime | None = None, **extra):
    survey = Survey.objects.create(client=client, kind=kind, rating=rating, **extra)
    if when is not None:
        Survey.objects.filter(pk=survey.pk).update(created_at=when)
        survey.refresh_from_db()
    return survey


def make_news(*, account: Account, title: str = "Новый вклад", body: str = "Ставка 12%", **extra) -> News:
    return News.objects.create(account=account, title=title, body=body, **extra)


def make_campaign(*, name: str = "Осенние вклады") -> Campaign:
    responsible = Worker.objects.create(surname="Сидоров", name="Пётр", position="campaign manager")
    return Campaign.objects.create(name=name, responsible=responsible)


def add_lead_who_became(client: Client, *, campaign: Campaign) -> Lead:
    lead = Lead.objects.create(
        surname=client.surname, name=client.name, phone=f"+7903{next(_numbers):07d}", client=client
    )
    CampaignLead.objects.create(campaign=campaign, lead=lead)
    return lead


def send_campaign_message(client: Client, *, campaign: Campaign) -> Message:
    return Message.objects.create(client=client, campaign=campaign, subject="Предложение", body="Вклад 12%")


def moscow(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())

