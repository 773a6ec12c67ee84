"""The program's look (a flat ttk style over the built-in "clam" theme, nothing fetched at run time) and a
toolbar that wraps its controls onto further rows instead of clipping them when the window is narrow."""

from __future__ import annotations

import tkinter as tk
from tkinter import font, ttk

BACKGROUND, SURFACE, BORDER = "#f4f6f9", "#ffffff", "#c9d1dc"
TEXT, MUTED, ACCENT, ACCENT_DARK, SELECTED = "#1f2933", "#5b6776", "#2563b0", "#1d4f8f", "#dbe7f7"
ERROR_COLOUR = "#b00020"


def apply_style(root: tk.Tk) -> ttk.Style:
    style = ttk.Style(root)
    style.theme_use("clam")
    base = font.nametofont("TkDefaultFont")
    base.configure(size=10)
    font.nametofont("TkTextFont").configure(size=10)
    font.nametofont("TkHeadingFont").configure(size=10, weight="bold")
    row_height = base.metrics("linespace") + 10
    root.configure(background=BACKGROUND)
    root.option_add("*Text.font", "TkTextFont")
    root.option_add("*Text.relief", "flat")
    root.option_add("*Text.highlightThickness", 1)
    root.option_add("*Text.highlightColor", ACCENT)
    root.option_add("*Text.highlightBackground", BORDER)
    style.configure(".", background=BACKGROUND, foreground=TEXT, bordercolor=BORDER, focuscolor=ACCENT,
                    lightcolor=BACKGROUND, darkcolor=BACKGROUND, troughcolor="#e3e8ef", selectbackground=ACCENT,
                    selectforeground="#ffffff", fieldbackground=SURFACE)  # fmt: skip
    style.configure("TButton", padding=(10, 4), background="#e8edf3", relief="flat")
    style.map("TButton", background=[("disabled", "#eef1f5"), ("pressed", "#cfd8e3"), ("active", "#dde4ed")],
              foreground=[("disabled", "#9aa5b1")])  # fmt: skip
    style.configure("Accent.TButton", background=ACCENT, foreground="#ffffff", bordercolor=ACCENT_DARK)
    style.map("Accent.TButton", background=[("disabled", "#9db7da"), ("pressed", ACCENT_DARK), ("active", "#2d6fc4")])
    style.configure("Picker.TButton", padding=(2, 1))
    style.configure("Day.TButton", padding=(2, 2), background=SURFACE)
    style.configure("Today.TButton", padding=(2, 2), background=SELECTED)
    style.configure("TEntry", padding=(6, 3))
    style.configure("TCombobox", padding=(6, 3))
    style.map("TCombobox", fieldbackground=[("readonly", SURFACE)], selectbackground=[("readonly", SURFACE)],
              selectforeground=[("readonly", TEXT)])  # fmt: skip
    style.configure("Heading.TLabel", font="TkHeadingFont")
    style.configure("Muted.TLabel", foreground=MUTED)
    style.configure("Toolbar.TFrame", background=BACKGROUND)
    style.configure("Treeview", background=SURFACE, fieldbackground=SURFACE, rowheight=row_height, borderwidth=0)
    style.map("Treeview", background=[("selected", SELECTED)], foreground=[("selected", TEXT)])
    style.configure("Treeview.Heading", background="#e8edf3", padding=(6, 4), relief="flat", font="TkHeadingFont")
    style.map("Treeview.Heading", background=[("active", "#dde4ed")])
    style.configure("TNotebook", background=BACKGROUND, tabmargins=(8, 6, 8, 0))
    style.configure("TNotebook.Tab", padding=(16, 6), background="#e3e8ef")
    style.map("TNotebook.Tab", background=[("selected", SURFACE)], foreground=[("selected", ACCENT_DARK)])
    return style


class FlowBar(ttk.Frame):
    """Controls laid out left to right, continuing on a new row when the next one would not fit."""

    GAP = 8

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Toolbar.TFrame")
        self.items: list[tk.Widget] = []
        self.bind("<Configure>", lambda _event: self.layout())

    def add(self, widget: tk.Widget) -> tk.Widget:
        self.items.append(widget)
        self.after_idle(self.layout)
        return widget

    def labelled(self, label: str, make) -> tk.Widget:
        """A label and its control kept together on one row; ``make(parent)`` builds the control."""
        pair = ttk.Frame(self, style="Toolbar.TFrame")
        ttk.Label(pair, text=label).pack(side="left", padx=(0, 4))
        control = make(pair)
        control.pack(side="left")
        self.add(pair)
        return control

    def layout(self) -> None:
        if not self.winfo_exists():
            return
        width = max(self.winfo_width(), 1)
        x = y = row_height = 0
        for item in self.items:
            item_width, item_height = item.winfo_reqwidth(), item.winfo_reqheight()
            if x and x + item_width > width:
                x, y, row_height = 0, y + row_height + 4, 0
            item.place(x=x, y=y)
            x += item_width + self.GAP
            row_height = max(row_height, item_height)
        height = y + row_height
        if str(self.cget("height")) != str(height):
            self.configure(height=height)
