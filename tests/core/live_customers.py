"""Make signed-in customers with money in a live server's database; print their sessions and accounts.

Run by tests/core/load.py as ``python tests/core/live_customers.py COUNT`` with the server's settings;
prints [{"session": "...", "account": "40817..."}, ...] as the last line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")

import django

django.setup()

import uuid  # noqa: E402

from banking.services import transfer  # noqa: E402
from tests.factories import BankAccountFactory, CustomerFactory, session_key_for  # noqa: E402


def main(count: int) -> list[dict]:
    made = []
    for _ in range(count):
        customer = CustomerFactory()
        made.append((customer, BankAccountFactory(owner=customer, currency="RUB", balance="100000")))
    # Each pays the next one in a ring (tests/core/load.py); paid once already, so no one-time code is asked.
    for index, (customer, account) in enumerate(made if count > 1 else []):  # one customer has no one to pay
        payee = made[(index + 1) % count][1]
        transfer(
            initiated_by=customer,
            payer_number=account.number,
            payee_number=payee.number,
            amount="1",
            idempotency_key=uuid.uuid4(),
        )
    return [{"session": session_key_for(customer), "account": account.number} for customer, account in made]


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
