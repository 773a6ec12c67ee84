"""Outbox: personal messages delivered per second to a local SMTP server, beside plain smtplib.

    .venv/bin/python -m bench.outbox [--messages 300]

On fresh SQLite files (the embedded default), N messages are written through
``outreach.services.compose_message`` (each queues a delivery run unless one is waiting); 1 and then 2 real
worker processes (``manage.py run_worker``) deliver that backlog to an aiosmtpd server on loopback
(throughput); then N more are written while the workers run (delay). The baseline sends the same N e-mails
with ``smtplib`` over one connection, with no database.
Reported: messages delivered per second (from the first recorded as sent to the last), beside smtplib measured
just before and after each backlog, and the enqueue → sent delay (p50, p99) of each.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.chat.live import migrate, server_environment  # noqa: E402
from tests.outreach.servers import SmtpServer  # noqa: E402

WRITE = """
import datetime as dt, sys
import django; django.setup()
from accounts.models import Client
from outreach.services import compose_message
for n in range(int(sys.argv[1])):
    client = Client.objects.create(surname="Клиентов", name="Клим", sex="M", birth_date=dt.date(1980, 1, 1),
                                   email=f"c{n}@example.com")
    compose_message(author=None, client=client, subject=f"Предложение {n}", body="Ставка 12% годовых. " * 20)
"""


def plain_smtplib(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "noreply@bank.example", f"c{n}@example.com", f"Предложение {n}"
            mail.set_content("Ставка 12% годовых. " * 20)
            smtp.send_message(mail)
    return count / (time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _workers(env: dict, count: int) -> list[subprocess.Popen]:
    command = [sys.executable, "manage.py", "run_worker", "--interval", "0.05", "--no-startup-delay", "-v", "0"]
    return [subprocess.Popen(command, cwd=REPO, env=env) for _ in range(count)]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
        process.wait()


def _wait_sent(database: Path, count: int) -> None:
    query = "SELECT COUNT(*) FROM outreach_delivery WHERE status = 'sent'"
    while sqlite3.connect(database).execute(query).fetchone()[0] < count:
        time.sleep(0.02)


def _times(database: Path) -> tuple[list[datetime], list[datetime]]:
    rows = sqlite3.connect(database).execute("SELECT created_at, sent_at FROM outreach_delivery").fetchall()
    return [datetime.fromisoformat(row[0]) for row in rows], [datetime.fromisoformat(row[1]) for row in rows]


def through_outbox(port: int, count: int, workers: int, directory: Path) -> dict:
    """Throughput: a backlog of ``count`` messages drained by the workers, beside plain smtplib measured just before
    and just after (the mean; the machine's load changes within seconds). Delay: messages written while they run."""
    environments = []
    for phase in ("backlog", "live"):
        database = directory / f"outbox-{workers}-{phase}.sqlite3"
        migrate(database)
        env = server_environment(database) | {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
        environments.append((database, env | {"EMAIL_USE_TLS": "false", "DJANGO_LOG_LEVEL": "WARNING"}))
    (backlog, backlog_env), (live, live_env) = environments
    subprocess.run([sys.executable, "-c", WRITE, str(count)], cwd=REPO, env=backlog_env, check=True)
    baseline = plain_smtplib(port, count)
    processes = _workers(backlog_env, workers)
    try:
        _wait_sent(backlog, count)
    finally:
        _stop(processes)
    baseline = (baseline + plain_smtplib(port, count)) / 2
    _, sent = _times(backlog)
    processes = _workers(live_env, workers)
    try:
        time.sleep(2)  # the workers are up and polling
        subprocess.run([sys.executable, "-c", WRITE, str(count)], cwd=REPO, env=live_env, check=True)
        _wait_sent(live, count)
    finally:
        _stop(processes)
    created, done = _times(live)
    delays = [(finished - made).total_seconds() * 1000 for made, finished in zip(created, done, strict=True)]
    return {
        "workers": workers,
        "smtplib_per_second": baseline,
        "per_second": count / (max(sent) - min(sent)).total_seconds(),
        "written_per_second": count / (max(created) - min(created)).total_seconds(),
        "p50_ms": statistics.median(delays),
        "p99_ms": percentile(delays, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    count = parser.parse_args().messages
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as directory, SmtpServer() as smtp:
        for workers in (1, 2):
            result = through_outbox(smtp.port, count, workers, Path(directory))
            baseline = result["smtplib_per_second"]
            print(
                f"outbox, {workers} worker(s): backlog delivered at {result['per_second']:.0f} messages/s, "
                f"plain smtplib (one connection, no database) {baseline:.0f}/s just before and after: "
                f"{result['per_second'] / baseline:.0%}; written at {result['written_per_second']:.0f}/s "
                f"while they ran: enqueue → sent p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms"
            )


if __name__ == "__main__":
    main()
