"""Correctness after every run, read from the database (Django set up on the shape's database):

    python -m bench.capacity.checks <baseline.json> <run.json> <out.json>

``baseline.json`` holds the total of balances and the number of transfers before the run (written by
``population.py``, then by each check for the next run).

- **ledger**: the total of all balances is what it was before the load; none is negative; every balance
  is explained by its receipts; every transfer has its debit and its credit; the transfers made during the
  run are exactly those whose receipts the customers saw (none lost, none made twice);
- **leads**: no lead was handed out twice (the callers' record, and at most one call per lead in the
  database: the callers record only final outcomes);
- **outbox**: once the workers are done (waited for), every message written during the runs has exactly one
  e-mail delivery, sent; the e-mails sent since the baseline are compared with what the SMTP sink received
  by the caller (the sink runs in the parent process);
- **chat**: every message a client saw acknowledged is stored, none twice; none was received twice on a
  socket; in conversations that ran from start to close no message number was missed live.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

import django

OUTBOX_WAIT_SECONDS = 90


def snapshot() -> dict:
    from django.db.models import Sum

    from banking.models import BankAccount, Transfer
    from outreach.models import Delivery, DeliveryStatus

    return {
        "total": str(BankAccount.objects.aggregate(total=Sum("balance"))["total"]),
        "transfers": Transfer.objects.count(),
        "emails_sent": Delivery.objects.filter(status=DeliveryStatus.SENT, channel="email").count(),
    }


def _outbox() -> tuple[list[str], int]:
    from django.db.models import Count, Q

    from outreach.models import Delivery, DeliveryStatus, Message

    problems = []
    pending = Q(status__in=[DeliveryStatus.AWAIT, DeliveryStatus.SENDING])
    deadline = time.monotonic() + OUTBOX_WAIT_SECONDS
    while Delivery.objects.filter(pending).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    mine = Message.objects.filter(lead__source="capacity")
    if Delivery.objects.filter(pending, message__in=mine).exists():
        problems.append(f"outbox: deliveries still waiting after {OUTBOX_WAIT_SECONDS} s")
    per_message = mine.annotate(n=Count("deliveries")).exclude(n=1).count()
    if per_message:
        problems.append(f"outbox: {per_message} messages without exactly one delivery")
    failed = Delivery.objects.filter(message__in=mine).exclude(status=DeliveryStatus.SENT).exclude(pending).count()
    if failed:
        problems.append(f"outbox: {failed} deliveries not sent (failed or refused)")
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT, channel="email").count()
    return problems, sent


def check(baseline: dict, run: dict) -> dict:
    from decimal import Decimal

    from django.db.models import Count

    from banking.models import Transfer
    from bench.payments import check_ledger
    from campaigns.models import CallAttempt
    from chat.models import ChatMessage

    payments = run["payments"]
    problems = check_ledger(
        expected_total=Decimal(baseline["total"]), expected_transfers=baseline["transfers"] + len(payments)
    )
    if len(set(payments)) != len(payments):
        problems.append("ledger: one receipt was shown for two payments")
    if Transfer.objects.filter(pk__in=payments).count() != len(set(payments)):
        problems.append("ledger: a receipt a customer saw has no transfer")

    twice = [lead for lead, n in Counter(run["handed_leads"]).items() if n > 1]
    if twice:
        problems.append(f"leads: {len(twice)} handed out more than once in the run, e.g. {twice[:5]}")
    called_twice = CallAttempt.objects.filter(campaign_lead__lead__source="capacity").values("campaign_lead")
    if called_twice.annotate(n=Count("id")).filter(n__gt=1).exists():
        problems.append("leads: a lead of the load's campaign was called more than once")

    outbox_problems, emails_sent = _outbox()
    problems += outbox_problems

    chat = run["chat"]
    stored = list(
        ChatMessage.objects.filter(client_message_id__startswith=chat["run_tag"]).values_list(
            "client_message_id", flat=True
        )
    )
    if len(stored) != len(set(stored)):
        problems.append("chat: a message is stored twice")
    if chat["acked"] > len(set(stored)):
        problems.append(f"chat: {chat['acked'] - len(set(stored))} acknowledged messages are not stored")
    if chat["received_twice"]:
        problems.append(f"chat: {chat['received_twice']} messages received twice on one socket")
    if chat["missing_seqs"]:
        problems.append(f"chat: {chat['missing_seqs']} messages never arrived live in finished conversations")
    return {
        "problems": problems,
        "emails_sent": emails_sent,
        "transfers": len(payments),
        "leads": len(run["handed_leads"]),
        "chat_messages_stored": len(stored),
    }


def main(argv: list[str]) -> None:
    django.setup()
    baseline_path, run_path, out = argv
    with open(baseline_path) as baseline, open(run_path) as run:
        result = check(json.load(baseline), json.load(run))
    with open(out, "w") as written:
        json.dump(result, written)
    with open(baseline_path, "w") as baseline:
        json.dump(snapshot(), baseline)


if __name__ == "__main__":
    main(sys.argv[1:])
