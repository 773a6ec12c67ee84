"""The Statistics tab: the server's aggregates drawn with matplotlib inside the Tk window."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure

from desktop_client.app import Application
from desktop_client.datepicker import DateField
from desktop_client.formats import number
from desktop_client.forms import bad_day_message, period_filters
from desktop_client.spreadsheet import write_table
from desktop_client.style import BACKGROUND, FlowBar
from desktop_client.surveys import KIND_LABELS

BAR_COLOUR, LINE_COLOUR = "#2f6db5", "#d9822b"


class StatisticsTab(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master, padding=8)
        self.app, tr = app, app.tr
        self.bar = bar = FlowBar(self)
        bar.pack(fill="x")
        self.date_from = bar.labelled(tr("From"), lambda parent: DateField(parent, tr=tr))
        self.date_to = bar.labelled(tr("To"), lambda parent: DateField(parent, tr=tr))
        self.refresh_button = bar.add(ttk.Button(bar, text=tr("Refresh"), command=self.reload))
        self.png_button = bar.add(ttk.Button(bar, text=tr("Save charts as PNG…"), command=lambda: self.export("png")))
        self.export_button = bar.add(ttk.Button(bar, text=tr("Export CSV…"), command=lambda: self.export("csv")))
        self.summary = bar.add(ttk.Label(bar, text="", style="Heading.TLabel"))
        self.figure = Figure(figsize=(9, 5.5), dpi=96, layout="constrained", facecolor=BACKGROUND)
        self.canvas = FigureCanvasTkAgg(self.figure, master=self)
        self.canvas.get_tk_widget().pack(fill="both", expand=True, pady=(6, 0))
        self.figures: dict | None = None

    def reload(self) -> None:
        try:
            period = period_filters(self.date_from, self.date_to)
        except ValueError:
            self.app.main_frame.say(bad_day_message(self.app.tr), error=True)
            return
        self.app.call("survey_statistics", **period, on_success=self.draw)

    def export(self, kind: str) -> None:
        path = filedialog.asksaveasfilename(defaultextension=f".{kind}", filetypes=[(kind.upper(), f"*.{kind}")])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """The charts as a PNG picture, or the figures they show as CSV/XLSX (by the file's extension)."""
        if self.figures is None:
            return
        if path.suffix.lower() == ".png":
            self.figure.savefig(path, dpi=120)
        else:
            figures = self.figures
            rows = [("kind", row["kind"], row["count"], row["average_rating"]) for row in figures["per_kind"]]
            rows += [("rating", row["rating"], row["count"], None) for row in figures["rating_distribution"]]
            rows += [("month", row["month"], row["count"], row["average_rating"]) for row in figures["per_month"]]
            write_table(path, ["group", "value", "count", "average_rating"], rows, sheet="statistics")
        self.app.main_frame.say(self.app.tr("Saved to {path}.", path=path))

    def draw(self, figures: dict) -> None:
        tr = self.app.tr
        self.figures = figures
        average = number(figures["average_rating"], tr.language)
        self.summary.configure(
            text=tr("Surveys: {total} · average rating: {average}", total=figures["total"], average=average)
        )
        self.figure.clear()
        grid = self.figure.add_gridspec(2, 2)
        by_kind, ratings = self.figure.add_subplot(grid[0, 0]), self.figure.add_subplot(grid[0, 1])
        by_month = self.figure.add_subplot(grid[1, :])
        kinds = figures["per_kind"]
        by_kind.bar(
            [tr(KIND_LABELS.get(row["kind"], row["label"])) for row in kinds],
            [row["count"] for row in kinds],
            color=BAR_COLOUR,
        )
        by_kind.set_title(tr("Surveys by kind"))
        by_kind.tick_params(axis="x", labelrotation=15)
        distribution = figures["rating_distribution"]
        ratings.bar(
            [str(row["rating"]) for row in distribution], [row["count"] for row in distribution], color=BAR_COLOUR
        )
        ratings.set_title(tr("Ratings"))
        months = figures["per_month"]
        by_month.set_title(tr("Surveys by month"))
        if months:
            labels = [month_label(row["month"], tr.language) for row in months]
            by_month.bar(labels, [row["count"] for row in months], color=BAR_COLOUR, label=tr("count"))
            by_month.set_ylabel(tr("count"))
            averages = by_month.twinx()
            averages.plot(
                labels,
                [row["average_rating"] for row in months],
                color=LINE_COLOUR,
                marker="o",
                label=tr("average rating"),
            )
            averages.set_ylim(0, 5.5)
            averages.yaxis.set_major_formatter(lambda value, _position: number(float(value), tr.language, digits=1))
            averages.set_ylabel(tr("average rating"))
        else:
            by_month.text(
                0.5, 0.5, tr("No surveys in this period."), ha="center", va="center", transform=by_month.transAxes
            )
        for axes in (by_kind, ratings, by_month):
            axes.yaxis.get_major_locator().set_params(integer=True)
        self.canvas.draw()


def month_label(month: str, language: str) -> str:
    """The API's "2024-03" as the reader writes a month: "03.2024" in Russian."""
    return f"{month[5:]}.{month[:4]}" if language == "ru" else month
