"""The News tab: a table sorted by the server, filters, the publish form with its audience, withdrawal."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from desktop_client.app import ERROR_COLOUR, Application
from desktop_client.datepicker import DateField
from desktop_client.dialog import TabDialog
from desktop_client.formats import moment
from desktop_client.forms import bad_day_message, period_filters
from desktop_client.style import FlowBar
from desktop_client.table import Column, SortableTable

TITLE_LIMIT, BODY_LIMIT = 200, 10_000


class NewsTab(ttk.Frame):
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
        self.withdraw_button = bar.add(ttk.Button(bar, text=tr("Withdraw"), command=self.ask_withdraw))
        self.everywhere = tk.BooleanVar(value=False)
        self.everywhere_box = bar.add(ttk.Checkbutton(bar, text=tr("every copy"), variable=self.everywhere))
        language = tr.language
        self.table = SortableTable(
            self,
            tr=tr,
            sort="-published_at",
            on_change=self.reload,
            columns=[
                Column("id", tr("No."), 60, lambda n: n["id"]),
                Column("published_at", tr("Published"), 140, lambda n: moment(n["published_at"], language)),
                Column("title", tr("Title"), 260, lambda n: n["title"]),
                Column("client", tr("Client"), 190, lambda n: n["account"]["full_name"]),
                Column("account", tr("Login"), 120, lambda n: n["account"]["username"]),
                Column("withdrawn_at", tr("Withdrawn"), 140, lambda n: moment(n["withdrawn_at"], language)),
                Column("body", tr("Text"), 300, lambda n: n["body"]),
            ],
        )
        self.table.pack(fill="both", expand=True)
        self.filters: dict = {}

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
            "news", **self.filters, sort=self.table.sort, page=self.table.page, page_size=50, on_success=self.table.show
        )

    def create(self) -> PublishForm:
        return self.open_publish_form()

    def open_publish_form(self) -> PublishForm:
        return PublishForm(self)

    def ask_withdraw(self) -> Confirmation | None:
        news = self.table.selected()
        if news is None:
            self.app.main_frame.say(self.app.tr("Choose a news row first."), error=True)
            return None
        everywhere = self.everywhere.get()
        return Confirmation(
            self,
            self.app.tr("Withdraw “{title}”?", title=news["title"]),
            on_yes=lambda: self.withdraw(news["id"], everywhere=everywhere),
        )

    def withdraw(self, news_id: int, *, everywhere: bool) -> None:
        def done(answer: dict) -> None:
            self.app.main_frame.say(self.app.tr("Withdrawn: {count}.", count=answer["withdrawn"]))
            self.reload()

        self.app.call("withdraw_news", news_id, everywhere=everywhere, on_success=done)


class Confirmation(tk.Toplevel):
    """A yes/no question that does not stop the rest of the window."""

    def __init__(self, master: tk.Misc, question: str, *, on_yes) -> None:
        super().__init__(master)
        tr = master.app.tr
        self.title(tr("Withdraw"))
        self.transient(master.winfo_toplevel())
        ttk.Label(self, text=question, padding=16, wraplength=360).pack()
        buttons = ttk.Frame(self, padding=(16, 0, 16, 12))
        buttons.pack(fill="x")
        self.yes_button = ttk.Button(buttons, text=tr("Yes"), command=lambda: (self.destroy(), on_yes()))
        self.yes_button.pack(side="right")
        ttk.Button(buttons, text=tr("No"), command=self.destroy).pack(side="right", padx=6)


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
        self.message = ttk.Label(body, text="", foreground=ERROR_COLOUR, wraplength=480, justify="left")
        self.message.grid(row=6, column=0, columnspan=4, sticky="w", pady=6)
        buttons = ttk.Frame(body)
        buttons.grid(row=7, column=0, columnspan=4, sticky="e")
        self.publish_button = ttk.Button(buttons, text=tr("Publish"), command=self.publish, style="Accent.TButton")
        self.publish_button.pack(side="right")
        ttk.Button(buttons, text=tr("Cancel"), command=self.destroy).pack(side="right", padx=6)
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
        problems = []
        title, body = self.news_title.get().strip(), self.text.get("1.0", "end").strip()
        if not title:
            problems.append(tr("Write the title."))
        elif len(title) > TITLE_LIMIT:
            problems.append(f"{tr('Title')}: {tr('At most {limit} characters.', limit=TITLE_LIMIT)}")
        if not body:
            problems.append(tr("Write the text."))
        elif len(body) > BODY_LIMIT:
            problems.append(f"{tr('Text')}: {tr('At most {limit} characters.', limit=BODY_LIMIT)}")
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
        if problems:
            raise ValueError("\n".join(problems))
        return fields

    def publish(self) -> None:
        self.send(
            "publish_news",
            button=self.publish_button,
            announce=lambda answer: self.app.tr(
                "Published to {published} logins; {already_had} had it already.", **answer
            ),
        )
