"""A date field: typed in the reader's format, or picked from a month calendar (Alt+↓ or the ▾ button)."""

from __future__ import annotations

import calendar
import datetime as dt
import tkinter as tk
from tkinter import ttk

from desktop_client.formats import day, parse_day
from desktop_client.i18n import Translator

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
WEEKDAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


class DateField(ttk.Frame):
    """``get()``/``set()`` hold the text as typed; ``value()`` is the day, None, or ValueError."""

    def __init__(self, master: tk.Misc, *, tr: Translator, latest: dt.date | None = None, width: int = 11) -> None:
        super().__init__(master)
        self.tr, self.latest = tr, latest
        self.text = tk.StringVar()
        self.entry = ttk.Entry(self, textvariable=self.text, width=width)
        self.entry.pack(side="left")
        self.button = ttk.Button(self, text="▾", width=2, command=self.open_calendar, style="Picker.TButton")
        self.button.pack(side="left", padx=(2, 0))
        self.entry.bind("<Alt-Down>", lambda _event: self.open_calendar())
        self.calendar: Calendar | None = None

    def get(self) -> str:
        return self.text.get()

    def set(self, text: str) -> None:
        self.text.set(text)

    def value(self) -> dt.date | None:
        return parse_day(self.text.get())

    def iso(self) -> str | None:
        chosen = self.value()
        return chosen.isoformat() if chosen else None

    def choose(self, chosen: dt.date) -> None:
        self.text.set(day(chosen, self.tr.language))

    def open_calendar(self) -> Calendar:
        if self.calendar is not None and self.calendar.winfo_exists():
            self.calendar.destroy()
        try:
            shown = self.value() or dt.date.today()
        except ValueError:
            shown = dt.date.today()
        self.calendar = Calendar(self, shown=shown)
        return self.calendar


class Calendar(tk.Toplevel):
    """One month of days under the field; a click (or Enter on a day) puts the day in the field."""

    def __init__(self, field: DateField, *, shown: dt.date) -> None:
        super().__init__(field)
        self.field, self.tr = field, field.tr
        self.title(self.tr("Choose a day"))
        self.transient(field.winfo_toplevel())
        self.resizable(False, False)
        self.geometry(f"+{field.winfo_rootx()}+{field.winfo_rooty() + field.winfo_height()}")
        self.month = shown.replace(day=1)
        self.selected = shown
        head = ttk.Frame(self, padding=(6, 6, 6, 0))
        head.pack(fill="x")
        ttk.Button(head, text="◀", width=3, command=lambda: self.turn(-1)).pack(side="left")
        self.heading = ttk.Label(head, anchor="center", style="Heading.TLabel")
        self.heading.pack(side="left", fill="x", expand=True)
        ttk.Button(head, text="▶", width=3, command=lambda: self.turn(1)).pack(side="right")
        self.grid_frame = ttk.Frame(self, padding=6)
        self.grid_frame.pack()
        self.day_buttons: dict[dt.date, ttk.Button] = {}
        self.bind("<Escape>", lambda _event: self.destroy())
        self.draw()

    def turn(self, months: int) -> None:
        index = self.month.year * 12 + self.month.month - 1 + months
        self.month = dt.date(index // 12, index % 12 + 1, 1)
        self.draw()

    def draw(self) -> None:
        for child in self.grid_frame.winfo_children():
            child.destroy()
        self.heading.configure(text=f"{self.tr(MONTHS[self.month.month - 1])} {self.month.year}")
        for column, name in enumerate(WEEKDAYS):
            ttk.Label(self.grid_frame, text=self.tr(name), anchor="center", width=4).grid(row=0, column=column)
        self.day_buttons = {}
        weeks = calendar.Calendar().monthdatescalendar(self.month.year, self.month.month)
        for row, week in enumerate(weeks, start=1):
            for column, date in enumerate(week):
                if date.month != self.month.month:
                    continue
                button = ttk.Button(
                    self.grid_frame,
                    text=str(date.day),
                    width=3,
                    style="Today.TButton" if date == dt.date.today() else "Day.TButton",
                    command=lambda date=date: self.pick(date),
                )
                if self.field.latest is not None and date > self.field.latest:
                    button.state(["disabled"])  # e.g. a survey's day cannot be in the future
                button.grid(row=row, column=column, padx=1, pady=1)
                self.day_buttons[date] = button
        if self.selected in self.day_buttons:
            self.day_buttons[self.selected].focus_set()

    def pick(self, date: dt.date) -> None:
        self.field.choose(date)
        self.destroy()
        self.field.entry.focus_set()
