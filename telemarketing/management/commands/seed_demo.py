"""Fill the database with reproducible Russian demo data and one demo login per role.

    manage.py seed_demo [--size small|medium|large] [--clients N] [--password PASSWORD]

Every record is generated from its own seed (kind and index), so the same size always gives the same
people, campaigns and leads, and a bigger size is a superset of a smaller one. Records are found again
by their natural keys (a client's e-mail, a worker's e-mail, a campaign's name, a lead's phone, a login's
username): a second run adds only what is missing and never duplicates. Whatever depends on a record
(bank accounts, payments, messages, news, surveys, chats) is made only together with that record. Money
moves only through banking.services; the rest has no business rule and is written with bulk_create. The
parts live in telemarketing/demo/ (people, campaigns, what customers receive and write), one seeder over them.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from telemarketing.demo.basics import COUNTED, DEMO_LOGINS, SIZES
from telemarketing.demo.seeder import DemoSeeder


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
