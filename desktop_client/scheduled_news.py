"""Scheduled news in the desktop program: the "publish later" date and time of the publish form, and the window
listing news that waits (or what became of it), where it can be withdrawn before it goes out."""

from __future__ import annotations

import datetime as dt
import re
import tkinter as tk
from tkinter import ttk

from desktop_client.datepicker import DateField
from desktop_client.dialog import TabDialog
from desktop_client.formats import moment
from desktop_client.i18n import Translator
from desktop_client.style import ERROR_COLOUR
from desktop_client.table import Column, SortableTable


class PublishTime(ttk.Frame):
    """ "Publish later" with a day (the date picker) and a time HH:MM, in this computer's time zone."""

    def __init__(self, master: tk.Misc, *, tr: Translator) -> None:
        super().__init__(master)
        self.tr = tr
        self.later = tk.BooleanVar(value=False)
        self.time = tk.StringVar(value="09:00")
        ttk.Checkbutton(self, text=tr("Publish later, at"), variable=self.later).pack(side="left")
        self.day = DateField(self, tr=tr)
        self.day.pack(side="left", padx=4)
        self.time_entry = ttk.Entry(self, textvariable=self.time, width=6)
        self.time_entry.pack(side="left")
        for widget in (self.day.entry, self.time_entry):
            widget.bind("<Key>", lambda _event: self.later.set(True), add="+")

    def value(self) -> dt.datetime | None:
        """None to publish now; the moment with this computer's offset; ValueError with what is wrong."""
        if not self.later.get():
            return None
        try:
            day = self.day.value()
        except ValueError:
            day = None
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", self.time.get().strip())
        if day is None or match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(self.tr("Give the day and the time (HH:MM) to publish at."))
        return dt.datetime(day.year, day.month, day.day, int(match[1]), int(match[2])).astimezone()


class ScheduledNewsWindow(TabDialog):
    """News that waits to be published, the soonest first; Withdraw takes the chosen one back before it goes."""

    def __init__(self, tab) -> None:
        tr = tab.app.tr
        super().__init__(tab, title=tr("Scheduled news"))
        language = tr.language
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        self.table = SortableTable(
            body,
            tr=tr,
            sort="publish_at",
            on_change=self.reload,
            columns=[
                Column("publish_at", tr("Publish at"), 150, lambda n: moment(n["publish_at"], language)),
                Column("title", tr("Title"), 230, lambda n: n["title"]),
                Column("status", tr("Status"), 150, lambda n: n["status_label"]),
                Column("published_to", tr("Recipients"), 110, lambda n: n["published_to"] or ""),
            ],
        )
        self.table.pack(fill="both", expand=True)
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=560, justify="left")
        self.message.pack(fill="x", pady=6)
        buttons = ttk.Frame(body)
        buttons.pack(fill="x")
        ttk.Button(buttons, text=tr("Close"), command=self.destroy).pack(side="right")
        self.withdraw_button = ttk.Button(buttons, text=tr("Withdraw before it goes"), command=self.withdraw)
        self.withdraw_button.pack(side="right", padx=6)
        self.reload()

    def reload(self) -> None:
        self.app.call("scheduled_news", page=self.table.page, on_success=self.show)

    def show(self, answer: dict) -> None:
        if self.winfo_exists():
            self.table.show(answer)

    def withdraw(self) -> None:
        chosen = self.table.selected()
        if chosen is None or chosen["status"] != "scheduled":
            self.message.configure(text=self.app.tr("Choose news that still waits."))
            return

        def done(answer: dict) -> None:
            self.app.main_frame.say(self.app.tr("Withdrawn before publication: “{title}”.", title=answer["title"]))
            if self.winfo_exists():
                self.message.configure(text="")
                self.reload()

        def refused(problem) -> None:
            if self.winfo_exists():
                self.message.configure(text=problem.explained())

        self.app.call("withdraw_scheduled_news", chosen["id"], on_success=done, on_failure=refused)
