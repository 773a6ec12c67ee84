"""Runs every benchmark on every backend available and writes the report (see ``python -m bench --help``)."""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import report
from bench.environments import REDIS_URL, REPO, Backend, available_backends, redis_available

BENCHMARKS = ("payments", "chat", "pages", "management", "callqueue")

# Sizes and durations: "full" is what the brief asks for, "quick" tries everything in a few minutes,
# "tiny" is for the smoke test (seconds).
SIZES = {
    "full": {
        "payments": {"accounts": 200, "workers": [1, 4, 16], "duration": 8.0},
        "chat": {"clients": [50, 200, 500], "warmup": 3.0, "duration": 15.0},
        "pages": {"bank_accounts": 10, "receipts": 10_000, "concurrency": 8, "duration": 10.0},
        "management": {"surveys": 100_000, "clients": 1000, "repeats": 5},
        "callqueue": {"leads": 100_000, "agents": 8, "duration": 15.0},
    },
    "quick": {
        "payments": {"accounts": 100, "workers": [1, 4, 16], "duration": 2.0},
        "chat": {"clients": [50, 200], "warmup": 1.0, "duration": 4.0},
        "pages": {"bank_accounts": 10, "receipts": 10_000, "concurrency": 8, "duration": 3.0},
        "management": {"surveys": 20_000, "clients": 500, "repeats": 3},
        "callqueue": {"leads": 20_000, "agents": 8, "duration": 3.0},
    },
    "tiny": {
        "payments": {"accounts": 10, "workers": [1, 2], "duration": 0.3},
        "chat": {"clients": [4], "warmup": 0.3, "duration": 1.0, "drain": 0.5},
        "pages": {"bank_accounts": 2, "receipts": 60, "concurrency": 2, "duration": 0.5},
        "management": {"surveys": 300, "clients": 20, "repeats": 1},
        "callqueue": {"leads": 100, "agents": 2, "duration": 0.5},
    },
}


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmarks (payments, chat, pages, management API, call queue) on the embedded "
        "SQLite default and, where they answer on loopback, PostgreSQL and Redis; write report.md, "
        "report.json and charts.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="size", help="small sizes, a few minutes")
    size.add_argument("--tiny", action="store_const", const="tiny", dest="size", help="smallest sizes (smoke test)")
    parser.set_defaults(size="full")
    parser.add_argument("--out", type=Path, help="report directory (default bench/results/<timestamp>/)")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"comma-separated benchmarks (default: {','.join(BENCHMARKS)})"
    )
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--no-redis", action="store_true", help="do not run the chat on Redis")
    parser.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    parser.add_argument(
        "--chat-clients", help="comma-separated client counts of the chat (default: the size's, e.g. 50,200,500)"
    )
    arguments = parser.parse_args(argv)
    arguments.only = [name.strip() for name in arguments.only.split(",") if name.strip()]
    unknown = set(arguments.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    arguments.backends = [name.strip() for name in arguments.backends.split(",") if name.strip()]
    if arguments.chat_clients:
        try:
            arguments.chat_clients = [int(count) for count in arguments.chat_clients.split(",")]
        except ValueError:
            parser.error("--chat-clients takes whole numbers separated by commas")
    return arguments


def run_child(name: str, parameters: dict, env: dict, workdir: Path) -> dict:
    """One benchmark in its own process; its error output is shown if it fails."""
    tag = uuid.uuid4().hex[:8]
    parameters_path, result_path = workdir / f"{name}-{tag}-in.json", workdir / f"{name}-{tag}-out.json"
    parameters_path.write_text(json.dumps(parameters))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", name, str(parameters_path), str(result_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark {name} failed:\n{done.stderr[-4000:]}")
    result = json.loads(result_path.read_text())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _last_line(failure: Exception) -> str:
    lines = [line for line in str(failure).splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(failure).__name__


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sizes_of(arguments: argparse.Namespace) -> dict:
    """The size's parameters, with the chat's client counts from the command line when given."""
    sizes = SIZES[arguments.size]
    if arguments.chat_clients:
        sizes = {**sizes, "chat": {**sizes["chat"], "clients": arguments.chat_clients}}
    return sizes


def run_benchmarks(arguments: argparse.Namespace, workdir: Path) -> dict:
    sizes = sizes_of(arguments)
    backends, notes = available_backends(workdir, arguments.backends)
    use_redis = not arguments.no_redis and "chat" in arguments.only and redis_available()
    if not arguments.no_redis and "chat" in arguments.only and not use_redis:
        notes.append(f"Redis is not reachable at {REDIS_URL}: the chat ran on the in-memory layer only")
    results: dict = {name: [] for name in arguments.only}
    try:
        for backend in backends:
            say(f"{backend.label}: migrating the template database")
            backend.prepare()
        if "chat" in arguments.only:
            say("chat baseline: bare websockets echo server")
            results["chat_echo"] = run_child("chat_echo", sizes["chat"], backends[0].env("template"), workdir)
        for name in arguments.only:
            for backend in backends:
                if name == "chat":
                    results["chat"].extend(run_chat(backend, backends, sizes["chat"], use_redis, workdir, notes))
                    continue
                say(f"{name} on {backend.label}")
                env = backend.fresh(name)
                if name == "payments":  # a connection per worker thread, and the main one
                    env["DATABASE_POOL_MAX_SIZE"] = str(max(sizes[name]["workers"]) + 1)
                try:
                    result = run_child(name, sizes[name], env, workdir)
                except RuntimeError as failure:
                    notes.append(f"{name} on {backend.label} FAILED: {_last_line(failure)}")
                    say(str(failure))
                    continue
                finally:
                    backend.discard(name)
                result["backend"] = backend.name
                results[name].append(result)
    finally:
        for backend in backends:
            backend.close()
    return {"results": results, "notes": notes}


def run_chat(
    backend: Backend, backends: list[Backend], parameters: dict, use_redis: bool, workdir: Path, notes: list[str]
) -> list:
    """The in-memory layer on one process; with Redis, two processes (on the server database when there is
    one, since several processes would share it in production; else on SQLite in WAL mode)."""
    runs = []
    configurations = [("memory", 1)]
    redis_backend = next((b for b in backends if b.name == "postgres"), backends[0])
    if use_redis and backend is redis_backend:
        configurations.append(("redis", 2))
    for layer, processes in configurations:
        say(f"chat on {backend.label}, {layer} layer, {processes} daphne process(es)")
        database = f"chat_{layer}"
        env = backend.fresh(database, wal=processes > 1)
        if layer == "redis":
            env.update(REDIS_URL=REDIS_URL, CHANNELS_REDIS_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
        try:
            result = run_child("chat", {**parameters, "layer": layer, "processes": processes}, env, workdir)
        except RuntimeError as failure:
            notes.append(f"chat on {backend.label}, {layer} layer FAILED: {_last_line(failure)}")
            say(str(failure))
            continue
        finally:
            backend.discard(database)
        result["backend"] = backend.name
        runs.append(result)
    return runs


def machine() -> dict:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def main(argv: list[str] | None = None) -> Path:
    arguments = parse_arguments(argv)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = arguments.out or REPO / "bench" / "results" / stamp
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    started = time.perf_counter()
    try:
        ran = run_benchmarks(arguments, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    document = {
        "started": stamp,
        "size": arguments.size,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "parameters": {name: sizes_of(arguments)[name] for name in arguments.only},
        "notes": ran["notes"],
        "results": ran["results"],
    }
    document["summary"] = report.summarise(document)
    report.write(document, out, charts=not arguments.no_charts)
    say(f"report written to {out}")
    return out
