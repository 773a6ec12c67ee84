"""Runs one benchmark in its own process, with Django set up for the database the runner prepared.

    python -m bench.child <benchmark> <parameters.json> <result.json>

A process per benchmark keeps settings, connections and threads of one benchmark away from the next.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys

import django

BENCHMARKS = {
    "payments": "bench.payments",
    "chat": "bench.chat",
    "chat_echo": "bench.chat",
    "pages": "bench.pages",
    "management": "bench.management",
    "callqueue": "bench.callqueue",
}


def main(name: str, parameters_path: str, result_path: str) -> None:
    # Hundreds of websockets, and the servers started from here, need more than 1,024 open files.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    django.setup()
    with open(parameters_path) as parameters_file:
        parameters = json.load(parameters_file)
    module = importlib.import_module(BENCHMARKS[name])
    run = module.run_echo if name == "chat_echo" else module.run
    result = run(parameters)
    with open(result_path, "w") as result_file:
        json.dump(result, result_file, indent=2, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:4])
