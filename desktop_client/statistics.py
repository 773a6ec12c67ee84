"""The Statistics tab: the server's aggregates (counts, ratings, NPS, CSAT, the trend against the period before)
drawn with matplotlib inside the Tk window; every chart saves as PNG and its figures as CSV or XLSX."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from desktop_client.app import Application
from desktop_client.datepicker import DateField
from desktop_client.formats import day, number
from desktop_client.forms import bad_day_message, period_filters
from desktop_client.spreadsheet import write_table
from desktop_client.style import BACKGROUND, FlowBar
from desktop_client.surveys import KIND_LABELS, SOURCE_LABELS

BAR_COLOUR, LINE_COLOUR, CSAT_COLOUR = "#2f6db5", "#d9822b", "#2e9e6a"
NPS_COLOURS = ("#2e9e6a", "#a0a7b0", "#c8483c")  # promoters, passives, detractors
NPS_GROUPS = ("promoters", "passives", "detractors")
MOST_TREND_LABELS = 12  # months or days labelled under the trend chart


class StatisticsTab(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master, padding=8)
        self.app, tr = app, app.tr
        self.bar = bar = FlowBar(self)
        bar.pack(fill="x")
        self.date_from = bar.labelled(tr("From"), lambda parent: DateField(parent, tr=tr))
        self.date_to = bar.labelled(tr("To"), lambda parent: DateField(parent, tr=tr))
        self.groupings = {tr("by month"): "month", tr("by week"): "week"}
        self.grouping = tk.StringVar(value=tr("by month"))
        bar.labelled(tr("Trend"), lambda parent: ttk.Combobox(
            parent, textvariable=self.grouping, values=list(self.groupings), state="readonly", width=10))  # fmt: skip
        self.refresh_button = bar.add(ttk.Button(bar, text=tr("Refresh"), command=self.reload))
        self.png_button = bar.add(ttk.Button(bar, text=tr("Save charts as PNG…"), command=lambda: self.export("png")))
        self.export_button = bar.add(ttk.Button(bar, text=tr("Export CSV…"), command=lambda: self.export("csv")))
        self.summary = ttk.Label(self, text="", style="Heading.TLabel")
        self.summary.pack(fill="x", pady=(6, 0))
        self.comparison = ttk.Label(self, text="", style="Muted.TLabel")
        self.comparison.pack(fill="x")
        self.figure = Figure(figsize=(9, 5.5), dpi=96, layout="constrained", facecolor=BACKGROUND)
        self.canvas = FigureCanvasTkAgg(self.figure, master=self)
        self.canvas.get_tk_widget().pack(fill="both", expand=True, pady=(6, 0))
        self.figures: dict | None = None
        self.analytics: dict | None = None
        # Each chart: its axes (the trend has two), and its figures as a table (header, rows).
        self.charts: dict[str, tuple[list, list[str], list[tuple]]] = {}

    def reload(self) -> None:
        try:
            period = period_filters(self.date_from, self.date_to)
        except ValueError:
            self.app.main_frame.say(bad_day_message(self.app.tr), error=True)
            return
        grouping = self.groupings[self.grouping.get()]

        def with_analytics(figures: dict) -> None:
            self.app.call(
                "survey_analytics", **period, period=grouping, on_success=lambda answer: self.draw(figures, answer)
            )

        self.app.call("survey_statistics", **period, on_success=with_analytics)

    def export(self, kind: str) -> None:
        path = filedialog.asksaveasfilename(defaultextension=f".{kind}", filetypes=[(kind.upper(), f"*.{kind}")])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """PNG: every chart together in ``path`` and each alone in ``<name>-<chart>.png``; CSV/XLSX: the figures of
        all the charts in ``path`` and each chart's in ``<name>-<chart>.csv``."""
        if self.figures is None:
            return
        if path.suffix.lower() == ".png":
            self.figure.savefig(path, dpi=120)
            renderer = self.canvas.get_renderer()
            for name, (axes, _header, _rows) in self.charts.items():
                box = Bbox.union([each.get_tightbbox(renderer) for each in axes])
                inches = box.transformed(self.figure.dpi_scale_trans.inverted()).padded(0.08)
                self.figure.savefig(chart_path(path, name), dpi=120, bbox_inches=inches)
        else:
            rows = [(name, *row) for name, (_axes, _header, table) in self.charts.items() for row in table]
            width = max(len(row) for row in rows)
            header = ["chart", "group", *(f"value_{index}" for index in range(1, width - 1))]
            write_table(path, header, [(*row, *[None] * (width - len(row))) for row in rows], sheet="statistics")
            for name, (_axes, chart_header, table) in self.charts.items():
                write_table(chart_path(path, name), chart_header, table, sheet=name)
        self.app.main_frame.say(self.app.tr("Saved to {path}.", path=path))

    def draw(self, figures: dict, analytics: dict) -> None:
        tr, language = self.app.tr, self.app.tr.language
        self.figures, self.analytics, self.charts = figures, analytics, {}
        overall = analytics["overall"]
        self.summary.configure(
            text=" · ".join(
                [
                    tr(
                        "Surveys: {total} · average rating: {average}",
                        total=figures["total"],
                        average=number(figures["average_rating"], language),
                    ),
                    tr("NPS index: {score}", score=number(overall["nps"]["score"], language, digits=1)),
                    tr("CSAT: {score} %", score=number(overall["csat"]["score"], language, digits=1)),
                ]
            )
        )
        self.comparison.configure(text=self.comparison_text(analytics))
        self.figure.clear()
        grid = self.figure.add_gridspec(2, 3)
        self.draw_kinds(self.figure.add_subplot(grid[0, 0]), figures["per_kind"])
        self.draw_ratings(self.figure.add_subplot(grid[0, 1]), figures["rating_distribution"])
        self.draw_nps(self.figure.add_subplot(grid[0, 2]), overall["nps"])
        self.draw_trend(self.figure.add_subplot(grid[1, :2]), analytics)
        self.draw_sources(self.figure.add_subplot(grid[1, 2]), analytics["per_source"])
        self.canvas.draw()

    def comparison_text(self, analytics: dict) -> str:
        """The chosen period against the equally long one before it, as the server computed the differences."""
        tr, language, previous, change = self.app.tr, self.app.tr.language, analytics["previous"], analytics["change"]
        if previous is None:
            return tr("Choose both ends of the period to compare it with the period before.")
        return tr(
            "Against {start}–{end}: surveys {count}, average rating {average}, NPS index {nps}, CSAT {csat} p.p.",
            start=day(previous["date_from"], language),
            end=day(previous["date_to"], language),
            count=signed(change["count"], language),
            average=signed(change["average_rating"], language),
            nps=signed(change["nps_score"], language, digits=1),
            csat=signed(change["csat_score"], language, digits=1),
        )

    def draw_kinds(self, axes, kinds: list[dict]) -> None:
        tr = self.app.tr
        axes.bar(
            [tr(KIND_LABELS.get(row["kind"], row["label"])) for row in kinds],
            [row["count"] for row in kinds],
            color=BAR_COLOUR,
        )
        axes.set_title(tr("Surveys by kind"))
        axes.tick_params(axis="x", labelrotation=30, labelsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        rows = [(row["kind"], row["count"], row["average_rating"]) for row in kinds]
        self.charts["kinds"] = ([axes], ["kind", "count", "average_rating"], rows)

    def draw_ratings(self, axes, distribution: list[dict]) -> None:
        axes.bar([str(row["rating"]) for row in distribution], [row["count"] for row in distribution], color=BAR_COLOUR)
        axes.set_title(self.app.tr("Ratings"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        self.charts["ratings"] = ([axes], ["rating", "count"], [(row["rating"], row["count"]) for row in distribution])

    def draw_nps(self, axes, nps: dict) -> None:
        tr = self.app.tr
        labels = [tr("Promoters"), tr("Passives"), tr("Detractors")]
        axes.bar(labels, [nps[group] for group in NPS_GROUPS], color=NPS_COLOURS)
        axes.set_title(tr("NPS index: {score}", score=number(nps["score"], tr.language, digits=1)))
        axes.tick_params(axis="x", labelsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        rows = [(group, nps[group]) for group in NPS_GROUPS] + [("nps_index", nps["score"])]
        self.charts["nps"] = ([axes], ["group", "value"], rows)

    def draw_trend(self, counts, analytics: dict) -> None:
        tr, language, trend = self.app.tr, self.app.tr.language, analytics["trend"]
        counts.set_title(tr("Surveys by month") if analytics["period"] == "month" else tr("Surveys by week"))
        counts.yaxis.get_major_locator().set_params(integer=True)
        header = ["start", "count", "average_rating", "nps_index", "csat_percent"]
        header += ["count_change", "nps_index_change", "csat_change"]
        rows = []
        for point in trend:
            figures, change = point["figures"], point["change"] or {}
            rows.append(
                (
                    point["start"],
                    figures["count"],
                    figures["average_rating"],
                    figures["nps"]["score"],
                    figures["csat"]["score"],
                    change.get("count"),
                    change.get("nps_score"),
                    change.get("csat_score"),
                )
            )
        self.charts["trend"] = ([counts], header, rows)
        if not trend:
            empty = tr("No surveys in this period.")
            counts.text(0.5, 0.5, empty, ha="center", va="center", transform=counts.transAxes)
            return
        if analytics["period"] == "month":
            labels = [month_label(point["start"][:7], language) for point in trend]
        else:
            labels = [day(point["start"], language) for point in trend]
        counts.bar(labels, [point["figures"]["count"] for point in trend], color=BAR_COLOUR)
        counts.set_ylabel(tr("count"))
        counts.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0, labelsize=8)
        # Three years of months would write 36 labels over each other: label every few bars.
        step = -(-len(labels) // MOST_TREND_LABELS)
        counts.set_xticks(range(0, len(labels), step), labels[::step])
        scores = counts.twinx()
        scores.plot(labels, [row[3] for row in rows], color=LINE_COLOUR, marker="o", label=tr("NPS index"))
        scores.plot(labels, [row[4] for row in rows], color=CSAT_COLOUR, marker="s", label=tr("CSAT, %"))
        scores.set_ylim(-105, 105)
        scores.yaxis.set_major_formatter(lambda value, _position: number(int(value), language))
        # Above the chart, beside its title, where no bar can be hidden under it.
        scores.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2, fontsize=8, frameon=False)
        self.charts["trend"] = ([counts, scores], header, rows)

    def draw_sources(self, axes, sources: list[dict]) -> None:
        tr = self.app.tr
        axes.bar(
            [tr(SOURCE_LABELS.get(row["source"], row["label"])) for row in sources],
            [row["count"] for row in sources],
            color=BAR_COLOUR,
        )
        axes.set_title(tr("Surveys by source"))
        axes.tick_params(axis="x", labelrotation=30, labelsize=8)
        axes.yaxis.get_major_locator().set_params(integer=True)
        header = ["source", "count", "average_rating", "nps_index", "csat_percent"]
        rows = [
            (row["source"], row["count"], row["average_rating"], row["nps"]["score"], row["csat"]["score"])
            for row in sources
        ]
        self.charts["sources"] = ([axes], header, rows)


def chart_path(path: Path, name: str) -> Path:
    """Where one chart of an export goes: statistics.png → statistics-nps.png."""
    return path.with_name(f"{path.stem}-{name}{path.suffix}")


def signed(value: float | int | None, language: str, *, digits: int = 2) -> str:
    """A change as the reader writes it: "+2", "−10,5" (a minus sign, not a hyphen), "—" when unknown."""
    if value is None:
        return "—"
    text = number(abs(value) if isinstance(value, int) else float(abs(value)), language, digits=digits)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def month_label(month: str, language: str) -> str:
    """The API's "2024-03" as the reader writes a month: "03.2024" in Russian."""
    return f"{month[5:]}.{month[:4]}" if language == "ru" else month
