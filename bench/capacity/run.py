"""``python -m bench capacity``: step the customers up on each shape until a limit breaks; write the report.

For each shape: a fresh database (migrated, ``seed_demo``, the logins of the largest step), the servers
started, then for each step (customers online, staff in proportion) ``--repeats`` runs of the Locust load
in its own process. After every run: the correctness checks against the database, the outbox's e-mails
against the SMTP sink, and the verdict (p95 of every page and API call ≤ 500 ms in the measured window, no
failed request in any phase, every chat message stored and delivered within 1 s). Stepping stops after
the first step with a run that did not hold; the capacity is the last step whose runs all held.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.capacity import profile, report
from bench.capacity.meter import CpuMeter, children_and_self, redis_pids
from bench.capacity.shapes import DATABASE, Shape
from bench.environments import POSTGRES_URL, REPO
from bench.stats import latency_summary

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SIZES = {
    # steps of customers online, repeats, measured seconds, drain seconds, spawn rate, pace
    "full": {"steps": [25, 50, 100, 200, 400], "repeats": 2, "measure": 45.0, "drain": 5.0, "spawn_rate": 4.0},
    "tiny": {
        "steps": [2],
        "repeats": 1,
        "measure": 3.0,
        "drain": 1.0,
        "spawn_rate": 20.0,
        "pace": 0.02,
        "shares": {"CAPACITY_CHAT_SHARE": "1", "CAPACITY_MESSAGE_SHARE": "1"},
    },
}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench capacity", description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="embedded,production", help="embedded, production, production-N")
    parser.add_argument("--steps", help="customers online per step, comma-separated (default 25,50,100,200,400)")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--measure", type=float, help="seconds measured per run, after everyone signed in")
    parser.add_argument("--spawn-rate", type=float, help="people starting (signing in) per second")
    parser.add_argument("--pace", type=float, help=f"time-scale factor of human waits (default {profile.PACE})")
    parser.add_argument("--seed-size", default="small", help="seed_demo --size (small, medium, large)")
    parser.add_argument("--tiny", action="store_true", help="one tiny step (the smoke test)")
    parser.add_argument("--out", type=Path, help="report directory (default bench/results/capacity-<timestamp>/)")
    parser.add_argument("--no-charts", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, databases, results)")
    arguments = parser.parse_args(argv)
    size = SIZES["tiny" if arguments.tiny else "full"]
    arguments.steps = [int(n) for n in arguments.steps.split(",")] if arguments.steps else size["steps"]
    arguments.repeats = arguments.repeats or size["repeats"]
    arguments.measure = arguments.measure or size["measure"]
    arguments.spawn_rate = arguments.spawn_rate or size["spawn_rate"]
    arguments.pace = arguments.pace or size.get("pace", profile.PACE)
    arguments.drain = size["drain"]
    arguments.shares = size.get("shares", {})
    arguments.shapes = [name.strip() for name in arguments.shapes.split(",") if name.strip()]
    return arguments


def django_command(module: str, args: list[str], env: dict) -> None:
    """Setup and checks: patient with the database (the servers keep the product's 5 s connect timeout)."""
    env = {**env, "DATABASE_CONNECT_TIMEOUT": "60"}
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode:
        raise RuntimeError(f"{module} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


def postgres_backends() -> list[int]:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (DATABASE,)).fetchall()
    return [row[0] for row in rows]


def postgres_counters() -> dict[str, float]:
    """The load's database: transactions committed and rows written so far (cumulative)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, tup_returned + tup_fetched"
            " FROM pg_stat_database WHERE datname = %s",
            (DATABASE,),
        ).fetchone()
    return {"commits": row[0], "rows_written": row[1], "rows_read": row[2]} if row else {}


def run_locust(shape: Shape, crowd: profile.Crowd, people: Path, arguments, workdir: Path, tag: str) -> tuple:
    """One run of the load in its own process, with the CPU of every process sampled meanwhile."""
    results = workdir / f"locust-{tag}.json"
    env = {
        **shape.env,
        "CAPACITY_PEOPLE": str(people),
        "CAPACITY_CROWD": json.dumps(crowd.as_dict()),
        "CAPACITY_WS": shape.websocket_base,
        "CAPACITY_ORIGIN": shape.origin,
        "CAPACITY_WS_ORIGIN": shape.origin.replace("http://", "https://"),
        "CAPACITY_MEASURE": str(arguments.measure),
        "CAPACITY_DRAIN": str(arguments.drain),
        "CAPACITY_RESULTS": str(results),
        "CAPACITY_PACE": str(arguments.pace),
        **arguments.shares,
    }
    ramp = crowd.total / arguments.spawn_rate
    limit = ramp * 3 + arguments.measure + arguments.drain + 60
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    command += ["-u", str(crowd.total), "-r", str(arguments.spawn_rate), "--host", shape.host]
    command += ["-t", f"{int(limit)}s", "--stop-timeout", "5", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    log = workdir / f"locust-{tag}.log"
    with log.open("wb") as out:
        locust = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def find() -> dict[str, list[int]]:
        found = {name: children_and_self(process.pid) for name, process in shape.processes.items()}
        found["locust (load generator)"] = [locust.pid]
        if shape.server_database:
            found["postgresql backends"] = postgres_backends()
            found["redis (whole server)"] = redis_pids()
        return found

    with CpuMeter(find, counters=postgres_counters if shape.server_database else None) as meter:
        try:
            locust.wait(timeout=limit + 60)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
    if not results.exists():
        raise RuntimeError(f"Locust wrote no results; its log:\n{log.read_text(errors='replace')[-3000:]}")
    measured = json.loads(results.read_text())
    cpu = meter.window(measured["measure_started"], measured["measure_ended"] or time.time())
    return measured, cpu, log


def summarise(measured: dict, cpu: dict, checked: dict, arguments, customers: int) -> dict:
    """Latency per request name in the measured window, failures in every phase, and the verdict."""
    seconds = max(1e-9, (measured["measure_ended"] or 0) - (measured["measure_started"] or 0))
    window = measured["samples"].get("measure", {})
    requests = {}
    for name, entry in sorted(window.items()):
        summary = latency_summary([ms / 1000 for ms in entry["ms"]])
        summary.update(failures=entry["failures"], per_second=round(len(entry["ms"]) / seconds, 2))
        requests[name] = summary
    failures = sum(entry["failures"] for phase in measured["samples"].values() for entry in phase.values())
    reasons = []
    if measured["reached"] == "ramp":
        reasons.append("the people never all started (spawning did not complete)")
    if measured["not_started"]:
        reasons.append(f"{measured['not_started']} people had not signed in when the measured window began")
    for name, summary in requests.items():
        chat_message = name.startswith(("WS chat: stored", "WS chat: delivered"))
        if chat_message and (summary["max_ms"] or 0) > profile.CHAT_MESSAGE_LIMIT_MS:
            reasons.append(f"{name}: slowest {summary['max_ms']:.0f} ms > {profile.CHAT_MESSAGE_LIMIT_MS:.0f} ms")
        page = not name.startswith(("WS", "ERROR"))
        if page and (summary["p95_ms"] or 0) > profile.PAGE_P95_LIMIT_MS:
            reasons.append(f"{name}: p95 {summary['p95_ms']:.0f} ms > {profile.PAGE_P95_LIMIT_MS:.0f} ms")
    if failures:
        reasons.append(
            f"{failures} failed requests or steps (e.g. {(measured['failures'] + measured['user_errors'])[:3]})"
        )
    if measured["chat"]["unacked"]:
        reasons.append(f"{len(measured['chat']['unacked'])} chat messages never acknowledged")
    reasons += checked["problems"]
    http = [summary for name, summary in requests.items() if not name.startswith(("WS", "ERROR"))]
    ramp = measured["samples"].get("ramp", {})
    sign_in = [ms / 1000 for name, entry in ramp.items() if name.endswith(" sign in") for ms in entry["ms"]]
    rps = sum(summary["per_second"] for summary in http)
    shares = cpu.get("processes", {})
    return {
        "held": not reasons,
        # CPU per HTTP request, and per 1,000 customers online at human pace (with their staff): the figures
        # that do not depend on how much CPU the other users of the machine left to the servers.
        "cpu_ms_per_request": {label: round(share / rps * 1000, 1) for label, share in shares.items() if rps},
        "cores_per_1000_customers": {
            label: round(share / customers * arguments.pace * 1000, 3) for label, share in shares.items()
        },
        "reasons": reasons,
        "requests_per_second": round(sum(summary["per_second"] for summary in http), 1),
        "requests": requests,
        "sign_in_during_ramp": latency_summary(sign_in),
        "failures": failures,
        "failure_examples": (measured["failures"] + measured["user_errors"])[:10],
        "chat": {key: value for key, value in measured["chat"].items() if key != "unacked"},
        "checks": checked,
        "cpu": cpu,
        "measured_seconds": round(seconds, 1),
    }


def run_shape(shape: Shape, arguments, workdir: Path, smtp) -> dict:
    env = shape.prepare(smtp.port)
    say(f"{shape.label}: database ready; seeding and making the logins")
    biggest = profile.Crowd.for_customers(max(arguments.steps))
    people = workdir / f"people-{shape.name}.json"
    counts = [f"--{role.replace('_', '-')}={n}" for role, n in biggest.as_dict().items()]
    password = secrets.token_urlsafe(12)
    django_command(
        "bench.capacity.population",
        [
            str(people),
            str(workdir / "baseline.json"),
            *counts,
            f"--password={password}",
            f"--seed-size={arguments.seed_size}",
        ],
        env,
    )
    shape.start()
    steps: list[dict] = []
    error = None
    try:
        for customers in arguments.steps:
            crowd = profile.Crowd.for_customers(customers)
            runs: list[dict] = []
            steps.append({"customers": customers, "crowd": crowd.as_dict(), "runs": runs})
            for repeat in range(1, arguments.repeats + 1):
                tag = f"{shape.name}-{customers}-{repeat}"
                say(f"{shape.name}: {crowd.total} people ({customers} customers), run {repeat}")
                baseline = json.loads((workdir / "baseline.json").read_text())
                sink_before = len(smtp.received)
                measured, cpu, _log = run_locust(shape, crowd, people, arguments, workdir, tag)
                (workdir / f"run-{tag}.json").write_text(json.dumps(measured))
                checks_out = workdir / f"checks-{tag}.json"
                django_command(
                    "bench.capacity.checks",
                    [str(workdir / "baseline.json"), str(workdir / f"run-{tag}.json"), str(checks_out)],
                    env,
                )
                checked = json.loads(checks_out.read_text())
                sent = checked["emails_sent"] - baseline["emails_sent"]
                received = len(smtp.received) - sink_before
                if received != sent:
                    checked["problems"].append(
                        f"outbox: the SMTP sink received {received} e-mails during the run, the database says {sent}"
                    )
                checked["problems"] += [f"server process {line}" for line in shape.stopped()]
                summary = summarise(measured, cpu, checked, arguments, customers)
                say(f"  {'held' if summary['held'] else 'did not hold: ' + '; '.join(summary['reasons'][:3])}")
                runs.append(summary)
            if not all(run["held"] for run in runs):
                break
    except RuntimeError as failure:  # what was measured so far stays in the report, with the reason it stopped
        error = str(failure)[-1500:]
        say(f"{shape.name} stopped: {error}")
    finally:
        shape.stop()
        shape.discard()
    held = [step["customers"] for step in steps if all(run["held"] for run in step["runs"])]
    return {
        "shape": shape.name,
        "label": shape.label,
        "daphne_processes": shape.daphnes,
        "steps": [step for step in steps if step["runs"]],
        "capacity_customers": held[-1] if held else 0,
        "error": error,
    }


def main(argv: list[str]) -> Path:
    from tests.outreach.servers import SmtpServer

    arguments = parse_arguments(argv)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = arguments.out or REPO / "bench" / "results" / f"capacity-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    workdir = Path(tempfile.mkdtemp(prefix="bench-capacity-"))
    os.chmod(workdir, 0o755)  # nginx's workers read their temp directories under it
    document = {
        "started": stamp,
        "pace": arguments.pace,
        "measure_seconds": arguments.measure,
        "spawn_rate": arguments.spawn_rate,
        "load_average_at_start": os.getloadavg(),
        "cpus": os.cpu_count(),
        "limits": {"page_p95_ms": profile.PAGE_P95_LIMIT_MS, "chat_message_ms": profile.CHAT_MESSAGE_LIMIT_MS},
        "per_thousand": profile.PER_THOUSAND,
        "shapes": [],
        "notes": [],
    }
    started = time.perf_counter()
    try:
        with SmtpServer() as smtp:
            for name in arguments.shapes:
                shape = Shape.named(name, workdir / name)
                shape.workdir.mkdir(parents=True, exist_ok=True)
                os.chmod(shape.workdir, 0o755)
                reason = shape.can_run()
                if reason:
                    document["notes"].append(f"{shape.label}: skipped, {reason}")
                    say(document["notes"][-1])
                    continue
                document["shapes"].append(run_shape(shape, arguments, shape.workdir, smtp))
    finally:
        document["seconds"] = round(time.perf_counter() - started, 1)
        document["load_average_at_end"] = os.getloadavg()
        report.write(document, out, charts=not arguments.no_charts)
        if arguments.keep:
            say(f"working directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"report written to {out}")
    return out
