"""Small statistics helpers shared by the benchmarks."""

from __future__ import annotations

import math
import os
import statistics


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile (``fraction`` 0..1) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds, rounded for the report."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 2)

    return {
        "count": len(seconds),
        "p50_ms": ms(percentile(seconds, 0.50)),
        "p95_ms": ms(percentile(seconds, 0.95)),
        "p99_ms": ms(percentile(seconds, 0.99)),
        "max_ms": ms(max(seconds) if seconds else None),
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(value: float | None, baseline: float | None) -> float | None:
    if not value or not baseline:
        return None
    return round(value / baseline, 3)


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """The share of one core that some processes used between start() and stop()."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.started: dict[int, float] = {}
        self.wall = 0.0

    def start(self, now: float) -> None:
        self.started = {pid: process_cpu_seconds(pid) for pid in self.pids}
        self.wall = now

    def stop(self, now: float) -> list[float]:
        elapsed = max(now - self.wall, 1e-9)
        return [round((process_cpu_seconds(pid) - self.started[pid]) / elapsed, 3) for pid in self.pids]
