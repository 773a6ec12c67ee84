"""The PNG charts of a run's report, one per benchmark, each beside its baseline."""

from __future__ import annotations

from pathlib import Path

from bench.labels import backend_label, chat_label


def draw(document: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = document["results"]
    made = []

    def save(figure, name: str) -> None:
        figure.tight_layout()
        figure.savefig(out / name, dpi=90)
        plt.close(figure)
        made.append(name)

    if results.get("payments"):
        figure, axis = plt.subplots(figsize=(7, 3.6))
        series = [
            (f"{backend_label(r)} {variant}", r, variant)
            for r in results["payments"]
            for variant in ("service", "raw_sql", "raw_sql_ledger")
        ]
        workers = sorted({run["workers"] for r in results["payments"] for run in r["runs"]})
        width = 0.8 / len(series)
        for index, (label, result, variant) in enumerate(series):
            rates = {run["workers"]: run["per_second"] for run in result["runs"] if run["variant"] == variant}
            axis.bar(
                [w + index * width for w in range(len(workers))], [rates.get(w, 0) for w in workers], width, label=label
            )
        axis.set_xticks([w + width * (len(series) - 1) / 2 for w in range(len(workers))], [str(w) for w in workers])
        axis.set_xlabel("concurrent workers")
        axis.set_ylabel("transfers / s")
        axis.set_title("Payments: service vs raw SQL")
        axis.legend(fontsize=8)
        save(figure, "payments.png")
    if results.get("chat"):
        figure, axis = plt.subplots(figsize=(7, 3.6))
        echo = results.get("chat_echo", {}).get("runs", [])
        if echo:
            axis.plot(
                [r["clients"] for r in echo],
                [r["round_trip"]["p99_ms"] for r in echo],
                "k--o",
                label="echo server (baseline), p99",
            )
        for result in results["chat"]:
            runs = result["runs"]
            axis.plot(
                [r["clients"] for r in runs],
                [r["delivery"]["p99_ms"] for r in runs],
                "-o",
                label=f"{chat_label(result)}, p99",
            )
        axis.axhline(50, color="red", linewidth=0.8, linestyle=":", label="target 50 ms")
        axis.set_yscale("log")
        axis.set_xlabel("clients")
        axis.set_ylabel("delivery latency p99, ms")
        axis.set_title("Chat: message delivery latency")
        axis.legend(fontsize=7)
        save(figure, "chat.png")
    if results.get("pages"):
        figure, axis = plt.subplots(figsize=(7, 3.6))
        names = ["trivial", "dashboard", "statement", "statement_last_page"]
        width = 0.8 / len(results["pages"])
        for index, result in enumerate(results["pages"]):
            rates = {}
            for page in result["results"]:
                rates.setdefault(page["page"], []).append(page["requests_per_second"])
            axis.bar(
                [n + index * width for n in range(len(names))],
                [sum(rates[name]) / len(rates[name]) for name in names],
                width,
                label=backend_label(result),
            )
        axis.set_xticks(
            [n + width * (len(results["pages"]) - 1) / 2 for n in range(len(names))],
            ["trivial view", "dashboard", "statement", "statement, last page"],
        )
        axis.set_ylabel("requests / s")
        axis.set_title("Pages on one daphne process")
        axis.legend(fontsize=8)
        save(figure, "pages.png")
    if results.get("management"):
        figure, axes = plt.subplots(
            1, len(results["management"]), figsize=(7 * len(results["management"]), 4), squeeze=False
        )
        for axis, result in zip(axes[0], results["management"], strict=True):
            operations = result["operations"]
            positions = range(len(operations))
            axis.barh([p + 0.2 for p in positions], [o["selector_ms"] for o in operations], 0.4, label="selector")
            axis.barh([p - 0.2 for p in positions], [o["raw_sql_ms"] for o in operations], 0.4, label="raw SQL")
            axis.set_yticks(list(positions), [o["operation"] for o in operations], fontsize=7)
            axis.invert_yaxis()
            axis.set_xlabel("ms (median)")
            axis.set_title(f"Management API, {backend_label(result)}, {result['surveys']:,} surveys")
            axis.legend(fontsize=8)
        save(figure, "management.png")
    if results.get("callqueue"):
        figure, axis = plt.subplots(figsize=(7, 3.4))
        labels, values = [], []
        for result in results["callqueue"]:
            for run in result["runs"]:
                labels.append(f"{backend_label(result)}\n{run['variant']}")
                values.append(run["per_second"])
        axis.bar(labels, values, color=["tab:blue", "tab:orange"] * len(results["callqueue"]))
        axis.set_yscale("log")
        axis.set_ylabel("leads / s (log)")
        axis.set_title("Call queue: leads handed out to 8 agents")
        save(figure, "callqueue.png")
    return made
