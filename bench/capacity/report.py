"""The capacity report: ``report.json`` (everything measured), ``report.md`` (for people), and two charts:
latency (p95 of the slowest page, slowest chat message) and throughput (requests per second) against the
number of customers online, one line per shape and run."""

from __future__ import annotations

import json
from pathlib import Path


def _slowest_page(run: dict) -> tuple[str, float]:
    pages = [(name, s["p95_ms"] or 0) for name, s in run["requests"].items() if not name.startswith(("WS", "ERROR"))]
    return max(pages, key=lambda page: page[1], default=("—", 0.0))


def _slowest_chat(run: dict) -> float:
    chat = [s["max_ms"] or 0 for name, s in run["requests"].items() if name.startswith("WS chat: ")]
    return max(chat, default=0.0)


def _cpu_line(run: dict) -> str:
    shares = run["cpu"].get("processes", {})
    line = ", ".join(f"{label} {share:.2f}" for label, share in shares.items())
    database = run["cpu"].get("database_per_second")
    if database:
        line += "; PostgreSQL per s: " + ", ".join(f"{name} {rate:g}" for name, rate in database.items())
    return line


def markdown(document: dict) -> str:
    pace = document["pace"]
    lines = [
        "# Capacity: a working day on one machine",
        "",
        f"Started {document['started']}, {document['seconds']:.0f} s; {document['cpus']} cores; load average "
        f"{', '.join(f'{x:.1f}' for x in document['load_average_at_start'])} at the start "
        "(other sessions share the machine). "
        f"Human waits × {pace} (PACE): one simulated person acts like {1 / pace:.0f} real ones. "
        f"Measured window {document['measure_seconds']:.0f} s per run, after everyone signed in "
        f"({document['spawn_rate']:g} people starting per second). Limits: p95 of every page and API call ≤ "
        f"{document['limits']['page_p95_ms']:.0f} ms, no failed request, every chat message stored and "
        f"delivered within {document['limits']['chat_message_ms']:.0f} ms, every correctness check passed. "
        f"Staff per 1,000 customers: {document['per_thousand']}, and one supervisor.",
        "",
        "## Capacity",
        "",
        "| shape | last step that held (customers online, simulated) | at human pace |",
        "|---|---|---|",
    ]
    for shape in document["shapes"]:
        held = shape["capacity_customers"]
        lines.append(f"| {shape['label']} | {held} | ≈ {held / pace:,.0f} |")
    for note in document["notes"]:
        lines.append(f"\n- {note}")
    for shape in document["shapes"]:
        lines += ["", f"## {shape['label']}", ""]
        if shape.get("error"):
            lines += [f"The run stopped on an error (figures below are those measured before it): {shape['error']}", ""]
        lines += [
            "| customers | run | held | requests/s | slowest page p95 | chat max | sign-in p95 (ramp) | CPU (cores) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for step in shape["steps"]:
            for number, run in enumerate(step["runs"], 1):
                page, p95 = _slowest_page(run)
                lines.append(
                    f"| {step['customers']} | {number} | {'yes' if run['held'] else 'no'} | "
                    f"{run['requests_per_second']} | {page} {p95:.0f} ms | {_slowest_chat(run):.0f} ms | "
                    f"{run['sign_in_during_ramp']['p95_ms'] or 0:.0f} ms | "
                    f"machine {run['cpu'].get('machine_busy_cores')} of {run['cpu'].get('cores')}; {_cpu_line(run)} |"
                )
        labels = sorted({label for step in shape["steps"] for run in step["runs"] for label in run["cpu"]["processes"]})
        lines += [
            "",
            "CPU per 1,000 customers online at human pace (with their staff), in cores, and per HTTP request, "
            "in ms: figures that depend less on the CPU other users of the machine left than the latencies do.",
            "",
            "| customers | run | " + " | ".join(labels) + " |",
            "|---|---|" + "---|" * len(labels),
        ]
        for step in shape["steps"]:
            for number, run in enumerate(step["runs"], 1):
                cores, per_request = run["cores_per_1000_customers"], run["cpu_ms_per_request"]
                cells = [f"{cores.get(label, 0):.2f} ({per_request.get(label, 0):.1f} ms)" for label in labels]
                lines.append(f"| {step['customers']} | {number} | " + " | ".join(cells) + " |")
        for step in shape["steps"]:
            for number, run in enumerate(step["runs"], 1):
                if run["reasons"]:
                    lines.append(f"\n{step['customers']} customers, run {number}: " + "; ".join(run["reasons"]))
        last = shape["steps"][-1]["runs"][-1] if shape["steps"] else None
        if last:
            lines += ["", f"Requests of the last run ({shape['steps'][-1]['customers']} customers):", ""]
            lines += [
                "| request | count | per s | p50 ms | p95 ms | max ms | failures |",
                "|---|---|---|---|---|---|---|",
            ]
            for name, s in last["requests"].items():
                lines.append(
                    f"| {name} | {s['count']} | {s['per_second']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} | "
                    f"{s['failures']} |"
                )
            checks = last["checks"]
            lines.append(
                f"\nChecked against the database after the run: {checks['transfers']} payments, {checks['leads']} "
                f"leads, {checks['chat_messages_stored']} chat messages stored, {checks['emails_sent']} e-mails sent "
                f"in all; problems: {', '.join(checks['problems']) or 'none'}."
            )
    if document.get("charts"):
        lines += ["", "## Charts", ""] + [f"![{name}]({name})" for name in document["charts"]]
    return "\n".join(lines) + "\n"


def draw(document: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4))
    for shape in document["shapes"]:
        repeats = max((len(step["runs"]) for step in shape["steps"]), default=0)
        for index in range(repeats):
            rows = [(step["customers"], step["runs"][index]) for step in shape["steps"] if len(step["runs"]) > index]
            users = [customers for customers, _run in rows]
            label = f"{shape['shape']}, run {index + 1}"
            latency.plot(users, [_slowest_page(run)[1] for _c, run in rows], "-o", label=f"{label}: slowest page p95")
            latency.plot(users, [_slowest_chat(run) for _c, run in rows], ":x", label=f"{label}: chat max")
            throughput.plot(users, [run["requests_per_second"] for _c, run in rows], "-o", label=label)
    latency.axhline(document["limits"]["page_p95_ms"], color="red", linewidth=0.8, linestyle="--", label="page limit")
    latency.axhline(document["limits"]["chat_message_ms"], color="purple", linewidth=0.8, linestyle="--")
    latency.set_yscale("log")
    latency.set_xlabel("customers online (simulated)")
    latency.set_ylabel("ms")
    latency.set_title("Latency against customers online")
    latency.legend(fontsize=6)
    throughput.set_xlabel("customers online (simulated)")
    throughput.set_ylabel("HTTP requests / s (measured window)")
    throughput.set_title("Throughput against customers online")
    throughput.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out / "capacity.png", dpi=90)
    plt.close(figure)
    made.append("capacity.png")
    return made


def write(document: dict, out: Path, *, charts: bool = True) -> None:
    document["charts"] = draw(document, out) if charts and document["shapes"] else []
    (out / "report.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(markdown(document))
