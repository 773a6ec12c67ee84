"""The window as a product manager sees it at 1280×800 and at the smallest size, 900×600: every toolbar control
is shown whole inside the window (never clipped, never pushed out), in English and in Russian."""

from __future__ import annotations

import tkinter as tk

import pytest

from tests.desktop.conftest import screenshot, settle, sign_in, wait_until

SIZES = [(1280, 800), (900, 600)]


def toolbar_controls(bar) -> list[tk.Widget]:
    """The buttons, fields and lists of a toolbar (labels only name them)."""
    controls, pending = [], list(bar.winfo_children())
    while pending:
        widget = pending.pop()
        pending.extend(widget.winfo_children())
        if widget.winfo_class() in ("TButton", "TEntry", "TCombobox", "TCheckbutton"):
            controls.append(widget)
    return controls


def hidden_or_clipped(app, bar) -> list[str]:
    """Each control that is not mapped or not wholly inside the window, with where it is."""
    root = app.root
    left, top = root.winfo_rootx(), root.winfo_rooty()
    right, bottom = left + root.winfo_width(), top + root.winfo_height()
    problems = []
    for control in toolbar_controls(bar):
        x, y = control.winfo_rootx(), control.winfo_rooty()
        width, height = control.winfo_width(), control.winfo_height()
        inside = left <= x and x + width <= right and top <= y and y + height <= bottom
        whole = width >= control.winfo_reqwidth() and height >= control.winfo_reqheight()
        if not (control.winfo_ismapped() and inside and whole):
            named = control.winfo_class() in ("TButton", "TCheckbutton")
            text = control.cget("text") if named else control.winfo_class()
            problems.append(f"{text!r} at {x - left},{y - top} {width}×{height}")
    return problems


def resize(app, width: int, height: int) -> None:
    app.root.geometry(f"{width}x{height}+0+0")
    wait_until(app, lambda: (app.root.winfo_width(), app.root.winfo_height()) == (width, height), what="the size")
    for _ in range(5):
        app.root.update()


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_toolbar_control_is_visible(display, server, language, width, height):
    from desktop_client.app import Application
    from desktop_client.i18n import Translator

    root = tk.Tk()
    try:
        app = Application(root, tr=Translator(language), server=server["url"])
        resize(app, width, height)
        sign_in(app)
        main = app.main_frame
        for tab in (main.surveys, main.statistics, main.news):
            main.notebook.select(tab)
            settle(app)
            resize(app, width, height)
            assert hidden_or_clipped(app, tab.bar) == [], f"{tab.__class__.__name__} at {width}×{height}"
            assert tab.table.winfo_ismapped() if hasattr(tab, "table") else tab.canvas.get_tk_widget().winfo_ismapped()
            screenshot(app, f"layout-{language}-{width}x{height}-{tab.__class__.__name__}")
    finally:
        root.destroy()


def test_a_control_pushed_out_of_the_window_is_caught(window):
    """The check above fails for a control that is not wholly in the window (so it can fail)."""
    sign_in(window)
    resize(window, 900, 600)
    bar = window.main_frame.surveys.bar
    assert hidden_or_clipped(window, bar) == []
    bar.items[-1].place(x=880, y=0)  # what a toolbar packed in one row does to its last buttons
    window.root.update()
    problems = hidden_or_clipped(window, bar)
    assert len(problems) == 1 and problems[0].startswith("'Export XLSX…' at ")
