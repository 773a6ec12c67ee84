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

from tests.factories import BankAccountFactory, CustomerFactory, session_key_for  # noqa: E402


def main(count: int) -> list[dict]:
    customers = []
    for _ in range(count):
        customer = CustomerFactory()
        account = BankAccountFactory(owner=customer, currency="RUB", balance="100000")
        customers.append({"session": session_key_for(customer), "account": account.number})
    return customers


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
