"""Write N personal messages (one per new client) in the live worker's database: ``python live_setup.py N``.

Run by tests/outreach/test_worker_process.py with the worker's settings; each message queues its task.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")

import django

django.setup()

from accounts.models import Client  # noqa: E402
from outreach.services import compose_message  # noqa: E402

if __name__ == "__main__":
    for number in range(int(sys.argv[1])):
        client = Client.objects.create(
            surname="Клиентов", name="Клим", sex="M", birth_date=dt.date(1980, 1, 1), email=f"c{number}@example.com"
        )
        compose_message(author=None, client=client, subject=f"Предложение {number}", body="Ставка 12% годовых.")
