"""The Surveys tab: a table sorted by the server when a header is clicked, filters, a new-survey form, CSV export."""

from __future__ import annotations

import csv
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from desktop_client.app import ERROR_COLOUR, Application
from desktop_client.dialog import TabDialog
from desktop_client.forms import EMAIL, period_filters
from desktop_client.table import Column, SortableTable, short_time

KINDS = ["question", "complaint", "suggestion", "thanks", "chat_rating"]
KIND_LABELS = {
    "question": "question",
    "complaint": "complaint",
    "suggestion": "suggestion",
    "thanks": "thanks",
    "chat_rating": "chat rating",
}
SOURCE_LABELS = {"website": "website", "phone": "phone call", "chat": "chat", "desktop": "product manager"}
ON_BEHALF_KINDS = KINDS[:4]
TEXT_LIMIT = 4000
CSV_COLUMNS = ["id", "created_at", "client", "client_email", "kind", "rating", "source", "text", "suggestions"]


def csv_row(survey: dict) -> list:
    client = survey["client"]
    return [
        survey["id"],
        survey["created_at"],
        client["full_name"],
        client["email"],
        survey["kind_label"],
        survey["rating"],
        survey["source_label"],
        survey["text"],
        survey["suggestions"],
    ]


class SurveysTab(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master, padding=6)
        self.app, tr = app, app.tr
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        self.kind_names = {tr("All"): None} | {tr(KIND_LABELS[kind]): kind for kind in KINDS}
        self.kind = tk.StringVar(value=tr("All"))
        self.rating = tk.StringVar(value=tr("All"))
        self.date_from, self.date_to = tk.StringVar(), tk.StringVar()
        ttk.Label(bar, text=tr("Kind")).pack(side="left")
        ttk.Combobox(bar, textvariable=self.kind, values=list(self.kind_names), state="readonly", width=14).pack(
            side="left", padx=(4, 10)
        )
        ttk.Label(bar, text=tr("Rating")).pack(side="left")
        ttk.Combobox(
            bar, textvariable=self.rating, values=[tr("All"), "1", "2", "3", "4", "5"], state="readonly", width=5
        ).pack(side="left", padx=(4, 10))
        for label, variable in ((tr("From (YYYY-MM-DD)"), self.date_from), (tr("To (YYYY-MM-DD)"), self.date_to)):
            ttk.Label(bar, text=label).pack(side="left")
            ttk.Entry(bar, textvariable=variable, width=11).pack(side="left", padx=(4, 10))
        self.apply_button = ttk.Button(bar, text=tr("Apply filters"), command=self.apply_filters)
        self.apply_button.pack(side="left")
        self.export_button = ttk.Button(bar, text=tr("Export CSV…"), command=self.ask_export)
        self.export_button.pack(side="right")
        self.add_button = ttk.Button(bar, text=tr("Add survey…"), command=self.open_add_form)
        self.add_button.pack(side="right", padx=6)
        self.table = SortableTable(
            self,
            tr=tr,
            sort="-created_at",
            on_change=self.reload,
            columns=[
                Column("id", tr("No."), 60, lambda s: s["id"]),
                Column("created_at", tr("Date"), 140, lambda s: short_time(s["created_at"])),
                Column("client", tr("Client"), 190, lambda s: s["client"]["full_name"]),
                Column("client_email", tr("E-mail"), 170, lambda s: s["client"]["email"]),
                Column("kind", tr("Kind"), 120, lambda s: tr(KIND_LABELS.get(s["kind"], s["kind_label"]))),
                Column("rating", tr("Rating"), 60, lambda s: s["rating"]),
                Column("source", tr("Source"), 150, lambda s: tr(SOURCE_LABELS.get(s["source"], s["source_label"]))),
                Column("text", tr("Text"), 230, lambda s: s["text"]),
                Column("suggestions", tr("Suggestions"), 200, lambda s: s["suggestions"]),
            ],
        )
        self.table.pack(fill="both", expand=True)
        self.filters: dict = {}

    def apply_filters(self) -> None:
        try:
            period = period_filters(self.date_from.get(), self.date_to.get())
        except ValueError:
            self.app.main_frame.say(self.app.tr("Dates are written as YYYY-MM-DD, for example 2024-03-31."), error=True)
            return
        rating = self.rating.get()
        self.filters = {
            "kind": self.kind_names.get(self.kind.get()),
            "rating": rating if rating.isdigit() else None,
            **period,
        }
        self.table.page = 1
        self.reload()

    def query(self) -> dict:
        return {**self.filters, "sort": self.table.sort}

    def reload(self) -> None:
        self.app.call("surveys", **self.query(), page=self.table.page, page_size=50, on_success=self.table.show)

    def open_add_form(self) -> AddSurveyForm:
        return AddSurveyForm(self)

    def ask_export(self) -> None:
        path = filedialog.asksaveasfilename(defaultextension=".csv", filetypes=[("CSV", "*.csv")])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Every survey that the filters select, in the table's order, as CSV that spreadsheet programs open."""

        def write(rows: list[dict]) -> None:
            with path.open("w", newline="", encoding="utf-8-sig") as file:
                writer = csv.writer(file)
                writer.writerow(CSV_COLUMNS)
                writer.writerows(csv_row(row) for row in rows)
            self.app.main_frame.say(self.app.tr("Exported {count} surveys to {path}.", count=len(rows), path=path))

        self.app.call("all_surveys", **self.query(), on_success=write)


class AddSurveyForm(TabDialog):
    """A survey taken down on a client's behalf; checked here before it is sent, then by the server."""

    def __init__(self, tab: SurveysTab) -> None:
        tr = tab.app.tr
        super().__init__(tab, title=tr("New survey"))
        self.client, self.rating = tk.StringVar(), tk.StringVar()
        self.kind_names = {tr(KIND_LABELS[kind]): kind for kind in ON_BEHALF_KINDS}
        self.kind = tk.StringVar()
        self.source = tk.StringVar(value="phone")
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Client's e-mail or number")).grid(row=0, column=0, sticky="w", pady=3)
        ttk.Entry(body, textvariable=self.client, width=40).grid(row=0, column=1, sticky="ew")
        ttk.Label(body, text=tr("Kind")).grid(row=1, column=0, sticky="w", pady=3)
        ttk.Combobox(body, textvariable=self.kind, values=list(self.kind_names), state="readonly").grid(
            row=1, column=1, sticky="ew"
        )
        ttk.Label(body, text=tr("Rating")).grid(row=2, column=0, sticky="w", pady=3)
        ttk.Combobox(body, textvariable=self.rating, values=["1", "2", "3", "4", "5"], state="readonly", width=5).grid(
            row=2, column=1, sticky="w"
        )
        ttk.Label(body, text=tr("It came from")).grid(row=3, column=0, sticky="w", pady=3)
        sources = ttk.Frame(body)
        sources.grid(row=3, column=1, sticky="w")
        for value, label in (("phone", tr("phone call")), ("desktop", tr("product manager"))):
            ttk.Radiobutton(sources, text=label, value=value, variable=self.source).pack(side="left", padx=(0, 10))
        ttk.Label(body, text=tr("Text")).grid(row=4, column=0, sticky="nw", pady=3)
        self.text = tk.Text(body, width=50, height=6, wrap="word")
        self.text.grid(row=4, column=1, sticky="ew")
        ttk.Label(body, text=tr("Suggestions")).grid(row=5, column=0, sticky="nw", pady=3)
        self.suggestions = tk.Text(body, width=50, height=3, wrap="word")
        self.suggestions.grid(row=5, column=1, sticky="ew")
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=420, justify="left")
        self.message.grid(row=6, column=0, columnspan=2, sticky="w", pady=6)
        buttons = ttk.Frame(body)
        buttons.grid(row=7, column=0, columnspan=2, sticky="e")
        self.save_button = ttk.Button(buttons, text=tr("Save"), command=self.save)
        self.save_button.pack(side="right")
        ttk.Button(buttons, text=tr("Cancel"), command=self.destroy).pack(side="right", padx=6)

    def fields(self) -> dict:
        """What the form holds, as the API wants it; ValueError with every problem found."""
        tr = self.app.tr
        problems = []
        fields: dict = {"source": self.source.get()}
        client = self.client.get().strip()
        if not client:
            problems.append(tr("Say which client answered: their e-mail or number."))
        elif client.isdigit():
            fields["client_id"] = int(client)
        elif EMAIL.fullmatch(client):
            fields["client_email"] = client
        else:
            problems.append(tr("This is neither an e-mail address nor a client number."))
        if self.kind.get() not in self.kind_names:
            problems.append(tr("Choose the kind of request."))
        else:
            fields["kind"] = self.kind_names[self.kind.get()]
        if self.rating.get() not in {"1", "2", "3", "4", "5"}:
            problems.append(tr("Choose a rating from 1 to 5."))
        else:
            fields["rating"] = int(self.rating.get())
        for name, widget in (("text", self.text), ("suggestions", self.suggestions)):
            fields[name] = widget.get("1.0", "end").strip()
            if len(fields[name]) > TEXT_LIMIT:
                problems.append(f"{tr(name.capitalize())}: {tr('At most {limit} characters.', limit=TEXT_LIMIT)}")
        if problems:
            raise ValueError("\n".join(problems))
        return fields

    def save(self) -> None:
        self.send(
            "add_survey",
            button=self.save_button,
            announce=lambda survey: self.app.tr("Survey No. {number} saved.", number=survey["id"]),
        )
