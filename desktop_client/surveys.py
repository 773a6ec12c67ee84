"""The Surveys tab: a table sorted by the server when a header is clicked, filters, a survey opened in full,
a new-survey form, CSV and XLSX export."""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from desktop_client.app import ERROR_COLOUR, Application
from desktop_client.datepicker import DateField
from desktop_client.dialog import TabDialog
from desktop_client.formats import moment
from desktop_client.forms import EMAIL, bad_day_message, period_filters
from desktop_client.spreadsheet import write_table
from desktop_client.style import FlowBar
from desktop_client.table import Column, SortableTable

KINDS = ["question", "complaint", "suggestion", "thanks", "chat_rating", "nps", "csat"]
KIND_LABELS = {
    "question": "question",
    "complaint": "complaint",
    "suggestion": "suggestion",
    "thanks": "thanks",
    "chat_rating": "chat rating",
    "nps": "NPS (0–10)",
    "csat": "CSAT (1–5)",
}
SOURCE_LABELS = {"website": "website", "phone": "phone call", "chat": "chat", "desktop": "product manager"}
ON_BEHALF_KINDS = [*KINDS[:4], "nps", "csat"]


def scale(kind: str) -> list[str]:
    """The ratings a kind takes: 0–10 for NPS, 1–5 for the others (as the server's database insists)."""
    return [str(rating) for rating in (range(11) if kind == "nps" else range(1, 6))]


TEXT_LIMIT = 4000
CSV_COLUMNS = ["id", "created_at", "client", "client_email", "kind", "rating", "source", "text", "suggestions"]


def csv_row(survey: dict) -> list:
    client = survey["client"]
    return [
        survey["id"],
        survey["created_at"][:19].replace("T", " "),
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
        super().__init__(master, padding=8)
        self.app, tr = app, app.tr
        self.bar = bar = FlowBar(self)
        bar.pack(fill="x", pady=(0, 8))
        self.kind_names = {tr("All"): None} | {tr(KIND_LABELS[kind]): kind for kind in KINDS}
        self.source_names = {tr("All"): None} | {tr(label): source for source, label in SOURCE_LABELS.items()}
        self.kind, self.source = tk.StringVar(value=tr("All")), tk.StringVar(value=tr("All"))
        self.rating, self.client = tk.StringVar(value=tr("All")), tk.StringVar()
        choices = (
            (tr("Kind"), self.kind, list(self.kind_names), 14),
            (tr("Source"), self.source, list(self.source_names), 14),
            (tr("Rating"), self.rating, [tr("All"), *scale("nps")], 5),
        )
        for label, variable, values, width in choices:
            bar.labelled(label, lambda parent, v=variable, vs=values, w=width: ttk.Combobox(
                parent, textvariable=v, values=vs, state="readonly", width=w))  # fmt: skip
        self.client_entry = bar.labelled(tr("Client No."), lambda parent: ttk.Entry(parent, textvariable=self.client,
                                                                                     width=8))  # fmt: skip
        self.date_from = bar.labelled(tr("From"), lambda parent: DateField(parent, tr=tr))
        self.date_to = bar.labelled(tr("To"), lambda parent: DateField(parent, tr=tr))
        self.apply_button = bar.add(ttk.Button(bar, text=tr("Apply filters"), command=self.apply_filters))
        self.add_button = bar.add(
            ttk.Button(bar, text=tr("Add survey…"), command=self.open_add_form, style="Accent.TButton")
        )
        self.export_button = bar.add(ttk.Button(bar, text=tr("Export CSV…"), command=lambda: self.export("csv")))
        self.xlsx_button = bar.add(ttk.Button(bar, text=tr("Export XLSX…"), command=lambda: self.export("xlsx")))
        language = tr.language
        self.table = SortableTable(
            self,
            tr=tr,
            sort="-created_at",
            on_change=self.reload,
            on_open=self.open_survey,
            columns=[
                Column("id", tr("No."), 60, lambda s: s["id"]),
                Column("created_at", tr("Date"), 140, lambda s: moment(s["created_at"], language)),
                Column("client", tr("Client"), 190, lambda s: s["client"]["full_name"]),
                Column("client_email", tr("E-mail"), 170, lambda s: s["client"]["email"]),
                Column("kind", tr("Kind"), 110, lambda s: tr(KIND_LABELS.get(s["kind"], s["kind_label"]))),
                Column("rating", tr("Rating"), 76, lambda s: s["rating"]),
                Column("source", tr("Source"), 130, lambda s: tr(SOURCE_LABELS.get(s["source"], s["source_label"]))),
                Column("text", tr("Text"), 230, lambda s: s["text"]),
                Column("suggestions", tr("Suggestions"), 200, lambda s: s["suggestions"]),
            ],
        )
        self.table.pack(fill="both", expand=True)
        self.filters: dict = {}

    def apply_filters(self) -> None:
        tr = self.app.tr
        try:
            period = period_filters(self.date_from, self.date_to)
        except ValueError:
            self.app.main_frame.say(bad_day_message(tr), error=True)
            return
        client = self.client.get().strip()
        if client and not client.isdigit():
            self.app.main_frame.say(tr("The client number is a whole number, for example 42."), error=True)
            return
        rating = self.rating.get()
        self.filters = {
            "kind": self.kind_names.get(self.kind.get()),
            "source": self.source_names.get(self.source.get()),
            "client_id": client or None,
            "rating": rating if rating.isdigit() else None,
            **period,
        }
        self.table.page = 1
        self.reload()

    def query(self) -> dict:
        return {**self.filters, "sort": self.table.sort}

    def reload(self) -> None:
        self.app.call("surveys", **self.query(), page=self.table.page, page_size=50, on_success=self.table.show)

    def create(self) -> AddSurveyForm:
        return self.open_add_form()

    def open_add_form(self) -> AddSurveyForm:
        return AddSurveyForm(self)

    def open_survey(self, survey: dict) -> SurveyWindow:
        return SurveyWindow(self, survey)

    def export(self, kind: str) -> None:
        path = filedialog.asksaveasfilename(defaultextension=f".{kind}", filetypes=[(kind.upper(), f"*.{kind}")])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Every survey that the filters select, in the table's order, as CSV or XLSX (by the file's extension)."""

        def write(rows: list[dict]) -> None:
            write_table(path, CSV_COLUMNS, (csv_row(row) for row in rows), sheet=self.app.tr("Surveys"))
            self.app.main_frame.say(self.app.tr("Exported {count} surveys to {path}.", count=len(rows), path=path))

        self.app.call("all_surveys", **self.query(), on_success=write)


class SurveyWindow(tk.Toplevel):
    """One survey in full: its client, how and when it came, the whole text; and the client's other surveys."""

    def __init__(self, tab: SurveysTab, survey: dict) -> None:
        super().__init__(tab)
        self.app, tr, language = tab.app, tab.app.tr, tab.app.tr.language
        self.title(tr("Survey No. {number}", number=survey["id"]))
        self.transient(tab.winfo_toplevel())
        self.geometry("620x520")
        self.minsize(420, 360)
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        client = survey["client"]
        facts = [
            (tr("Client"), f"{client['full_name']} ({tr('No. {number}', number=client['id'])})"),
            (tr("E-mail"), client["email"]),
            (tr("Phone"), client["phone"] or "—"),
            (tr("Date"), moment(survey["created_at"], language)),
            (tr("Kind"), tr(KIND_LABELS.get(survey["kind"], survey["kind_label"]))),
            (tr("Rating"), f"{survey['rating']} / {scale(survey['kind'])[-1]}"),
            (tr("Source"), tr(SOURCE_LABELS.get(survey["source"], survey["source_label"]))),
        ]
        for row, (label, value) in enumerate(facts):
            ttk.Label(body, text=label, style="Muted.TLabel").grid(row=row, column=0, sticky="nw", padx=(0, 12))
            ttk.Label(body, text=value).grid(row=row, column=1, sticky="w")
        self.text = tk.Text(body, wrap="word", height=8)
        self.text.insert("1.0", survey["text"] or "—")
        if survey["suggestions"]:
            self.text.insert("end", f"\n\n{tr('Suggestions')}:\n{survey['suggestions']}")
        self.text.configure(state="disabled")
        self.text.grid(row=len(facts), column=0, columnspan=2, sticky="nsew", pady=8)
        self.history = ttk.Label(body, text=tr("Loading…"), style="Muted.TLabel", wraplength=560, justify="left")
        self.history.grid(row=len(facts) + 1, column=0, columnspan=2, sticky="w")
        ttk.Button(body, text=tr("Close"), command=self.destroy).grid(row=len(facts) + 2, column=1, sticky="e")
        body.columnconfigure(1, weight=1)
        body.rowconfigure(len(facts), weight=1)
        self.bind("<Escape>", lambda _event: self.destroy())
        self.app.call("surveys", client_id=client["id"], sort="-created_at", page_size=5, on_success=self.show_history)

    def show_history(self, answer: dict) -> None:
        if not self.winfo_exists():
            return
        tr, language = self.app.tr, self.app.tr.language
        lines = [tr("This client's surveys: {count}.", count=answer["count"])]
        lines += [
            f"{moment(row['created_at'], language)} · {tr(KIND_LABELS.get(row['kind'], row['kind_label']))} · "
            f"{row['rating']}/{scale(row['kind'])[-1]}"
            for row in answer["results"]
        ]
        self.history.configure(text="\n".join(lines))


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
        kinds = ttk.Combobox(body, textvariable=self.kind, values=list(self.kind_names), state="readonly")
        kinds.grid(row=1, column=1, sticky="ew")
        kinds.bind("<<ComboboxSelected>>", lambda _event: self.show_scale())
        ttk.Label(body, text=tr("Rating")).grid(row=2, column=0, sticky="w", pady=3)
        self.rating_box = ttk.Combobox(body, textvariable=self.rating, values=scale(""), state="readonly", width=5)
        self.rating_box.grid(row=2, column=1, sticky="w")
        ttk.Label(body, text=tr("Survey date")).grid(row=3, column=0, sticky="w", pady=3)
        self.taken_on = DateField(body, tr=tr, latest=dt.date.today())
        self.taken_on.choose(dt.date.today())
        self.taken_on.grid(row=3, column=1, sticky="w")
        ttk.Label(body, text=tr("It came from")).grid(row=4, column=0, sticky="w", pady=3)
        sources = ttk.Frame(body)
        sources.grid(row=4, column=1, sticky="w")
        for value, label in (("phone", tr("phone call")), ("desktop", tr("product manager"))):
            ttk.Radiobutton(sources, text=label, value=value, variable=self.source).pack(side="left", padx=(0, 10))
        ttk.Label(body, text=tr("Text")).grid(row=5, column=0, sticky="nw", pady=3)
        self.text = tk.Text(body, width=50, height=6, wrap="word")
        self.text.grid(row=5, column=1, sticky="ew")
        ttk.Label(body, text=tr("Suggestions")).grid(row=6, column=0, sticky="nw", pady=3)
        self.suggestions = tk.Text(body, width=50, height=3, wrap="word")
        self.suggestions.grid(row=6, column=1, sticky="ew")
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=420, justify="left")
        self.message.grid(row=7, column=0, columnspan=2, sticky="w", pady=6)
        buttons = ttk.Frame(body)
        buttons.grid(row=8, column=0, columnspan=2, sticky="e")
        self.save_button = ttk.Button(buttons, text=tr("Save"), command=self.save, style="Accent.TButton")
        self.save_button.pack(side="right")
        ttk.Button(buttons, text=tr("Cancel"), command=self.destroy).pack(side="right", padx=6)

    def show_scale(self) -> None:
        ratings = scale(self.kind_names.get(self.kind.get(), ""))
        self.rating_box.configure(values=ratings)
        if self.rating.get() not in ratings:
            self.rating.set("")

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
        ratings = scale(fields.get("kind", ""))
        if self.rating.get() not in ratings:
            problems.append(tr("Choose a rating from {lowest} to {highest}.", lowest=ratings[0], highest=ratings[-1]))
        else:
            fields["rating"] = int(self.rating.get())
        for name, widget in (("text", self.text), ("suggestions", self.suggestions)):
            fields[name] = widget.get("1.0", "end").strip()
            if len(fields[name]) > TEXT_LIMIT:
                problems.append(f"{tr(name.capitalize())}: {tr('At most {limit} characters.', limit=TEXT_LIMIT)}")
        try:
            taken_on = self.taken_on.value()
        except ValueError:
            problems.append(bad_day_message(tr))
        else:
            if taken_on is None:
                problems.append(tr("Choose the day of the survey."))
            elif taken_on > dt.date.today():
                problems.append(tr("The survey's date cannot be in the future."))
            else:
                fields["taken_on"] = taken_on.isoformat()
        if problems:
            raise ValueError("\n".join(problems))
        return fields

    def save(self) -> None:
        self.send(
            "add_survey",
            button=self.save_button,
            announce=lambda survey: self.app.tr("Survey No. {number} saved.", number=survey["id"]),
        )
