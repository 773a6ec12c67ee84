"""A form window opened from a tab: checked here first, then sent; the server's refusal stays in it."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from desktop_client.app import release_widgets


class TabDialog(tk.Toplevel):
    """Subclasses build their widgets, set ``self.message`` (a label for problems) and define ``fields()``,
    which returns what to send or raises ValueError with the problems found."""

    message: ttk.Label

    def __init__(self, tab, *, title: str) -> None:
        super().__init__(tab)
        self.tab, self.app = tab, tab.app
        self.title(title)
        self.transient(tab.winfo_toplevel())

    def destroy(self) -> None:
        super().destroy()
        release_widgets()  # its widgets' variables are freed now, in Tk's thread, not by a worker's collection

    def fields(self) -> dict:
        raise NotImplementedError

    def send(self, operation: str, *, button: ttk.Button, announce: Callable[[dict], str]) -> None:
        try:
            fields = self.fields()
        except ValueError as problems:
            self.message.configure(text=str(problems))
            return
        button.state(["disabled"])

        def succeeded(answer: dict) -> None:
            self.app.main_frame.say(announce(answer))
            self.destroy()
            self.tab.reload()

        def refused(problem) -> None:
            if self.winfo_exists():
                button.state(["!disabled"])
                self.message.configure(text=problem.explained())

        self.app.call(operation, **fields, on_success=succeeded, on_failure=refused)
