"""Workers, clients and their logins, the demo logins of each role."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from axes.utils import reset as reset_lockouts
from django.contrib.auth.hashers import make_password
from faker import Faker

from accounts import roles
from accounts.models import Account, Client, Sex, Worker
from banking.exchange import exchange, fund_exchange_desk, rate_in_force, set_exchange_rate
from banking.models import BankAccount, BankAccountKind, Exchange, ExchangeRate, Reversal, Transfer
from banking.reversal import propose_reversal
from banking.services import deposit, open_bank_account, transfer
from telemarketing.demo import texts
from telemarketing.demo.basics import (
    BATCH,
    DEMO_CUSTOMER_DEPOSITS,
    DEMO_LOGINS,
    STAFF_EMAIL_DOMAIN,
    SeederBase,
    bulk_create_rows,
    demo_money,
    mobile_phone,
)


class PeopleSeeding(SeederBase):
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
            sex = fake.random.choice(Sex.values)
            worker = Worker(
                **self._person(fake, sex),
                sex=sex,
                position=texts.POSITIONS[role],
                email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                phone=mobile_phone(fake),
                hired_on=(self.now - timedelta(days=fake.random.randint(30, 3000))).date(),
            )
            # Hired at 20 to 45 years old, paid within the position's range (roubles a month, before tax).
            worker.birth_date = worker.hired_on - timedelta(days=fake.random.randint(20 * 365, 45 * 365))
            lowest, highest = texts.SALARY_RANGE[role]
            worker.salary = Decimal(fake.random.randint(lowest, highest) // 500 * 500)
            rows.append(worker)
            logins[worker.email] = (username, role)
        existing = set(Worker.objects.filter(email__in=logins).values_list("email", flat=True))
        created = bulk_create_rows(Worker, [worker for worker in rows if worker.email not in existing])
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
        bulk_create_rows(Account, accounts)
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
                    phone=mobile_phone(fake),
                    preferences="Предпочитает связь по e-mail, интересуется вкладами и кэшбэком.",
                )
            }
        else:
            owner = {
                "worker": Worker.objects.create(
                    **person,
                    position=texts.POSITIONS[role],
                    email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                    phone=mobile_phone(fake),
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
                phone=mobile_phone(fake),
                preferences=fake.random.choice(
                    ["", "", "Звонить после 18:00", "Только e-mail", "Интересуется вкладами", "Не звонить в выходные"]
                ),
                created_at=self.ago(fake, days=(90, 1500)),
            )
            rows.append(client)
            usernames[client.email] = (index, username)
        existing = set(Client.objects.filter(email__in=usernames).values_list("email", flat=True))
        created = bulk_create_rows(
            Client, [client for client in rows if client.email not in existing], backdate="created_at"
        )
        accounts = bulk_create_rows(
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
                        owner=account,
                        currency=currency,
                        opening_deposit=demo_money(fake.random.uniform(lowest, highest)),
                        kind=fake.random.choices(list(texts.BANK_ACCOUNT_KINDS), texts.BANK_ACCOUNT_KINDS.values())[0]
                        if currency == "RUB"
                        else fake.random.choice((BankAccountKind.CURRENT, BankAccountKind.SAVINGS)),
                    )
                    if currency == "RUB" and fake.random.random() < 0.5:
                        deposit(
                            bank_account=opened,
                            amount=demo_money(fake.random.uniform(30_000, 150_000)),
                            description="Зарплата",
                        )
        return accounts

    def ensure_demo_customer_money(self, customer: Account) -> None:
        """demo_customer always has money in at least two currencies, whatever happened to it since."""
        funded = set(customer.bank_accounts.filter(is_closed=False, balance__gt=0).values_list("currency", flat=True))
        for currency, amount in DEMO_CUSTOMER_DEPOSITS.items():
            if currency not in funded:
                opened = open_bank_account(
                    owner=customer,
                    currency=currency,
                    opening_deposit=amount,
                    kind=BankAccountKind.CARD if currency == "RUB" else BankAccountKind.SAVINGS,
                )
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
                amount = demo_money(float(balances[source["number"]]) * fake.random.uniform(0.02, 0.15))
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
