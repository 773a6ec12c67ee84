"""The capacity command works end to end: a tiny step of the working-day load (Locust in its own process,
every kind of person, the chat over websockets, the outbox through a worker to an SMTP sink) against one
daphne on SQLite, whose report says what ran and that the database checks passed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parents[2]


def test_a_tiny_capacity_run_signs_people_in_and_checks_the_database(tmp_path):
    out = tmp_path / "report"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    command = [sys.executable, "-m", "bench", "capacity", "--tiny", "--shapes", "embedded", "--seed-size", "none"]
    command += ["--no-charts"]  # matplotlib's import alone is seconds of CI; the chart is drawn by the real runs
    done = subprocess.run([*command, "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = json.loads((out / "report.json").read_text())
    (shape,) = report["shapes"]
    (step,) = shape["steps"]
    (run,) = step["runs"]
    assert step["crowd"] == {"customers": 2, "chat_agents": 1, "callers": 1, "product_managers": 1, "supervisors": 1}
    assert run["checks"]["problems"] == [], run["checks"]
    assert run["failures"] == 0, run["failure_examples"]
    names = set(run["requests"])
    # Every kind of person got through the real pages in the measured window.
    assert {"GET campaign results", "GET call page"} <= names, names
    assert any(name.startswith("GET api: ") or name.startswith("POST api: ") for name in names), names
    assert run["sign_in_during_ramp"]["count"] >= 6  # five signed in on the sign-in page, one for an API token
    assert run["chat"]["sent"] > 0 and run["chat"]["acked"] == run["chat"]["sent"]
    assert run["cpu"]["processes"]["daphne-1"] > 0
    markdown = (out / "report.md").read_text()
    assert "## Capacity" in markdown and "| embedded default" in markdown
