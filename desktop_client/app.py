"""The program's windows: sign-in first, then the surveys, statistics and news tabs."""

from __future__ import annotations

import argparse
import gc
import os
import tkinter as tk
from tkinter import filedialog, ttk

from desktop_client.api import ApiClient, ApiProblem, SessionExpired
from desktop_client.background import Background
from desktop_client.i18n import Translator, choose_language
from desktop_client.style import ERROR_COLOUR, apply_style

__all__ = ["ERROR_COLOUR", "Application", "main"]


def release_widgets() -> None:
    """Free destroyed widgets here, in Tk's thread: the collector may otherwise run in a worker thread, where
    tkinter cannot delete their variables."""
    gc.collect()


class Application:
    """One Tk root; shows the sign-in frame, or the main frame once signed in."""

    def __init__(self, root: tk.Tk, *, tr: Translator, server: str = "", ca_bundle: str = "") -> None:
        self.root, self.tr = root, tr
        self.background = Background(root)
        self.client: ApiClient | None = None
        apply_style(root)
        root.title(tr("Telemarketing centre — product manager"))
        root.geometry("1180x760")
        root.minsize(900, 600)
        self.sign_in_frame = SignInFrame(self, server=server, ca_bundle=ca_bundle)
        self.main_frame: MainFrame | None = None
        self.sign_in_frame.pack(fill="both", expand=True)
        root.protocol("WM_DELETE_WINDOW", self.close)

    def close(self) -> None:
        self.background.stop()
        self.root.destroy()
        release_widgets()

    def signed_in(self, client: ApiClient, answer: dict) -> None:
        self.client = client
        self.sign_in_frame.pack_forget()
        self.main_frame = MainFrame(self, account=answer["account"])
        self.main_frame.pack(fill="both", expand=True)

    def sign_out(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            self.background.run(client.sign_out, lambda _answer: None, lambda _error: None)
        self.back_to_sign_in()

    def back_to_sign_in(self, message: str = "") -> None:
        if self.main_frame is not None:
            self.main_frame.destroy()
            self.main_frame = None
            self.root.configure(menu="")
            release_widgets()
        self.sign_in_frame.password.set("")
        self.sign_in_frame.code.set("")
        self.sign_in_frame.message.configure(text=message)
        self.sign_in_frame.pack(fill="both", expand=True)

    def call(self, method_name: str, *args, on_success, on_failure=None, **kwargs) -> None:
        """Call the API in the background; an expired session returns to the sign-in window."""
        client = self.client
        if client is None:
            return
        main_frame = self.main_frame
        if main_frame is not None:
            main_frame.show_activity(+1)

        def finished() -> None:
            if main_frame is not None and main_frame.winfo_exists():
                main_frame.show_activity(-1)

        def succeeded(answer) -> None:
            finished()
            on_success(answer)

        def failed(error: Exception) -> None:
            finished()
            if isinstance(error, SessionExpired):
                self.back_to_sign_in(error.message)
                return
            if not isinstance(error, ApiProblem):
                error = ApiProblem(str(error))
            if on_failure is not None:
                on_failure(error)
            if main_frame is not None and main_frame.winfo_exists():
                main_frame.say(error.message, error=True)

        self.background.run(lambda: getattr(client, method_name)(*args, **kwargs), succeeded, failed)


class SignInFrame(ttk.Frame):
    def __init__(self, app: Application, *, server: str, ca_bundle: str) -> None:
        super().__init__(app.root, padding=40)
        self.app, tr = app, app.tr
        self.server, self.username, self.password = tk.StringVar(value=server), tk.StringVar(), tk.StringVar()
        self.ca_bundle = tk.StringVar(value=ca_bundle)
        self.code = tk.StringVar()  # only for a login with two-factor sign-in
        box = ttk.Frame(self)
        box.place(relx=0.5, rely=0.4, anchor="center")
        ttk.Label(box, text=tr("Telemarketing centre — product manager"), font=("TkDefaultFont", 14, "bold")).grid(
            row=0, column=0, columnspan=3, pady=(0, 16)
        )
        fields = [
            (tr("Server address"), self.server, {}),
            (tr("Username"), self.username, {}),
            (tr("Password"), self.password, {"show": "•"}),
            (tr("Confirmation code (if you have one)"), self.code, {}),
            (tr("CA bundle (optional)"), self.ca_bundle, {}),
        ]
        self.entries = []
        for row, (label, variable, options) in enumerate(fields, start=1):
            ttk.Label(box, text=label).grid(row=row, column=0, sticky="w", pady=4, padx=(0, 8))
            entry = ttk.Entry(box, textvariable=variable, width=40, **options)
            entry.grid(row=row, column=1, sticky="ew", pady=4)
            self.entries.append(entry)
        last = len(fields)
        ttk.Button(box, text=tr("Choose…"), command=self.choose_ca_bundle).grid(row=last, column=2, padx=(6, 0))
        self.button = ttk.Button(box, text=tr("Sign in"), command=self.sign_in, style="Accent.TButton")
        self.button.grid(row=last + 1, column=1, sticky="e", pady=(12, 4))
        self.message = ttk.Label(box, text="", foreground=ERROR_COLOUR, wraplength=460, justify="left")
        self.message.grid(row=last + 2, column=0, columnspan=3, sticky="w")
        for entry in self.entries:
            entry.bind("<Return>", lambda _event: self.sign_in())

    def choose_ca_bundle(self) -> None:
        path = filedialog.askopenfilename(filetypes=[("PEM", "*.pem *.crt"), ("*", "*")])
        if path:
            self.ca_bundle.set(path)

    def sign_in(self) -> None:
        tr = self.app.tr
        if not self.username.get().strip() or not self.password.get():
            self.message.configure(text=tr("Enter your username and password."))
            return
        try:
            client = ApiClient(self.server.get(), tr=tr, ca_bundle=self.ca_bundle.get().strip() or None)
        except ApiProblem as problem:
            self.message.configure(text=problem.message)
            return
        self.message.configure(text=tr("Signing in…"), foreground="")
        self.button.state(["disabled"])
        username, password, code = self.username.get().strip(), self.password.get(), self.code.get().strip()

        def succeeded(answer: dict) -> None:
            self.button.state(["!disabled"])
            self.message.configure(text="", foreground=ERROR_COLOUR)
            self.app.signed_in(client, answer)

        def failed(error: Exception) -> None:
            self.button.state(["!disabled"])
            self.message.configure(text=getattr(error, "message", str(error)), foreground=ERROR_COLOUR)

        self.app.background.run(lambda: client.sign_in(username, password, code), succeeded, failed)


class MainFrame(ttk.Frame):
    def __init__(self, app: Application, *, account: dict) -> None:
        from desktop_client.news import NewsTab
        from desktop_client.statistics import StatisticsTab
        from desktop_client.surveys import SurveysTab

        super().__init__(app.root, padding=8)
        self.app, tr = app, app.tr
        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Label(top, text=tr("Signed in as {name}", name=account["full_name"])).pack(side="left")
        self.sign_out_button = ttk.Button(top, text=tr("Sign out"), command=app.sign_out)
        self.sign_out_button.pack(side="right")
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=6)
        bottom = ttk.Frame(self)
        bottom.pack(fill="x")
        self.activity = ttk.Label(bottom, text="", anchor="e", width=14)
        self.activity.pack(side="right")
        self.status = ttk.Label(bottom, text="", anchor="w")
        self.status.pack(side="left", fill="x", expand=True)
        self.calls_under_way = 0
        self.surveys = SurveysTab(self.notebook, app)
        self.statistics = StatisticsTab(self.notebook, app)
        self.news = NewsTab(self.notebook, app)
        self.notebook.add(self.surveys, text=tr("Surveys"))
        self.notebook.add(self.statistics, text=tr("Statistics"))
        self.notebook.add(self.news, text=tr("News"))
        self.surveys.reload()
        self.notebook.bind("<<NotebookTabChanged>>", self.tab_changed)
        self.shortcuts = self.add_shortcuts()

    def add_shortcuts(self) -> dict[str, str]:
        """The main actions from the keyboard, also listed with their keys in the window's menu."""
        tr, root = self.app.tr, self.app.root
        actions = [
            (tr("New…"), "Ctrl+N", ("<Control-n>", "<Control-N>"), lambda: self.act("create")),
            (tr("Export CSV…"), "Ctrl+E", ("<Control-e>",), lambda: self.act("export", "csv")),
            (tr("Export XLSX…"), "Ctrl+Shift+E", ("<Control-E>",), lambda: self.act("export", "xlsx")),
            (tr("Refresh"), "F5", ("<F5>",), lambda: self.current().reload()),
        ]
        for number, tab in enumerate((self.surveys, self.statistics, self.news), start=1):
            actions.append((self.notebook.tab(tab, "text"), f"Ctrl+{number}", (f"<Control-Key-{number}>",),
                            lambda tab=tab: self.notebook.select(tab)))  # fmt: skip
        menubar = tk.Menu(root)
        menu = tk.Menu(menubar, tearoff=False)
        menubar.add_cascade(label=tr("Actions"), menu=menu)
        for label, keys, events, command in actions:
            menu.add_command(label=label, accelerator=keys, command=command)
            for event in events:
                self.bind_all(event, lambda _event, command=command: (command(), "break")[1])
        menu.add_separator()
        menu.add_command(label=tr("Sign out"), command=self.app.sign_out)
        root.configure(menu=menubar)
        return {keys: label for label, keys, _events, _command in actions}

    def destroy(self) -> None:
        for event in ("<Control-n>", "<Control-N>", "<Control-e>", "<Control-E>", "<F5>",
                      "<Control-Key-1>", "<Control-Key-2>", "<Control-Key-3>"):  # fmt: skip
            self.unbind_all(event)
        super().destroy()

    def current(self):
        return self.notebook.nametowidget(self.notebook.select())

    def act(self, action: str, *args) -> None:
        """A shortcut's action on the open tab, if that tab has it (statistics have nothing to add)."""
        method = getattr(self.current(), action, None)
        if method is not None:
            method(*args)

    def tab_changed(self, _event=None) -> None:
        self.current().reload()

    def show_activity(self, change: int) -> None:
        """A "Loading…" sign while calls are under way; the window itself stays usable."""
        self.calls_under_way += change
        self.activity.configure(text=self.app.tr("Loading…") if self.calls_under_way else "")

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.configure(text=text, foreground=ERROR_COLOUR if error else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="telemarketing-desktop", description="Product managers' desktop program")
    parser.add_argument("--server", default=os.environ.get("TELEMARKETING_SERVER", ""), help="https://bank.example")
    parser.add_argument("--ca-bundle", default=os.environ.get("TELEMARKETING_CA_BUNDLE", ""), help="PEM file of CAs")
    parser.add_argument("--lang", choices=["ru", "en"], help="interface language (default: the computer's)")
    arguments = parser.parse_args(argv)
    try:
        root = tk.Tk()
    except tk.TclError as error:  # no screen: say so in one line, not a traceback
        message = f"telemarketing-desktop: cannot open a window ({error}); run it on a desktop or under Xvfb."
        raise SystemExit(message) from None
    Application(
        root, tr=Translator(choose_language(arguments.lang)), server=arguments.server, ca_bundle=arguments.ca_bundle
    )
    root.mainloop()
