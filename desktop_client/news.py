"""The News tab: one row per piece of news with its recipients, sorted by the server; filters; the publish form
with its audience counted before publishing; correction and withdrawal of a piece of news or of one login's copy."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from desktop_client.app import ERROR_COLOUR, Application, release_widgets
from desktop_client.datepicker import DateField
from desktop_client.dialog import TabDialog
from desktop_client.formats import moment
from desktop_client.forms import bad_day_message, period_filters
from desktop_client.scheduled_news import PublishTime, ScheduledNewsWindow
from desktop_client.style import FlowBar
from desktop_client.table import Column, SortableTable

TITLE_LIMIT, BODY_LIMIT = 200, 10_000


class NewsTab(ttk.Frame):
    """One row per piece of news (everyone who got the same title and text); ▸ opens it to its recipients."""

    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master, padding=8)
        self.app, tr = app, app.tr
        self.bar = bar = FlowBar(self)
        bar.pack(fill="x", pady=(0, 8))
        self.words = tk.StringVar()
        self.states = {tr("All"): None, tr("Visible"): "false", tr("Withdrawn"): "true"}
        self.state = tk.StringVar(value=tr("All"))
        bar.labelled(tr("Words"), lambda parent: ttk.Entry(parent, textvariable=self.words, width=16))
        bar.labelled(tr("Status"), lambda parent: ttk.Combobox(
            parent, textvariable=self.state, values=list(self.states), state="readonly", width=10))  # fmt: skip
        self.date_from = bar.labelled(tr("From"), lambda parent: DateField(parent, tr=tr))
        self.date_to = bar.labelled(tr("To"), lambda parent: DateField(parent, tr=tr))
        self.apply_button = bar.add(ttk.Button(bar, text=tr("Apply filters"), command=self.apply_filters))
        self.publish_button = bar.add(
            ttk.Button(bar, text=tr("Publish…"), command=self.open_publish_form, style="Accent.TButton")
        )
        self.edit_button = bar.add(ttk.Button(bar, text=tr("Edit…"), command=self.open_edit_form))
        self.withdraw_button = bar.add(ttk.Button(bar, text=tr("Withdraw"), command=self.ask_withdraw))
        self.scheduled_button = bar.add(ttk.Button(bar, text=tr("Scheduled…"), command=self.open_scheduled))
        language = tr.language
        self.table = SortableTable(
            self,
            tr=tr,
            sort="-published_at",
            on_change=self.reload,
            tree=True,
            columns=[
                Column("id", tr("No."), 60, lambda n: n["id"]),
                Column("published_at", tr("Published"), 140, lambda n: moment(n["published_at"], language)),
                Column("title", tr("Title"), 260, lambda n: n["title"]),
                Column("recipients", tr("Recipients"), 100, lambda n: n["recipients"]),
                Column("withdrawn", tr("Withdrawn"), 140, lambda n: n["withdrawn"]),
                Column("body", tr("Text"), 300, lambda n: n["body"]),
            ],
        )
        self.table.pack(fill="both", expand=True)
        self.table.tree.bind("<<TreeviewOpen>>", lambda _event: self.expand(self.table.tree.focus()))
        self.filters: dict = {}
        self.copies: dict[str, dict] = {}  # the tree's rows of one login's copy, by item

    def apply_filters(self) -> None:
        try:
            period = period_filters(self.date_from, self.date_to)
        except ValueError:
            self.app.main_frame.say(bad_day_message(self.app.tr), error=True)
            return
        self.filters = {"q": self.words.get().strip(), "withdrawn": self.states.get(self.state.get()), **period}
        self.table.page = 1
        self.reload()

    def reload(self) -> None:
        self.app.call(
            "news_items", **self.filters, sort=self.table.sort, page=self.table.page, page_size=50, on_success=self.show
        )

    def show(self, answer: dict) -> None:
        self.copies = {}
        self.table.show(answer)
        for item in self.table.rows:
            self.table.tree.insert(item, "end", values=[self.app.tr("Loading…")])  # so that ▸ shows

    def expand(self, item: str) -> None:
        """A piece of news opened: its recipients, one row per login, fetched when first opened."""
        news = self.table.rows.get(item)
        children = self.table.tree.get_children(item)
        if news is None or any(child in self.copies for child in children):
            return

        def show_copies(copies: list[dict]) -> None:
            if not self.table.tree.exists(item):
                return
            self.table.tree.delete(*self.table.tree.get_children(item))
            language = self.app.tr.language
            for copy in copies:
                account = copy["account"]
                login = f"{account['full_name']} ({account['username']})"
                withdrawn = moment(copy["withdrawn_at"], language)
                values = [copy["id"], moment(copy["published_at"], language), login, "", withdrawn, ""]
                self.copies[self.table.tree.insert(item, "end", values=values)] = copy

        self.app.call("news_recipients", news["id"], on_success=show_copies)

    def chosen(self) -> tuple[dict, bool] | None:
        """The chosen piece of news (every copy: True) or one login's copy of it (False); None, and say so, if none."""
        selection = self.table.tree.selection()
        if selection and selection[0] in self.table.rows:
            return self.table.rows[selection[0]], True
        if selection and selection[0] in self.copies:
            return self.copies[selection[0]], False
        self.app.main_frame.say(self.app.tr("Choose a news row first."), error=True)
        return None

    def create(self) -> PublishForm:
        return self.open_publish_form()

    def open_publish_form(self) -> PublishForm:
        return PublishForm(self)

    def open_scheduled(self) -> ScheduledNewsWindow:
        return ScheduledNewsWindow(self)

    def open_edit_form(self) -> EditForm | None:
        chosen = self.chosen()
        return EditForm(self, *chosen) if chosen else None

    def ask_withdraw(self) -> Confirmation | None:
        chosen = self.chosen()
        if chosen is None:
            return None
        news, everywhere = chosen
        tr = self.app.tr
        if everywhere:
            question = tr("Withdraw “{title}” from all {count} logins?", title=news["title"], count=news["recipients"])
        else:
            question = tr("Withdraw “{title}” from {login}?", title=news["title"], login=news["account"]["username"])
        return Confirmation(
            self, question, title=tr("Withdraw"), on_yes=lambda: self.withdraw(news["id"], everywhere=everywhere)
        )

    def withdraw(self, news_id: int, *, everywhere: bool) -> None:
        def done(answer: dict) -> None:
            self.app.main_frame.say(self.app.tr("Withdrawn: {count}.", count=answer["withdrawn"]))
            self.reload()

        self.app.call("withdraw_news", news_id, everywhere=everywhere, on_success=done)


class Confirmation(tk.Toplevel):
    """A yes/no question that does not stop the rest of the window."""

    def __init__(self, master: tk.Misc, question: str, *, title: str, on_yes) -> None:
        super().__init__(master)
        tr = master.app.tr
        self.title(title)
        self.transient(master.winfo_toplevel())
        ttk.Label(self, text=question, padding=16, wraplength=360).pack()
        buttons = ttk.Frame(self, padding=(16, 0, 16, 12))
        buttons.pack(fill="x")
        self.yes_button = ttk.Button(buttons, text=tr("Yes"), command=lambda: (self.destroy(), on_yes()))
        self.yes_button.pack(side="right")
        ttk.Button(buttons, text=tr("No"), command=self.destroy).pack(side="right", padx=6)

    def destroy(self) -> None:
        super().destroy()
        release_widgets()


def text_problems(tr, title: str, body: str) -> list[str]:
    problems = []
    if not title:
        problems.append(tr("Write the title."))
    elif len(title) > TITLE_LIMIT:
        problems.append(f"{tr('Title')}: {tr('At most {limit} characters.', limit=TITLE_LIMIT)}")
    if not body:
        problems.append(tr("Write the text."))
    elif len(body) > BODY_LIMIT:
        problems.append(f"{tr('Text')}: {tr('At most {limit} characters.', limit=BODY_LIMIT)}")
    return problems


class EditForm(TabDialog):
    """Correct the title and text of a piece of news (every login's copy) or of one login's copy."""

    def __init__(self, tab: NewsTab, news: dict, everywhere: bool) -> None:
        tr = tab.app.tr
        super().__init__(tab, title=tr("Edit news"))
        self.news, self.everywhere = news, everywhere
        self.news_title = tk.StringVar(value=news["title"])
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        whose = (
            tr("Every copy: {count} logins.", count=news["recipients"])
            if everywhere
            else tr("Only the copy of {login}.", login=news["account"]["username"])
        )
        ttk.Label(body, text=whose, style="Muted.TLabel").grid(row=0, column=0, columnspan=2, sticky="w", pady=3)
        ttk.Label(body, text=tr("Title")).grid(row=1, column=0, sticky="w", pady=3)
        ttk.Entry(body, textvariable=self.news_title, width=56).grid(row=1, column=1, sticky="ew")
        ttk.Label(body, text=tr("Text")).grid(row=2, column=0, sticky="nw", pady=3)
        self.text = tk.Text(body, width=56, height=7, wrap="word")
        self.text.insert("1.0", news["body"])
        self.text.grid(row=2, column=1, sticky="ew")
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=480, justify="left")
        self.message.grid(row=3, column=0, columnspan=2, sticky="w", pady=6)
        buttons = ttk.Frame(body)
        buttons.grid(row=4, column=0, columnspan=2, sticky="e")
        self.save_button = ttk.Button(buttons, text=tr("Save"), command=self.save, style="Accent.TButton")
        self.save_button.pack(side="right")
        ttk.Button(buttons, text=tr("Cancel"), command=self.destroy).pack(side="right", padx=6)

    def fields(self) -> dict:
        title, body = self.news_title.get().strip(), self.text.get("1.0", "end").strip()
        problems = text_problems(self.app.tr, title, body)
        if problems:
            raise ValueError("\n".join(problems))
        return {"news_id": self.news["id"], "title": title, "body": body, "everywhere": self.everywhere}

    def save(self) -> None:
        self.send(
            "edit_news",
            button=self.save_button,
            announce=lambda answer: self.app.tr("Corrected: {count}.", count=answer["changed"]),
        )


class PublishForm(TabDialog):
    """Title, text and who gets it: one customer's login, all customers, or a campaign's customers."""

    def __init__(self, tab: NewsTab) -> None:
        tr = tab.app.tr
        super().__init__(tab, title=tr("Publish news"))
        self.news_title, self.audience = tk.StringVar(), tk.StringVar()  # no default: the PM chooses
        self.search, self.login, self.campaign = tk.StringVar(), tk.StringVar(), tk.StringVar()
        self.logins: dict[str, int] = {}
        self.campaigns: dict[str, int] = {}
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Title")).grid(row=0, column=0, sticky="w", pady=3)
        ttk.Entry(body, textvariable=self.news_title, width=56).grid(row=0, column=1, columnspan=3, sticky="ew")
        ttk.Label(body, text=tr("Text")).grid(row=1, column=0, sticky="nw", pady=3)
        self.text = tk.Text(body, width=56, height=7, wrap="word")
        self.text.grid(row=1, column=1, columnspan=3, sticky="ew")
        ttk.Label(body, text=tr("Who gets it")).grid(row=2, column=0, sticky="nw", pady=(10, 3))
        ttk.Radiobutton(body, text=tr("All customers"), value="all_customers", variable=self.audience).grid(
            row=2, column=1, columnspan=3, sticky="w", pady=(10, 3)
        )
        ttk.Radiobutton(body, text=tr("One customer's login"), value="account", variable=self.audience).grid(
            row=3, column=1, sticky="w"
        )
        ttk.Entry(body, textvariable=self.search, width=24).grid(row=3, column=2, sticky="ew", padx=4)
        self.find_button = ttk.Button(body, text=tr("Find"), command=self.find_clients)
        self.find_button.grid(row=3, column=3, sticky="w")
        self.login_box = ttk.Combobox(body, textvariable=self.login, state="readonly", width=52)
        self.login_box.grid(row=4, column=1, columnspan=3, sticky="ew", pady=3)
        ttk.Radiobutton(body, text=tr("Customers of a campaign"), value="campaign", variable=self.audience).grid(
            row=5, column=1, sticky="w"
        )
        self.campaign_box = ttk.Combobox(body, textvariable=self.campaign, state="readonly", width=30)
        self.campaign_box.grid(row=5, column=2, columnspan=2, sticky="ew", pady=3)
        ttk.Label(body, text=tr("When")).grid(row=6, column=0, sticky="w", pady=(10, 3))
        self.when = PublishTime(body, tr=tr)
        self.when.grid(row=6, column=1, columnspan=3, sticky="w", pady=(10, 3))
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=480, justify="left")
        self.message.grid(row=7, column=0, columnspan=4, sticky="w", pady=6)
        buttons = ttk.Frame(body)
        buttons.grid(row=8, column=0, columnspan=4, sticky="e")
        self.publish_button = ttk.Button(buttons, text=tr("Publish…"), command=self.ask_publish, style="Accent.TButton")
        self.publish_button.pack(side="right")
        ttk.Button(buttons, text=tr("Cancel"), command=self.destroy).pack(side="right", padx=6)
        self.count_button = ttk.Button(buttons, text=tr("Count recipients"), command=self.count_recipients)
        self.count_button.pack(side="right")
        self.count = ttk.Label(buttons, text="")
        self.count.pack(side="left", padx=(0, 12))
        self.confirmation: Confirmation | None = None
        self.app.call("campaigns", on_success=self.show_campaigns)

    def show_campaigns(self, campaigns: list[dict]) -> None:
        if self.winfo_exists():
            self.campaigns = {f"{c['name']} ({c['status_label']})": c["id"] for c in campaigns}
            self.campaign_box.configure(values=list(self.campaigns))

    def find_clients(self) -> None:
        self.audience.set("account")
        self.app.call("clients", self.search.get().strip(), on_success=self.show_clients)

    def show_clients(self, clients: list[dict]) -> None:
        if not self.winfo_exists():
            return
        self.logins = {
            f"{client['full_name']} — {client['email']} ({account['username']})": account["id"]
            for client in clients
            for account in client["accounts"]
        }
        self.login_box.configure(values=list(self.logins))
        self.login.set(next(iter(self.logins), ""))
        self.message.configure(text="" if self.logins else self.app.tr("Nobody found."))

    def fields(self) -> dict:
        tr = self.app.tr
        title, body = self.news_title.get().strip(), self.text.get("1.0", "end").strip()
        problems = text_problems(tr, title, body)
        fields = {"title": title, "body": body, "audience": self.audience.get()}
        if not fields["audience"]:
            problems.append(tr("Choose who gets the news."))
        elif fields["audience"] == "account":
            if self.login.get() not in self.logins:
                problems.append(tr("Find the customer and choose their login."))
            else:
                fields["account_id"] = self.logins[self.login.get()]
        elif fields["audience"] == "campaign":
            if self.campaign.get() not in self.campaigns:
                problems.append(tr("Choose the campaign."))
            else:
                fields["campaign_id"] = self.campaigns[self.campaign.get()]
        try:
            if (publish_at := self.when.value()) is not None:
                fields["publish_at"] = publish_at.isoformat()
        except ValueError as problem:
            problems.append(str(problem))
        if problems:
            raise ValueError("\n".join(problems))
        return fields

    def audience_fields(self) -> dict:
        """Who would get it, as the API's audience count wants it (ValueError with the problems)."""
        fields = self.fields()
        return {key: fields[key] for key in ("audience", "account_id", "campaign_id") if key in fields}

    def count_recipients(self) -> None:
        """How many logins would get the news now, counted by the server without publishing it."""
        try:
            audience = self.audience_fields()
        except ValueError as problems:
            self.message.configure(text=str(problems))
            return
        self.app.call("news_audience", **audience, on_success=self.show_count)

    def show_count(self, count: int) -> None:
        if self.winfo_exists():
            self.message.configure(text="")
            self.count.configure(text=self.app.tr("Recipients: {count}", count=count))

    def ask_publish(self) -> None:
        """Count the audience first, then ask: publish to so many logins?"""
        try:
            fields = self.fields()
        except ValueError as problems:
            self.message.configure(text=str(problems))
            return
        audience = {key: fields[key] for key in ("audience", "account_id", "campaign_id") if key in fields}

        def ask(count: int) -> None:
            if not self.winfo_exists():
                return
            self.show_count(count)
            title = self.news_title.get().strip()
            question = self.app.tr("Publish “{title}” to {count} logins?", title=title, count=count)
            if "publish_at" in fields:
                when = moment(fields["publish_at"], self.app.tr.language)
                question = self.app.tr(
                    "Publish “{title}” at {when}? Logins now: {count}.", title=title, when=when, count=count
                )
            self.confirmation = Confirmation(
                self, question, title=self.app.tr("Publish news"), on_yes=self.publish_confirmed
            )

        self.app.call("news_audience", **audience, on_success=ask)

    def publish_confirmed(self) -> None:
        self.confirmation = None  # no cycle through the closed question: Tk's variables die in Tk's thread
        self.publish()

    def publish(self) -> None:
        if self.when.later.get():
            self.send(
                "schedule_news",
                button=self.publish_button,
                announce=lambda answer: self.app.tr(
                    "Scheduled for {when}: “{title}”.",
                    when=moment(answer["publish_at"], self.app.tr.language),
                    title=answer["title"],
                ),
            )
            return
        self.send(
            "publish_news",
            button=self.publish_button,
            announce=lambda answer: self.app.tr(
                "Published to {published} logins; {already_had} had it already.", **answer
            ),
        )
