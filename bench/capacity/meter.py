"""CPU per process, sampled once a second while the load runs (psutil), so that the share of a core each
process used can be read for any window afterwards (the measured window of each run).

Processes are grouped under labels: each daphne, each worker, nginx (master and workers), the PostgreSQL
backends serving the load's database (found in ``pg_stat_activity``; other sessions' backends are left
out), Redis (the whole server: shared with other users of the machine, so an upper bound), and Locust.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import psutil


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


class CpuMeter:
    def __init__(
        self,
        find: Callable[[], dict[str, list[int]]],
        *,
        counters: Callable[[], dict[str, float]] | None = None,
        interval: float = 1.0,
    ) -> None:
        self.find = find  # label -> pids, asked at every sample (backends and workers come and go)
        self.counters = counters  # cumulative counters (e.g. the database's commits), reported per second
        self.interval = interval
        self.samples: list[tuple[float, dict[str, dict[int, float]], float]] = []
        self.counted: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        reading: dict[str, dict[int, float]] = {}
        for label, pids in self.find().items():
            for pid in pids:
                try:
                    reading.setdefault(label, {})[pid] = cpu_seconds(psutil.Process(pid))
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        busy = psutil.cpu_times()
        now = time.time()
        self.samples.append((now, reading, busy.user + busy.system + busy.nice + busy.irq + busy.softirq))
        if self.counters is not None:
            self.counted.append((now, self.counters()))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> CpuMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def window(self, start: float, end: float) -> dict:
        """Share of one core per label between the samples nearest inside [start, end]; and the machine's."""
        inside = [sample for sample in self.samples if start <= sample[0] <= end]
        if len(inside) < 2:
            return {"processes": {}, "machine_busy_cores": None, "cores": os.cpu_count()}
        t0, first, busy0 = inside[0]
        t1, last, busy1 = inside[-1]
        elapsed = t1 - t0
        shares = {}
        for label, pids in last.items():
            used = sum(cpu - first.get(label, {}).get(pid, cpu) for pid, cpu in pids.items())
            shares[label] = round(used / elapsed, 3)
        counted = [sample for sample in self.counted if start <= sample[0] <= end]
        rates = {}
        if len(counted) >= 2:
            (c0, before), (c1, after) = counted[0], counted[-1]
            rates = {name: round((after[name] - before.get(name, 0)) / (c1 - c0), 1) for name in after}
        return {
            "processes": shares,
            "machine_busy_cores": round((busy1 - busy0) / elapsed, 2),
            "cores": os.cpu_count(),
            "database_per_second": rates,
        }


def children_and_self(pid: int) -> list[int]:
    try:
        process = psutil.Process(pid)
        return [pid, *(child.pid for child in process.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


def redis_pids() -> list[int]:
    return [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"]
