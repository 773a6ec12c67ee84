"""The people of the load: the demo data (``seed_demo``) plus the logins the largest step needs.

    python -m bench.capacity.population <people.json> <baseline.json> --customers N --chat-agents N --callers N \
        --product-managers N --supervisors N --password P

Runs with Django set up on the database of the shape under test. Every login gets a real password (one
Argon2 hash shared by all: hashing thousands would take minutes), so that people sign in through the real
sign-in page. Customers get a funded rouble account each (opening receipts explain every balance); callers
get one campaign with calls allowed at any hour and enough leads (each with an e-mail address, so that the
messages callers write go through the outbox to the SMTP sink). What the load needs to know is written to
``people.json``.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

import django

OPENING_BALANCE = Decimal("100000.00")
LEADS_PER_CALLER = 200
# Each customer has paid this many others before the load: people mostly pay someone they paid before, and
# a first payment to someone asks for a one-time code the simulated customer cannot read.
KNOWN_PAYEES = 3


def make(arguments: argparse.Namespace) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from accounts import roles
    from accounts.models import Account
    from bench import data
    from campaigns.models import CampaignLead, Lead
    from chat.models import AgentSettings, Availability
    from tests.factories import CampaignFactory

    if arguments.seed_size != "none":
        call_command("seed_demo", size=arguments.seed_size, password=arguments.password, verbosity=0)
    customers = data.customers(arguments.customers, prefix="cap")
    customers = list(
        Account.objects.filter(username__startswith="cap-customer-").select_related("client").order_by("pk")
    )
    accounts = data.funded_bank_accounts(customers, balance=OPENING_BALANCE)
    staff = {
        "chat_agents": data.staff(arguments.chat_agents, prefix="cap-chat", group=roles.CHAT_AGENTS),
        "callers": data.staff(arguments.callers, prefix="cap-call", group=roles.TELEMARKETING_AGENTS),
        "product_managers": data.staff(arguments.product_managers, prefix="cap-pm", group=roles.PRODUCT_MANAGERS),
        "supervisors": data.staff(arguments.supervisors, prefix="cap-sup", group=roles.BACK_OFFICE),
    }
    Account.objects.filter(username__startswith="cap-").update(password=make_password(arguments.password))
    AgentSettings.objects.bulk_create(
        [AgentSettings(agent=agent, availability=Availability.AWAY) for agent in staff["chat_agents"]],
        ignore_conflicts=True,
    )
    campaign = CampaignFactory(name="Вклад «Нагрузка»")
    leads = Lead.objects.bulk_create(
        [
            Lead(
                surname="Нагрузкин",
                name=f"Лид {n}",
                phone=f"+7495{n:07d}",
                email=f"lead-{n}@capacity.example",
                source="capacity",
            )
            for n in range(max(10, arguments.callers * LEADS_PER_CALLER))
        ],
        batch_size=data.BATCH,
    )
    CampaignLead.objects.bulk_create(
        [CampaignLead.for_lead(campaign=campaign, lead=lead) for lead in leads], batch_size=data.BATCH
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    by_owner = {account.owner_id: account.number for account in accounts}
    payees = paid_before(customers, by_owner)
    return {
        "password": arguments.password,
        "campaign": campaign.pk,
        "customers": [
            {"username": c.username, "email": c.client.email, "account": by_owner[c.pk], "payees": payees[c.pk]}
            for c in customers
        ],
        **{role: [account.username for account in people] for role, people in staff.items()},
    }


def paid_before(customers: list, by_owner: dict[int, str]) -> dict[int, list[str]]:
    """One payment, through the bank's service, from each customer to the next few: their known payees."""
    import uuid

    from banking.services import transfer

    payees: dict[int, list[str]] = {}
    for index, customer in enumerate(customers):
        others = [customers[(index + step) % len(customers)] for step in range(1, KNOWN_PAYEES + 1)]
        payees[customer.pk] = sorted({by_owner[other.pk] for other in others if other.pk != customer.pk})
        for number in payees[customer.pk]:
            transfer(
                initiated_by=customer,
                payer_number=by_owner[customer.pk],
                payee_number=number,
                amount="1.00",
                idempotency_key=uuid.uuid4(),
                comment="Первый платёж",
            )
    return payees


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("baseline", help="where to write the ledger's figures before the load (checks.py)")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--chat-agents", type=int, required=True)
    parser.add_argument("--callers", type=int, required=True)
    parser.add_argument("--product-managers", type=int, required=True)
    parser.add_argument("--supervisors", type=int, default=1)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed-size", default="small", help="seed_demo's --size, or none")
    arguments = parser.parse_args()
    django.setup()
    people = make(arguments)
    with open(arguments.out, "w") as out:
        json.dump(people, out)
    from bench.capacity.checks import snapshot

    with open(arguments.baseline, "w") as baseline:
        json.dump(snapshot(), baseline)


if __name__ == "__main__":
    main()
