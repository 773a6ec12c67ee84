"""Data for the desktop tests' server, run there with `manage.py shell -c`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account, Client, Worker
from accounts.roles import CUSTOMERS, PRODUCT_MANAGERS
from campaigns.models import Campaign
from outreach.models import Message
from surveys.models import Survey

MANAGER, PASSWORD = "manager", "Desk-Top-Test-Password-7"
CLIENTS = [
    ("Абрамова", "Анна", "anna@example.ru"),
    ("Борисов", "Борис", "boris@example.ru"),
    ("Власова", "Вера", "vera@example.ru"),
]
SURVEYS = [  # client index, kind, rating, day
    (0, "thanks", 5, dt.date(2024, 1, 15)),
    (1, "complaint", 2, dt.date(2024, 1, 20)),
    (2, "question", 4, dt.date(2024, 2, 3)),
    (1, "suggestion", 3, dt.date(2024, 3, 9)),
    (0, "complaint", 1, dt.date(2024, 3, 21)),
    (2, "nps", 10, dt.date(2024, 4, 2)),  # NPS: two promoters and a detractor, 33.3
    (1, "nps", 9, dt.date(2024, 4, 3)),
    (0, "nps", 3, dt.date(2024, 4, 9)),
    (2, "csat", 5, dt.date(2024, 4, 10)),  # CSAT: one of two satisfied, 50 %
    (1, "csat", 2, dt.date(2024, 4, 11)),
]


def seed() -> None:
    worker = Worker.objects.create(surname="Петрова", name="Ольга", position="product manager")
    manager = Account.objects.create_user(username=MANAGER, password=PASSWORD, worker=worker)
    manager.groups.add(Group.objects.get(name=PRODUCT_MANAGERS))
    customers = Group.objects.get(name=CUSTOMERS)
    clients = []
    for surname, name, email in CLIENTS:
        client = Client.objects.create(surname=surname, name=name, email=email, sex="F", birth_date=dt.date(1985, 5, 5))
        Account.objects.create_user(username=email.split("@")[0], password=PASSWORD, client=client).groups.add(
            customers
        )
        clients.append(client)
    zone = timezone.get_current_timezone()
    for index, kind, rating, day in SURVEYS:
        Survey.objects.create(
            client=clients[index],
            kind=kind,
            rating=rating,
            text=f"{kind} {rating}",
            created_at=dt.datetime.combine(day, dt.time(11), tzinfo=zone),
        )
    campaign = Campaign.objects.create(name="Осенние вклады", responsible=worker)
    Message.objects.create(client=clients[2], campaign=campaign, subject="Вклад", body="12%")
