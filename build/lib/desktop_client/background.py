"""Calls to the server run in worker threads so that the window never freezes; their results come back to Tk's
own thread through a queue that the window polls with ``after`` (Tk must only be touched from its thread)."""

from __future__ import annotations

import itertools
import queue
import threading
import tkinter as tk
from collections.abc import Callable
from typing import Any

POLL_MILLISECONDS = 40


class Background:
    def __init__(self, root: tk.Misc) -> None:
        self.root = root
        self.finished: queue.Queue = queue.Queue()
        self._callbacks: dict[int, tuple[Callable, Callable]] = {}
        self._job_numbers = itertools.count()
        self._next_poll: str | None = None
        self._poll()

    def run(
        self,
        call: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        # The callbacks stay with this thread: the worker holds no widget, so none is ever freed outside Tk's thread.
        job = next(self._job_numbers)
        self._callbacks[job] = (on_success, on_failure)

        def work() -> None:
            try:
                self.finished.put((job, True, call()))
            except Exception as error:
                self.finished.put((job, False, error))

        threading.Thread(target=work, daemon=True).start()

    def _poll(self) -> None:
        try:
            self._next_poll = self.root.after(POLL_MILLISECONDS, self._poll)
        except tk.TclError:  # the window was closed: nobody is waiting any more
            return
        while True:
            try:
                job, succeeded, value = self.finished.get_nowait()
            except queue.Empty:
                return
            on_success, on_failure = self._callbacks.pop(job)
            (on_success if succeeded else on_failure)(value)

    def stop(self) -> None:
        """Before the window closes: answers still on their way are dropped."""
        if self._next_poll is not None:
            self.root.after_cancel(self._next_poll)
            self._next_poll = None

    @property
    def idle(self) -> bool:
        return not self._callbacks
