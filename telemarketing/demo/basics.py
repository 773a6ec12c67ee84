"""What every part of the demo data shares: the plan of sizes, the demo logins, seeded fakers, bulk writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone
from faker import Faker

from accounts import roles
from accounts.models import Account, Client, Worker
from banking.models import BankAccount, Receipt, Transfer
from campaigns.models import (
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    Campaign,
    CampaignLead,
    Lead,
    PauseReason,
    Product,
)
from chat.models import ChatMessage, Conversation, ConversationStatus
from outreach.models import Delivery, Message, News, OptOut
from surveys.models import Survey
from telemarketing.demo import texts

SEED = 2026
BATCH = 500
STAFF_EMAIL_DOMAIN = "telemarketing-bank.ru"


@dataclass(frozen=True)
class Plan:
    clients: int
    workers: int
    campaigns: int
    leads: int

    def for_clients(self, clients: int) -> Plan:
        """The same proportions around another number of clients."""
        ratio = clients / self.clients
        return Plan(
            clients=clients,
            workers=max(len(texts.WORKER_ROLE_CYCLE), round(self.workers * ratio)),
            campaigns=max(4, round(self.campaigns * ratio)),
            leads=max(10, round(self.leads * ratio)),
        )


SIZES = {
    "small": Plan(clients=40, workers=10, campaigns=8, leads=120),
    "medium": Plan(clients=400, workers=40, campaigns=24, leads=2_000),
    "large": Plan(clients=3_000, workers=150, campaigns=80, leads=15_000),
}

# username -> role group; demo_admin is also a superuser and staff.
DEMO_LOGINS = {
    "demo_customer": roles.CUSTOMERS,
    "demo_chat_agent": roles.CHAT_AGENTS,
    "demo_caller": roles.TELEMARKETING_AGENTS,
    "demo_pm": roles.PRODUCT_MANAGERS,
    "demo_admin": roles.BACK_OFFICE,
}
CHAT_STATUSES = (
    ConversationStatus.CLOSED,
    ConversationStatus.WAITING,
    ConversationStatus.ACTIVE,
    ConversationStatus.CLOSED,
)
DEMO_CUSTOMER_DEPOSITS = {"RUB": Decimal("250000.00"), "USD": Decimal("3500.00"), "EUR": Decimal("1200.00")}

# Everything the command may create, counted before and after to report what it did.
COUNTED = {
    "clients": Client,
    "workers": Worker,
    "logins": Account,
    "bank accounts": BankAccount,
    "receipts": Receipt,
    "transfers": Transfer,
    "campaigns": Campaign,
    "products": Product,
    "leads": Lead,
    "campaign leads": CampaignLead,
    "calls": CallAttempt,
    "holidays": CallingHoliday,
    "pause reasons": PauseReason,
    "agent states": AgentStateSpan,
    "messages": Message,
    "news": News,
    "deliveries": Delivery,
    "opt-outs": OptOut,
    "surveys": Survey,
    "conversations": Conversation,
    "chat messages": ChatMessage,
}


# The team's saved replies on the chat desk (the agent types "/shortcut"; placeholders: chat/replies.py).
DEMO_REPLIES = {
    "hello": "Здравствуйте, {first_name}! Меня зовут {agent_first_name}, чем могу помочь?",
    "wait": "Проверяю, {first_name}; это займёт пару минут.",
    "thanks": "Спасибо за обращение, {first_name}! Хорошего дня.",
}


def demo_money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def mobile_phone(fake: Faker) -> str:
    """A Russian mobile in E.164: every +79… number is a valid one (Faker's phone_number() may not be)."""
    return "+79" + fake.numerify("#########")


def bulk_create_rows(model: type[models.Model], rows: list, *, backdate: str | None = None) -> list:
    """bulk_create, then put back the dates that auto_now_add overwrote (bulk_update leaves them alone)."""
    wanted = [getattr(row, backdate) for row in rows] if backdate else []
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    if backdate:
        for row, when in zip(created, wanted, strict=True):
            setattr(row, backdate, when)
        model.objects.bulk_update(created, [backdate], batch_size=BATCH)
    return created


class SeederBase:
    """Holds the plan, the clock and the role groups; each record gets a Faker seeded by its kind and index."""

    def __init__(self, *, plan: Plan) -> None:
        self.plan = plan
        self.now = timezone.now()
        self.fake = Faker("ru_RU")
        self.groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
        missing = set(roles.ALL_ROLES) - set(self.groups)
        if missing:
            raise CommandError(f"Role groups are missing ({', '.join(sorted(missing))}): run migrate first.")

    def record(self, kind: str, index: int | str) -> Faker:
        """Faker seeded for one record: record i is the same whatever else is generated around it."""
        self.fake.seed_instance(f"{SEED}:{kind}:{index}")
        return self.fake

    def ago(self, fake: Faker, *, days: tuple[int, int]) -> datetime:
        return self.now - timedelta(days=fake.random.randint(*days), seconds=fake.random.randint(0, 86_399))
