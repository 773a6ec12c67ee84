"""Make the people of an end-to-end chat test in the live servers' database, and print their sessions.

Run by tests/chat/live.py as ``python tests/chat/live_setup.py '<json spec>'`` with the servers' settings.
Spec: {"customers": ["anna"], "agents": ["oleg"], "conversation": {"customer": "anna", "topic": "..."}};
prints {"people": {"anna": {"id": 1, "session": "..."}}, "conversation": 7} as the last line.
Spec {"start": {"customer_id": 1, "topic": "..."}} starts a conversation for a customer made before.
Spec {"supervisors": ["maria"]} makes chat supervisors; {"closed_now": true} sets business hours that leave the
chat closed today (open tomorrow from 09:00).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from accounts.models import Account  # noqa: E402
from chat import services  # noqa: E402
from chat.models import BusinessHours  # noqa: E402
from tests.factories import CustomerFactory, StaffFactory, session_key_for  # noqa: E402


def main(spec: dict) -> dict:
    people = {}
    for name in spec.get("customers", []):
        people[name] = CustomerFactory(client__name=name.capitalize())
    for name in spec.get("agents", []):
        people[name] = StaffFactory(chat_agent=True, worker__name=name.capitalize())
    for name in spec.get("supervisors", []):
        people[name] = StaffFactory(chat_supervisor=True, worker__name=name.capitalize())
    if spec.get("closed_now"):
        tomorrow = (timezone.localdate().weekday() + 1) % 7
        BusinessHours.objects.create(weekday=tomorrow, opens=dt.time(9), closes=dt.time(18))
    result: dict = {
        "people": {name: {"id": account.pk, "session": session_key_for(account)} for name, account in people.items()}
    }
    if "start" in spec:
        customer = Account.objects.get(pk=spec["start"]["customer_id"])
        result["conversation"] = services.start_conversation(customer=customer, topic=spec["start"]["topic"]).pk
    wanted = spec.get("conversation")
    if wanted:
        conversation = services.start_conversation(customer=people[wanted["customer"]], topic=wanted.get("topic", ""))
        result["conversation"] = conversation.pk
    return result


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
