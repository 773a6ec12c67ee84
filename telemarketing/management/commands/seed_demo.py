"""Fill the database with reproducible Russian demo data and one demo login per role.

    manage.py seed_demo [--size small|medium|large] [--clients N] [--password PASSWORD]

Every record is generated from its own seed (kind and index), so the same size always gives the same
people, campaigns and leads, and a bigger size is a superset of a smaller one. Records are found again
by their natural keys (a client's e-mail, a worker's e-mail, a campaign's name, a lead's phone, a login's
username): a second run adds only what is missing and never duplicates. Whatever depends on a record
(bank accounts, payments, messages, news, surveys, chats) is made only together with that record. Money
moves only through accounts.services; the rest has no business rule and is written with bulk_create.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from axes.utils import reset as reset_lockouts
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone, translation
from faker import Faker

from accounts import roles
from accounts.models import Account, Client, Sex, Worker
from banking.exchange import exchange, fund_exchange_desk, rate_in_force, set_exchange_rate
from banking.models import BankAccount, Exchange, ExchangeRate, Receipt, Reversal, Transfer
from banking.reversal import propose_reversal
from banking.services import deposit, open_bank_account, transfer
from campaigns.models import CallAttempt, CallOutcome, Campaign, CampaignLead, CampaignStatus, Lead, LeadState, Product
from campaigns.services import recalculate_budget
from chat.models import ChatMessage, Conversation, ConversationStatus
from outreach.models import Message, MessageStatus, News, news_digest
from surveys.models import Survey, SurveyKind, SurveySource
from telemarketing.management.commands import _demo_texts as texts

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
    "messages": Message,
    "news": News,
    "surveys": Survey,
    "conversations": Conversation,
    "chat messages": ChatMessage,
}


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _mobile_phone(fake: Faker) -> str:
    """A Russian mobile in E.164: every +79… number is a valid one (Faker's phone_number() may not be)."""
    return "+79" + fake.numerify("#########")


def _bulk_create(model: type[models.Model], rows: list, *, backdate: str | None = None) -> list:
    """bulk_create, then put back the dates that auto_now_add overwrote (bulk_update leaves them alone)."""
    wanted = [getattr(row, backdate) for row in rows] if backdate else []
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    if backdate:
        for row, when in zip(created, wanted, strict=True):
            setattr(row, backdate, when)
        model.objects.bulk_update(created, [backdate], batch_size=BATCH)
    return created


class DemoSeeder:
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

    # --- people and logins ------------------------------------------------------------------------

    def _person(self, fake: Faker, sex: str) -> dict[str, str]:
        if sex == Sex.MALE:
            return {
                "surname": fake.last_name_male(),
                "name": fake.first_name_male(),
                "patronymic": fake.middle_name_male(),
            }
        return {
            "surname": fake.last_name_female(),
            "name": fake.first_name_female(),
            "patronymic": fake.middle_name_female(),
        }

    def _add_to_group(self, accounts: list[Account], role: str) -> None:
        """Put logins created by this run in their role's group (no ignore_conflicts: SQL Server refuses it)."""
        through = Account.groups.through
        through.objects.bulk_create(
            [through(account_id=account.pk, group_id=self.groups[role].pk) for account in accounts],
            batch_size=BATCH,
        )

    def seed_workers(self) -> None:
        rows, logins = [], {}
        for index in range(self.plan.workers):
            fake = self.record("worker", index)
            role = texts.WORKER_ROLE_CYCLE[index % len(texts.WORKER_ROLE_CYCLE)]
            username = f"{fake.user_name()}.{index}"
            worker = Worker(
                **self._person(fake, fake.random.choice(Sex.values)),
                position=texts.POSITIONS[role],
                email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                phone=_mobile_phone(fake),
                hired_on=(self.now - timedelta(days=fake.random.randint(30, 3000))).date(),
            )
            rows.append(worker)
            logins[worker.email] = (username, role)
        existing = set(Worker.objects.filter(email__in=logins).values_list("email", flat=True))
        created = _bulk_create(Worker, [worker for worker in rows if worker.email not in existing])
        accounts_by_role: dict[str, list[Account]] = {}
        accounts = []
        for worker in created:
            username, role = logins[worker.email]
            account = Account(
                username=username,
                worker=worker,
                first_name=worker.name,
                last_name=worker.surname,
                email=worker.email,
                is_staff=role == roles.BACK_OFFICE,
                password=make_password(None),
            )
            accounts.append(account)
            accounts_by_role.setdefault(role, []).append(account)
        _bulk_create(Account, accounts)
        for role, members in accounts_by_role.items():
            self._add_to_group(members, role)

    def ensure_demo_logins(self, *, password: str | None) -> tuple[dict[str, Account], set[str], str | None]:
        """Create the missing demo logins; with a password, (re)set every demo login's password to it."""
        existing = {account.username: account for account in Account.objects.filter(username__in=DEMO_LOGINS)}
        created = set(DEMO_LOGINS) - set(existing)
        generated = None
        if password is None and created:
            generated = password = secrets.token_urlsafe(12)
        logins = {}
        for username, role in DEMO_LOGINS.items():
            account = existing.get(username)
            if account is None:
                account = self._new_demo_login(username, role)
            account.is_active = True
            account.is_staff = account.is_superuser = role == roles.BACK_OFFICE
            fields = ["is_active", "is_staff", "is_superuser"]
            if password is not None and (username in created or generated is None):
                account.set_password(password)
                fields.append("password")
                reset_lockouts(username=username)
            account.save(update_fields=fields)
            account.groups.add(self.groups[role])
            logins[username] = account
        return logins, created, generated

    def _new_demo_login(self, username: str, role: str) -> Account:
        fake = self.record("demo", username)
        sex = fake.random.choice(Sex.values)
        person = self._person(fake, sex)
        if role == roles.CUSTOMERS:
            owner = {
                "client": Client.objects.create(
                    **person,
                    sex=sex,
                    birth_date=fake.date_of_birth(minimum_age=25, maximum_age=60),
                    email=f"{username}@example.ru",
                    phone=_mobile_phone(fake),
                    preferences="Предпочитает связь по e-mail, интересуется вкладами и кэшбэком.",
                )
            }
        else:
            owner = {
                "worker": Worker.objects.create(
                    **person,
                    position=texts.POSITIONS[role],
                    email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                    phone=_mobile_phone(fake),
                    hired_on=(self.now - timedelta(days=fake.random.randint(200, 2000))).date(),
                )
            }
        (person_row,) = owner.values()
        return Account.objects.create(
            username=username, first_name=person["name"], last_name=person["surname"], email=person_row.email, **owner
        )

    def seed_clients(self) -> list[Account]:
        """New clients with their logins (which cannot sign in: only demo_customer can) and funded bank accounts."""
        rows, usernames = [], {}
        for index in range(self.plan.clients):
            fake = self.record("client", index)
            sex = fake.random.choice(Sex.values)
            username = f"{fake.user_name()}.{index}"
            client = Client(
                **self._person(fake, sex),
                sex=sex,
                birth_date=fake.date_of_birth(minimum_age=18, maximum_age=85),
                email=f"{username}@{fake.free_email_domain()}",
                phone=_mobile_phone(fake),
                preferences=fake.random.choice(
                    ["", "", "Звонить после 18:00", "Только e-mail", "Интересуется вкладами", "Не звонить в выходные"]
                ),
                created_at=self.ago(fake, days=(90, 1500)),
            )
            rows.append(client)
            usernames[client.email] = (index, username)
        existing = set(Client.objects.filter(email__in=usernames).values_list("email", flat=True))
        created = _bulk_create(
            Client, [client for client in rows if client.email not in existing], backdate="created_at"
        )
        accounts = _bulk_create(
            Account,
            [
                Account(
                    username=usernames[client.email][1],
                    client=client,
                    first_name=client.name,
                    last_name=client.surname,
                    email=client.email,
                    date_joined=client.created_at,
                    password=make_password(None),
                )
                for client in created
            ],
        )
        self._add_to_group(accounts, roles.CUSTOMERS)
        for account in accounts:
            fake = self.record("client-money", usernames[account.client.email][0])
            for currency, (share, lowest, highest) in texts.CURRENCIES.items():
                if fake.random.random() < share:
                    opened = open_bank_account(
                        owner=account, currency=currency, opening_deposit=_money(fake.random.uniform(lowest, highest))
                    )
                    if currency == "RUB" and fake.random.random() < 0.5:
                        deposit(
                            bank_account=opened,
                            amount=_money(fake.random.uniform(30_000, 150_000)),
                            description="Зарплата",
                        )
        return accounts

    def ensure_demo_customer_money(self, customer: Account) -> None:
        """demo_customer always has money in at least two currencies, whatever happened to it since."""
        funded = set(customer.bank_accounts.filter(is_closed=False, balance__gt=0).values_list("currency", flat=True))
        for currency, amount in DEMO_CUSTOMER_DEPOSITS.items():
            if currency not in funded:
                opened = open_bank_account(owner=customer, currency=currency, opening_deposit=amount)
                if currency == "RUB":
                    deposit(bank_account=opened, amount=Decimal("120000.00"), description="Зарплата за месяц")

    def seed_payments(self, payers: list[Account], *, kind: str, payments: tuple[int, int]) -> None:
        """Payments from the given logins' accounts to other customers' accounts in the same currency."""
        if not payers:
            return
        open_accounts = list(
            BankAccount.objects.filter(is_closed=False, owner__client__isnull=False)
            .order_by("pk")
            .values("owner_id", "number", "currency", "balance")
        )
        balances = {row["number"]: row["balance"] for row in open_accounts}
        for payer in payers:
            fake = self.record(kind, payer.username)
            own = [row for row in open_accounts if row["owner_id"] == payer.pk]
            for _ in range(fake.random.randint(*payments)):
                if not own:
                    break
                source = fake.random.choice(own)
                payees = [
                    row
                    for row in open_accounts
                    if row["currency"] == source["currency"] and row["owner_id"] != payer.pk
                ]
                amount = _money(float(balances[source["number"]]) * fake.random.uniform(0.02, 0.15))
                if not payees or amount <= 0:
                    continue
                target = fake.random.choice(payees)
                transfer(
                    initiated_by=payer,
                    payer_number=source["number"],
                    payee_number=target["number"],
                    amount=amount,
                    idempotency_key=uuid.UUID(int=fake.random.getrandbits(128)),
                    comment=fake.random.choice(texts.TRANSFER_COMMENTS),
                )
                balances[source["number"]] -= amount
                balances[target["number"]] += amount

    def seed_exchange_and_reversal(self, *, admin: Account, customer: Account) -> None:
        """Rates and the exchange desk's money, one exchange of demo_customer's, and a reversal waiting for approval.

        The reversal is proposed by a back-office worker, so that demo_admin (another person) can approve it.
        """
        if not ExchangeRate.objects.exists():
            for base, buy, sell in (("USD", "90.15", "95.50"), ("EUR", "98.40", "104.25")):
                set_exchange_rate(base=base, quote="RUB", buy=Decimal(buy), sell=Decimal(sell), set_by=admin)
                fund_exchange_desk(currency=base, amount=Decimal("100000.00"), funded_by=admin)
        own = {a.currency: a for a in customer.bank_accounts.filter(is_closed=False).order_by("-balance")}
        if not Exchange.objects.filter(initiated_by=customer).exists() and {"RUB", "USD"} <= own.keys():
            exchange(
                initiated_by=customer,
                sell_from=own["RUB"].number,
                buy_to=own["USD"].number,
                amount=Decimal("5000.00"),
                rate_id=rate_in_force(sold_currency="RUB", bought_currency="USD").pk,
                idempotency_key=uuid.UUID(int=1),
            )
        back_office = Account.objects.filter(groups__name=roles.BACK_OFFICE, worker__isnull=False)
        maker = back_office.exclude(pk=admin.pk).order_by("pk").first()
        payment = Transfer.objects.filter(payer__owner__client__isnull=False, reversal__isnull=True).order_by("pk")
        payment = payment.filter(exchange_sold__isnull=True, exchange_bought__isnull=True).first()
        if maker is not None and payment is not None and not Reversal.objects.exists():
            propose_reversal(transfer_id=payment.pk, reason="Клиент оплатил счёт дважды", proposed_by=maker)

    # --- campaigns and leads ----------------------------------------------------------------------

    def seed_campaigns(self) -> None:
        responsible = list(
            Worker.objects.filter(
                position__in=[texts.POSITIONS[roles.PRODUCT_MANAGERS], texts.POSITIONS[roles.BACK_OFFICE]]
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        statuses = [
            CampaignStatus.ACTIVE,
            CampaignStatus.ACTIVE,
            CampaignStatus.DRAFT,
            CampaignStatus.PAUSED,
            CampaignStatus.FINISHED,
            CampaignStatus.ACTIVE,
            CampaignStatus.FINISHED,
            CampaignStatus.PAUSED,
        ]
        themes, periods = texts.CAMPAIGN_THEMES, texts.CAMPAIGN_PERIODS
        rows, kinds = [], {}
        for index in range(self.plan.campaigns):
            fake = self.record("campaign", index)
            theme, product_kinds, description = themes[index % len(themes)]
            name = f"{theme} — {periods[(index // len(themes)) % len(periods)]}"
            if index >= len(themes) * len(periods):
                name += f" ({index // (len(themes) * len(periods)) + 1})"
            status = statuses[index % len(statuses)]
            created_at = self.ago(fake, days=(60, 400))
            started_at = (
                None if status == CampaignStatus.DRAFT else created_at + timedelta(days=fake.random.randint(1, 20))
            )
            base_amount = Decimal(fake.random.randint(100, 2000) * 1000)
            rows.append(
                Campaign(
                    name=name,
                    description=description,
                    responsible_id=fake.random.choice(responsible),
                    status=status,
                    started_at=started_at,
                    ended_at=started_at + timedelta(days=fake.random.randint(10, 40))
                    if status == CampaignStatus.FINISHED
                    else None,
                    base_amount=base_amount,
                    budget=base_amount,  # recalculated below, once its products exist
                    created_at=created_at,
                )
            )
            kinds[name] = (index, product_kinds)
        existing = set(Campaign.objects.filter(name__in=kinds).values_list("name", flat=True))
        created = _bulk_create(Campaign, [row for row in rows if row.name not in existing], backdate="created_at")
        products = []
        for campaign in created:
            index, product_kinds = kinds[campaign.name]
            fake = self.record("campaign-products", index)
            for kind in product_kinds:
                lowest, highest = texts.PRODUCT_COST_RANGE[kind]
                for name, description in fake.random.sample(texts.PRODUCTS[kind], k=fake.random.randint(1, 2)):
                    cost = Decimal(fake.random.randint(lowest, highest) // 1000 * 1000)
                    products.append(
                        Product(campaign=campaign, name=name, kind=kind, description=description, cost=cost)
                    )
        _bulk_create(Product, products)
        for campaign in created:
            recalculate_budget(campaign_id=campaign.pk)

    def seed_leads(self, callers: list[Account]) -> list[Lead]:
        rows = []
        for index in range(self.plan.leads):
            fake = self.record("lead", index)
            sex = fake.random.choice(Sex.values)
            # 7919 is prime to 10**9, so every index gets its own number: phones never repeat.
            phone = f"+79{(index * 7919 + 31_415_926) % 10**9:09d}"
            rows.append(
                Lead(
                    **self._person(fake, sex),
                    phone=phone,
                    email=f"{fake.user_name()}.{index}@{fake.free_email_domain()}"
                    if fake.random.random() < 0.6
                    else "",
                    source=fake.random.choice(texts.LEAD_SOURCES),
                    created_at=self.ago(fake, days=(1, 500)),
                )
            )
        existing = set(Lead.objects.filter(phone__in=[lead.phone for lead in rows]).values_list("phone", flat=True))
        created = _bulk_create(Lead, [lead for lead in rows if lead.phone not in existing], backdate="created_at")
        campaigns = list(Campaign.objects.order_by("pk").values_list("pk", "status"))
        weights = {
            CampaignStatus.DRAFT: {LeadState.NEW: 1},
            CampaignStatus.ACTIVE: {
                LeadState.NEW: 35,
                LeadState.IN_PROGRESS: 6,
                LeadState.CALLBACK: 12,
                LeadState.INTERESTED: 12,
                LeadState.NOT_INTERESTED: 15,
                LeadState.CONVERTED: 12,
                LeadState.DO_NOT_CALL: 8,
            },
            CampaignStatus.PAUSED: {
                LeadState.NEW: 40,
                LeadState.CALLBACK: 15,
                LeadState.INTERESTED: 15,
                LeadState.NOT_INTERESTED: 20,
                LeadState.CONVERTED: 10,
            },
            CampaignStatus.FINISHED: {
                LeadState.INTERESTED: 15,
                LeadState.NOT_INTERESTED: 45,
                LeadState.CONVERTED: 30,
                LeadState.DO_NOT_CALL: 10,
            },
        }
        links = []
        for lead in created:
            fake = self.record("lead-campaigns", lead.phone)
            for campaign_id, status in fake.random.sample(
                campaigns, k=min(len(campaigns), fake.random.choice([1, 1, 2, 3]))
            ):
                states = weights[status]
                state = fake.random.choices(list(states), weights=list(states.values()))[0]
                held = state == LeadState.IN_PROGRESS
                links.append(
                    CampaignLead(
                        campaign_id=campaign_id,
                        lead=lead,
                        state=state,
                        callback_at=self.now + timedelta(hours=fake.random.randint(1, 96))
                        if state == LeadState.CALLBACK
                        else None,
                        held_by=fake.random.choice(callers) if held else None,
                        held_since=self.now - timedelta(minutes=fake.random.randint(1, 40)) if held else None,
                        note=fake.random.choice(texts.LEAD_NOTES[state]) if state in texts.LEAD_NOTES else "",
                    )
                )
        links = _bulk_create(CampaignLead, links)
        calls = []
        for link in links:
            if link.state not in CallOutcome.values:
                continue
            fake = self.record("call", f"{link.campaign_id}:{link.lead.phone}")
            calls.append(
                CallAttempt(
                    campaign_lead=link,
                    agent=fake.random.choice(callers),
                    outcome=link.state,
                    note=link.note,
                    callback_at=link.callback_at,
                    called_at=self.ago(fake, days=(0, 30)),
                )
            )
        _bulk_create(CallAttempt, calls, backdate="called_at")
        return created

    # --- what customers and leads receive and write -----------------------------------------------

    def _offers(self) -> dict[int, list[tuple[str, str]]]:
        offers: dict[int, list[tuple[str, str]]] = {}
        for campaign_id, name, description in Product.objects.filter(
            campaign__status__in=[CampaignStatus.ACTIVE, CampaignStatus.FINISHED, CampaignStatus.PAUSED]
        ).values_list("campaign_id", "name", "description"):
            offers.setdefault(campaign_id, []).append((name, description))
        return offers

    def _message(self, fake: Faker, offers: dict, *, name: str, **recipient) -> Message:
        campaign_id = fake.random.choice(sorted(offers))
        product, description = fake.random.choice(offers[campaign_id])
        subject, body = fake.random.choice(texts.MESSAGE_TEMPLATES)
        status = fake.random.choice(MessageStatus.values)
        created_at = self.ago(fake, days=(0, 60))
        sent = status != MessageStatus.AWAIT and status != MessageStatus.FAILED
        return Message(
            **recipient,
            campaign_id=campaign_id,
            subject=subject.format(product=product, name=name)[:200],
            body=body.format(product=product, name=name, description=description),
            status=status,
            created_at=created_at,
            sent_at=created_at + timedelta(minutes=fake.random.randint(1, 90)) if sent else None,
            read_at=created_at + timedelta(hours=fake.random.randint(2, 48)) if status == MessageStatus.READ else None,
        )

    def seed_messages(self, customers: list[Account], leads: list[Lead], *, per_customer: tuple[int, int]) -> None:
        offers = self._offers()
        rows = []
        for account in customers:
            fake = self.record("client-messages", account.username)
            client = account.client
            for _ in range(fake.random.randint(*per_customer)):
                rows.append(
                    self._message(fake, offers, name=f"{client.name} {client.patronymic}".strip(), client=client)
                )
        for lead in leads:
            fake = self.record("lead-messages", lead.phone)
            if fake.random.random() < 0.3:
                rows.append(self._message(fake, offers, name=f"{lead.name} {lead.patronymic}".strip(), lead=lead))
        _bulk_create(Message, rows, backdate="created_at")

    def seed_news(self, customers: list[Account], *, per_customer: tuple[int, int]) -> None:
        rows = []
        for account in customers:
            fake = self.record("news", account.username)
            for title, body in fake.random.sample(texts.NEWS, k=fake.random.randint(*per_customer)):
                published_at = self.ago(fake, days=(0, 120))
                withdrawn = title.startswith("Плановые работы") and published_at < self.now - timedelta(days=3)
                rows.append(
                    News(
                        account=account,
                        title=title,
                        body=body,
                        digest=news_digest(title=title, body=body),
                        published_at=published_at,
                        withdrawn_at=published_at + timedelta(days=2) if withdrawn else None,
                    )
                )
        _bulk_create(News, rows, backdate="published_at")

    def seed_surveys(self, customers: list[Account], *, per_customer: tuple[int, int]) -> None:
        rows = []
        for account in customers:
            fake = self.record("surveys", account.username)
            for _ in range(fake.random.randint(*per_customer)):
                kind = fake.random.choices(SurveyKind.values, weights=[3, 2, 2, 3, 2])[0]
                (lowest, highest), sayings = texts.SURVEYS[kind]
                rows.append(
                    Survey(
                        client=account.client,
                        kind=kind,
                        text=fake.random.choice(sayings),
                        suggestions=fake.random.choice(texts.SURVEY_SUGGESTIONS),
                        rating=fake.random.randint(lowest, highest),
                        source=SurveySource.CHAT
                        if kind == SurveyKind.CHAT_RATING
                        else fake.random.choice([SurveySource.WEBSITE, SurveySource.PHONE, SurveySource.DESKTOP]),
                        created_at=self.ago(fake, days=(0, 365)),
                    )
                )
        _bulk_create(Survey, rows)

    def seed_chats(
        self, customers: list[Account], agents: list[Account], *, share: float, statuses: tuple[str, ...]
    ) -> None:
        """Conversations of a share of the customers, their statuses taken in turn from `statuses`."""
        conversations, lines = [], []
        for account in customers:
            fake = self.record("chat", account.username)
            if fake.random.random() >= share:
                continue
            topic, dialogue = fake.random.choice(texts.CHATS)
            status = statuses[len(conversations) % len(statuses)]
            if status == ConversationStatus.WAITING:
                agent, said = None, dialogue[:1]
                started = self.now - timedelta(minutes=fake.random.randint(1, 15))
            elif status == ConversationStatus.ACTIVE:
                agent, said = fake.random.choice(agents), dialogue[: fake.random.randint(2, len(dialogue))]
                started = self.now - timedelta(minutes=fake.random.randint(5, 30))
            else:
                agent, said = fake.random.choice(agents), dialogue
                started = self.ago(fake, days=(1, 90))
            claimed = started + timedelta(minutes=fake.random.randint(1, 3)) if agent else None
            conversation = Conversation(
                customer=account,
                agent=agent,
                topic=topic,
                status=status,
                created_at=started,
                claimed_at=claimed,
                closed_at=claimed + timedelta(minutes=len(said) * 2 + 1)
                if status == ConversationStatus.CLOSED
                else None,
                last_message_seq=len(said),
            )
            conversations.append(conversation)
            for position, text in enumerate(said):
                lines.append(
                    ChatMessage(
                        conversation=conversation,
                        sender=account if position % 2 == 0 else agent,
                        client_message_id=uuid.UUID(int=fake.random.getrandbits(128)).hex,
                        seq=position + 1,
                        text=text,
                        created_at=started + timedelta(minutes=position * 2, seconds=fake.random.randint(0, 59)),
                    )
                )
        _bulk_create(Conversation, conversations, backdate="created_at")
        _bulk_create(ChatMessage, lines, backdate="created_at")
        self._rate_chats([chat for chat in conversations if chat.status == ConversationStatus.CLOSED])

    def _rate_chats(self, conversations: list[Conversation]) -> None:
        """Most customers rate a chat once it is closed: a chat-rating survey that the conversation points to."""
        rated = []
        for conversation in conversations:
            fake = self.record("chat-rating", conversation.customer.username)
            if fake.random.random() < 0.7:
                (lowest, highest), sayings = texts.SURVEYS[SurveyKind.CHAT_RATING]
                conversation.rating = Survey(
                    client=conversation.customer.client,
                    kind=SurveyKind.CHAT_RATING,
                    text=fake.random.choice(sayings),
                    rating=fake.random.randint(lowest, highest),
                    source=SurveySource.CHAT,
                    created_at=conversation.closed_at + timedelta(minutes=1),
                )
                rated.append(conversation)
        _bulk_create(Survey, [conversation.rating for conversation in rated])
        Conversation.objects.bulk_update(rated, ["rating"], batch_size=BATCH)

    # --- the whole run ----------------------------------------------------------------------------

    def run(self, *, password: str | None) -> tuple[dict[str, Account], set[str], str | None]:
        self.seed_workers()
        logins, created_logins, generated = self.ensure_demo_logins(password=password)
        chat_agents = list(Account.objects.filter(groups__name=roles.CHAT_AGENTS, worker__isnull=False).order_by("pk"))
        callers = list(
            Account.objects.filter(groups__name=roles.TELEMARKETING_AGENTS, worker__isnull=False).order_by("pk")
        )
        customers = self.seed_clients()
        demo_customer = logins["demo_customer"]
        self.ensure_demo_customer_money(demo_customer)
        self.seed_payments(customers, kind="payments", payments=(0, 2))
        self.seed_exchange_and_reversal(admin=logins["demo_admin"], customer=demo_customer)
        self.seed_campaigns()
        leads = self.seed_leads(callers)
        self.seed_messages(customers, leads, per_customer=(0, 2))
        self.seed_news(customers, per_customer=(1, 3))
        self.seed_surveys(customers, per_customer=(0, 2))
        self.seed_chats(customers, chat_agents, share=0.2, statuses=CHAT_STATUSES)
        if "demo_customer" in created_logins:
            demo = [demo_customer]
            self.seed_payments(demo, kind="demo-payments", payments=(3, 4))
            self.seed_messages(demo, [], per_customer=(3, 3))
            self.seed_news(demo, per_customer=(4, 4))
            self.seed_surveys(demo, per_customer=(2, 2))
            self.seed_chats(demo, [logins["demo_chat_agent"]], share=1.0, statuses=(ConversationStatus.CLOSED,))
        return logins, created_logins, generated


class Command(BaseCommand):
    help = (
        "Fill the database with reproducible Russian demo data and create the demo logins "
        "(demo_customer, demo_chat_agent, demo_caller, demo_pm, demo_admin). Safe to run again: "
        "it adds only what is missing, and with --password resets the demo logins' passwords."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small", help="How much data (default: small).")
        parser.add_argument("--clients", type=int, help="Number of clients; the rest is scaled to it.")
        parser.add_argument(
            "--password",
            help="Password of every demo login (also resets it on logins that exist). "
            "Without it, new demo logins get a random password that is printed.",
        )

    def handle(self, *args, size: str, clients: int | None, password: str | None, **options) -> None:
        if clients is not None and clients < 1:
            raise CommandError("--clients must be a positive number.")
        if password is not None and not password.strip():
            raise CommandError("--password must not be empty.")
        plan = SIZES[size] if clients is None else SIZES[size].for_clients(clients)
        started = time.monotonic()
        before = {label: model.objects.count() for label, model in COUNTED.items()}
        with translation.override("ru"), transaction.atomic():
            logins, created_logins, generated = DemoSeeder(plan=plan).run(password=password)
        added = {label: model.objects.count() - before[label] for label, model in COUNTED.items()}
        self._report(plan, added, logins, created_logins, password=password, generated=generated)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _report(self, plan, added, logins, created_logins, *, password, generated) -> None:
        sizes = f"{plan.clients} clients, {plan.workers} workers, {plan.campaigns} campaigns, {plan.leads} leads"
        made = ", ".join(f"{count} {label}" for label, count in added.items() if count)
        if made:
            self.stdout.write(self.style.SUCCESS(f"Demo data ({sizes}): added {made}."))
        else:
            self.stdout.write(f"Demo data ({sizes}) is already there: nothing added.")
        self.stdout.write("Demo logins:")
        for username, account in logins.items():
            role = DEMO_LOGINS[username] + (", superuser" if account.is_superuser else "")
            state = "new" if username in created_logins else "already there"
            self.stdout.write(f"  {username:<16} {role:<33} {state}")
        if generated:
            self.stdout.write(f"Password of the new demo logins: {generated} (random; choose one with --password)")
        elif password is not None:
            self.stdout.write(f"Password of every demo login: {password}")
        else:
            self.stdout.write("Passwords of the demo logins are unchanged (set them with --password).")
