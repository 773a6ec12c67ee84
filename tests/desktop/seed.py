"""Data for the desktop tests' server, run there with `manage.py shell -c`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import PASSWORD, CampaignFactory, CustomerFactory, MessageFactory, StaffFactory, SurveyFactory

MANAGER = "manager"
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
    manager = StaffFactory(
        username=MANAGER,
        password=PASSWORD,
        product_manager=True,
        worker__surname="Петрова",
        worker__name="Ольга",
        worker__position="product manager",
    )
    clients = [
        CustomerFactory(
            username=email.split("@")[0],
            password=PASSWORD,
            client__surname=surname,
            client__name=name,
            client__email=email,
            client__sex="F",
            client__birth_date=dt.date(1985, 5, 5),
        ).client
        for surname, name, email in CLIENTS
    ]
    zone = timezone.get_current_timezone()
    for index, kind, rating, day in SURVEYS:
        SurveyFactory(
            client=clients[index],
            kind=kind,
            rating=rating,
            text=f"{kind} {rating}",
            created_at=dt.datetime.combine(day, dt.time(11), tzinfo=zone),
        )
    campaign = CampaignFactory(name="Осенние вклады", responsible=manager.worker, active=False)
    MessageFactory(client=clients[2], campaign=campaign, subject="Вклад", body="12%")
