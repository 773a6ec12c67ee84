"""The Statistics tab: the server's aggregates drawn with matplotlib inside the Tk window."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure

from desktop_client.app import Application
from desktop_client.forms import period_filters
from desktop_client.surveys import KIND_LABELS

BAR_COLOUR, LINE_COLOUR = "#2f6db5", "#d9822b"


class StatisticsTab(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master, padding=6)
        self.app, tr = app, app.tr
        bar = ttk.Frame(self)
        bar.pack(fill="x")
        self.date_from, self.date_to = tk.StringVar(), tk.StringVar()
        for label, variable in ((tr("From (YYYY-MM-DD)"), self.date_from), (tr("To (YYYY-MM-DD)"), self.date_to)):
            ttk.Label(bar, text=label).pack(side="left")
            ttk.Entry(bar, textvariable=variable, width=11).pack(side="left", padx=(4, 10))
        self.refresh_button = ttk.Button(bar, text=tr("Refresh"), command=self.reload)
        self.refresh_button.pack(side="left")
        self.summary = ttk.Label(bar, text="", font=("TkDefaultFont", 11, "bold"))
        self.summary.pack(side="left", padx=16)
        self.figure = Figure(figsize=(9, 5.5), dpi=96, layout="constrained")
        self.canvas = FigureCanvasTkAgg(self.figure, master=self)
        self.canvas.get_tk_widget().pack(fill="both", expand=True, pady=(6, 0))
        self.figures: dict | None = None

    def reload(self) -> None:
        try:
            period = period_filters(self.date_from.get(), self.date_to.get())
        except ValueError:
            self.app.main_frame.say(self.app.tr("Dates are written as YYYY-MM-DD, for example 2024-03-31."), error=True)
            return
        self.app.call("survey_statistics", **period, on_success=self.draw)

    def draw(self, figures: dict) -> None:
        tr = self.app.tr
        self.figures = figures
        average = "—" if figures["average_rating"] is None else f"{figures['average_rating']:.2f}"
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
            labels = [row["month"] for row in months]
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
            averages.set_ylabel(tr("average rating"))
        else:
            by_month.text(
                0.5, 0.5, tr("No surveys in this period."), ha="center", va="center", transform=by_month.transAxes
            )
        for axes in (by_kind, ratings, by_month):
            axes.yaxis.get_major_locator().set_params(integer=True)
        self.canvas.draw()
