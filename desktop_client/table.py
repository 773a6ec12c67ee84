"""A ttk.Treeview that sorts on the server when a column header is clicked, with a pager below it."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk

from desktop_client.i18n import Translator


@dataclass(frozen=True)
class Column:
    key: str  # the API's sort key
    heading: str
    width: int
    value: Callable[[dict], object]


class SortableTable(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        *,
        tr: Translator,
        columns: list[Column],
        sort: str,
        on_change: Callable[[], None],
        on_open: Callable[[dict], None] | None = None,
        tree: bool = False,
    ) -> None:
        super().__init__(master)
        self.tr, self.columns, self.sort, self.on_change = tr, columns, sort, on_change
        self.page, self.pages, self.rows = 1, 1, {}
        self.tree = ttk.Treeview(
            self, columns=[c.key for c in columns], show="tree headings" if tree else "headings", selectmode="browse"
        )
        self.tree.column("#0", width=28 if tree else 0, stretch=False)
        if on_open is not None:
            for event in ("<Double-1>", "<Return>"):
                self.tree.bind(event, lambda _event: self._open(on_open))
        for column in columns:
            self.tree.heading(column.key, command=lambda key=column.key: self.sort_by(key))
            self.tree.column(column.key, width=column.width, stretch=column.width >= 200)
        scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        sideways = ttk.Scrollbar(self, orient="horizontal", command=self.tree.xview)
        self.tree.configure(yscrollcommand=scrollbar.set, xscrollcommand=sideways.set)
        self.tree.grid(row=0, column=0, sticky="nsew")
        scrollbar.grid(row=0, column=1, sticky="ns")
        sideways.grid(row=1, column=0, sticky="ew")
        pager = ttk.Frame(self)
        pager.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        self.previous_button = ttk.Button(pager, text=tr("◀ Previous"), command=lambda: self.turn(-1))
        self.next_button = ttk.Button(pager, text=tr("Next ▶"), command=lambda: self.turn(1))
        self.page_label = ttk.Label(pager, text="")
        self.previous_button.pack(side="left")
        self.page_label.pack(side="left", padx=12)
        self.next_button.pack(side="left")
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        self._show_headings()

    def _open(self, on_open: Callable[[dict], None]) -> None:
        row = self.selected()
        if row is not None:
            on_open(row)

    def sort_by(self, key: str) -> None:
        """The first click sorts up, the next click on the same column sorts down."""
        self.sort = f"-{key}" if self.sort == key else key
        self.page = 1
        self._show_headings()
        self.on_change()

    def turn(self, step: int) -> None:
        page = self.page + step
        if 1 <= page <= self.pages:
            self.page = page
            self.on_change()

    def _show_headings(self) -> None:
        for column in self.columns:
            arrow = ""
            if self.sort == column.key:
                arrow = " ▲"
            elif self.sort == f"-{column.key}":
                arrow = " ▼"
            self.tree.heading(column.key, text=column.heading + arrow)

    def show(self, answer: dict) -> None:
        """Fill the table with one page of the API's answer."""
        self.tree.delete(*self.tree.get_children())
        self.rows = {}
        for row in answer["results"]:
            item = self.tree.insert("", "end", values=self.cells(row))
            self.rows[item] = row
        self.page, self.pages = answer["page"], answer["pages"]
        self.page_label.configure(
            text=self.tr(
                "Page {page} of {pages} · rows: {count}", page=self.page, pages=self.pages, count=answer["count"]
            )
        )
        self.previous_button.state(["!disabled"] if self.page > 1 else ["disabled"])
        self.next_button.state(["!disabled"] if self.page < self.pages else ["disabled"])

    def cells(self, row: dict) -> list[str]:
        return [_cell(column.value(row)) for column in self.columns]

    def column_values(self, key: str) -> list[str]:
        index = [c.key for c in self.columns].index(key)
        return [str(self.tree.item(item, "values")[index]) for item in self.tree.get_children()]

    def selected(self) -> dict | None:
        selection = self.tree.selection()
        return self.rows.get(selection[0]) if selection else None


def _cell(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())  # one line per row
