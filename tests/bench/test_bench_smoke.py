"""The benchmark machinery works: a tiny run of every benchmark on SQLite writes a report whose
correctness checks passed, and those checks do catch a broken ledger and a lead handed out twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from banking.models import BankAccount
from bench import callqueue, payments
from bench.runner import parse_arguments

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parents[2]


def test_a_tiny_run_of_every_benchmark_writes_a_correct_report(tmp_path):
    out = tmp_path / "report"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--tiny", "--backends", "sqlite", "--no-redis", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = json.loads((out / "report.json").read_text())
    results = report["results"]
    assert results["payments"][0]["correct"]
    assert all(run["transfers"] > 0 for run in results["payments"][0]["runs"])
    assert results["callqueue"][0]["correct"]
    assert all(run["handed_out"] > 0 for run in results["callqueue"][0]["runs"])
    assert results["management"][0]["correct"]
    assert results["management"][0]["surveys"] == 300
    assert results["pages"][0]["all_ok"]
    assert {page["page"] for page in results["pages"][0]["results"]} == {
        "trivial",
        "dashboard",
        "statement",
        "statement_last_page",
    }
    (chat,) = results["chat"][0]["runs"]
    assert chat["sent"] > 0 and chat["lost"] == 0 and chat["delivery"]["p99_ms"] is not None
    assert results["chat_echo"]["runs"][0]["lost"] == 0
    assert {row["benchmark"] for row in report["summary"]} == {"payments", "chat", "pages", "management", "callqueue"}
    markdown = (out / "report.md").read_text()
    assert "## Targets" in markdown and "![chat.png](chat.png)" in markdown
    for chart in ("payments.png", "chat.png", "pages.png", "management.png", "callqueue.png"):
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.django_db
def test_the_ledger_check_passes_after_transfers_and_catches_money_created():
    accounts = payments.make_accounts(3)
    measured = payments.run_workers(payments.service_transfer, workers=1, duration=0.2, accounts=accounts, seed=1)
    expected_total = payments.OPENING_BALANCE * 3
    assert payments.check_ledger(expected_total=expected_total, expected_transfers=measured["transfers"]) == []

    BankAccount.objects.filter(number=accounts[0][1]).update(balance=payments.OPENING_BALANCE + Decimal("0.01"))
    problems = payments.check_ledger(expected_total=expected_total, expected_transfers=measured["transfers"])
    assert any("total of balances" in problem for problem in problems)
    assert any("receipts add up to" in problem for problem in problems)
    assert payments.check_ledger(expected_total=expected_total, expected_transfers=measured["transfers"] + 1)


@pytest.mark.django_db
def test_the_call_queue_check_catches_a_lead_handed_out_twice():
    callqueue.make_campaign(3)
    (agent,) = payments.data.staff(1, prefix=f"caller-{uuid.uuid4().hex[:6]}", group="telemarketing agents")
    campaign = callqueue.Campaign.objects.get()
    first = callqueue.service_step(agent, campaign)
    assert callqueue.check_handouts([first], calls_before=0) == []
    problems = callqueue.check_handouts([first, first], calls_before=0)
    assert any("more than once" in problem for problem in problems)


def test_quick_and_full_runs_are_offered():
    assert parse_arguments(["--quick"]).size == "quick"
    assert parse_arguments([]).size == "full"
    assert parse_arguments(["--only", "payments,chat"]).only == ["payments", "chat"]
    with pytest.raises(SystemExit):
        parse_arguments(["--only", "nothing"])
