"""The chat's load against its floor: the same clients and frames, served by daphne and Channels with none of
the chat's own work (``bench.relay_asgi``), so that what the chat costs above the stack it runs on is known.

    python -m bench.chat_floor [--clients 200,500] [--processes 1] [--redis]

One message a second per client, as in ``bench.chat``; one process uses the process's own channel layer, two
(customers on the first, agents on the second) use Redis. Prints one JSON object per client count: delivery
and round-trip latency, messages lost, and the share of a core each server and the load generator used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import uuid
from pathlib import Path

import django

from bench.environments import REDIS_URL, base_environment
from bench.servers import daphne

ENVIRONMENT = base_environment()
os.environ.update(ENVIRONMENT)  # bench.chat's clients are made with Django's settings, as the servers' are
django.setup()

from bench import chat  # noqa: E402  (needs Django set up first)


def run(*, counts: list[int], processes: int, redis: bool, duration: float, warmup: float) -> list[dict]:
    env = dict(ENVIRONMENT)
    if redis or processes > 1:
        env.update(REDIS_URL=REDIS_URL, CHANNELS_REDIS_PREFIX=f"floor-{uuid.uuid4().hex[:8]}")
    logs = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    started = [daphne(env, logs / f"daphne-{n}.log", "bench.relay_asgi:application") for n in range(processes)]
    results = []
    try:
        for server in started:
            server.start()
        customer_server, agent_server = started[0], started[-1]
        for count in counts:
            clients = []
            for pair in range(count // 2):
                for server, side in ((customer_server, "customer"), (agent_server, "agent")):
                    url = f"ws://127.0.0.1:{server.port}/relay/{pair}/"
                    clients.append((url, f"http://127.0.0.1:{server.port}", None, f"{side}-{pair}"))
            measured = chat._measure(started, clients, warmup=warmup, duration=duration, echo=False, drain=5.0)
            results.append({"processes": processes, "layer": "redis" if "REDIS_URL" in env else "process", **measured})
    finally:
        for server in started:
            server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="200", help="client counts, comma-separated (default 200)")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--redis", action="store_true", help="the Redis channel layer with one process too")
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    counts = [int(count) for count in arguments.clients.split(",")]
    for result in run(
        counts=counts,
        processes=arguments.processes,
        redis=arguments.redis,
        duration=arguments.duration,
        warmup=arguments.warmup,
    ):
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
