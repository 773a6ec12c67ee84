"""The people of the working day, as Locust users: what each does, in which order, at human pace
(``profile.wait``). Each user takes a login of its role from ``people.json`` (``population.py``).

Pages are reached as a person reaches them (links, forms, redirects), so a change in the product shows up
here as a failed step with the page's name; the places to adjust are the small methods below (e.g. ``pay``
follows any confirmation form after the payment form, whatever its address).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from contextlib import suppress
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, task

from bench.capacity import profile
from bench.capacity.browser import Browser, PageError
from bench.capacity.chatsocket import TALLY, ChatSocket

PEOPLE = json.loads(Path(os.environ["CAPACITY_PEOPLE"]).read_text()) if os.environ.get("CAPACITY_PEOPLE") else {}
CROWD = json.loads(os.environ.get("CAPACITY_CROWD", "{}"))
WS_BASE = os.environ.get("CAPACITY_WS", "")
# The origin a browser sends on the chat's handshake: the site's, always https in production mode.
WS_ORIGIN = os.environ.get("CAPACITY_WS_ORIGIN", "")
HANDED_LEADS: list[int] = []  # every lead a caller was given, for the "no lead twice" check
PAYMENTS: list[int] = []  # every transfer whose receipt a customer saw, for the ledger check
# "started": people who finished starting (signed in); "draining": set by the locustfile at the end of the
# measured window, after which nobody starts anything new.
STATE = {"started": 0, "draining": False}
START_ATTEMPTS = 5
_next = {role: itertools.count() for role in ("customers", "chat_agents", "callers", "product_managers", "supervisors")}


class Person(FastHttpUser):
    abstract = True
    role = ""
    wait_time = constant(0)  # each person waits inside its own day (pause), not between Locust tasks

    def on_start(self) -> None:
        logins = PEOPLE[self.role]
        login = logins[next(_next[self.role]) % len(logins)]
        self.login = login if isinstance(login, dict) else {"username": login}
        self.browser = Browser(self.client, self.host)
        for _attempt in range(START_ATTEMPTS):
            try:
                self.begin()
                break
            except (PageError, OSError, TimeoutError):  # counted as failed already; try again like a person would
                self.client.cookiejar.clear()
                gevent.sleep(1 + random.random())
        STATE["started"] += 1

    def begin(self) -> None:
        """What the person does once, on arriving (sign in, open the desk...)."""
        self.sign_in()

    def pause(self, span: tuple[float, float]) -> None:
        gevent.sleep(profile.wait(span))
        while STATE["draining"]:
            gevent.sleep(1)  # the window is over: finish nothing new until Locust stops

    def session_id(self) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == "sessionid"), "")

    def sign_in(self) -> None:
        self.browser.sign_in(self.login["username"], PEOPLE["password"])


class Customer(Person):
    """Signs in, browses the dashboard and statements, pays, writes a review, and 5% of them chat."""

    role = "customers"
    fixed_count = CROWD.get("customers", 0)

    def begin(self) -> None:
        self.sign_in()
        self.remember_statements()
        self.widget()

    @task
    def visit(self) -> None:
        """One visit: a few pages (and a chat for some), sign out; later a new visit signs in again."""
        try:
            chats = random.random() < profile.CHAT_SHARE
            for _ in range(random.randint(*profile.VISIT)):
                self.pause(profile.THINK)
                random.choices([self.dashboard, self.statement, self.pay, self.review], weights=[3, 3, 2, 1])[0]()
                if chats:
                    chats = False
                    self.pause(profile.THINK)
                    self.chat()
            self.pause(profile.THINK)
            self.browser.sign_out()
        except PageError:
            self.client.cookiejar.clear()  # counted as failed already; the person closes the tab, comes back later
        self.pause(profile.THINK)
        self.begin()

    def widget(self) -> None:
        """What the chat widget asks on every page a customer opens."""
        self.browser.get("/chat/current/", "chat widget")

    def dashboard(self) -> None:
        self.browser.get("/", "dashboard")
        self.remember_statements()
        self.widget()

    def remember_statements(self) -> None:
        """The statement links of the dashboard just shown (one per bank account)."""
        self.statements = sorted({link for link in self.browser.links() if re.fullmatch(r"/bank-accounts/\d+/", link)})

    def statement(self) -> None:
        if not self.statements:
            raise PageError("no statement link on the dashboard")
        self.browser.get(random.choice(self.statements), "statement")
        self.widget()

    def pay(self) -> None:
        """The payment form, then whatever confirmation the product asks for, until the receipt."""
        self.browser.get("/payments/new/", "payment form")
        self.widget()
        payee = random.choice(self.login["payees"])
        form = self.browser.form_posting_to("/payments/new/")
        values = {"recipient": payee, "amount": f"{random.randint(1, 50)},00", "comment": "Нагрузка"}
        if self.login["account"] in form.options.get("payer", []):
            values["payer"] = self.login["account"]
        # The form answers with the confirmation page; "Confirm" pays (someone paid before, a small sum: no code).
        self.browser.submit(form, "pay", values, expect=200)
        confirm = next((f for f in self.browser.forms() if f.method == "post" and "confirm" in f.action), None)
        if confirm is None:
            raise PageError("the payment form did not lead to its confirmation")
        self.browser.follow(self.browser.submit(confirm, "confirm payment"), "payment receipt")
        receipt = re.search(r"/payments/(\d+)/$", self.browser.url)
        if receipt is None:
            raise PageError(f"the payment ended on {self.browser.url}, not on a receipt")
        PAYMENTS.append(int(receipt.group(1)))

    def review(self) -> None:
        self.browser.get("/reviews/", "reviews")
        self.widget()
        form = self.browser.form_posting_to("/reviews/")
        response = self.browser.submit(form, "write review", {"rating": "5", "text": "Спасибо за быстрый ответ."})
        self.browser.follow(response, "reviews")

    def chat(self) -> None:
        """Start a conversation from the widget, write a few messages, wait for each answer, close it."""
        token = self.browser.csrf_token()
        response = self.browser.request(
            "POST", "/chat/start/", "chat: start", expect=201, data={"csrfmiddlewaretoken": token, "topic": "Вопрос"}
        )
        conversation = response.json()["conversation"]
        answered = Event()

        def on_frame(frame: dict) -> None:
            if frame["type"] == "message" and frame["message"]["sender"]["role"] == "agent":
                answered.set()

        socket = ChatSocket(self.environment.events, role="customer", on_frame=on_frame)
        socket.open(f"{WS_BASE}/ws/chat/conversations/{conversation}/", origin=WS_ORIGIN, session=self.session_id())
        reader = gevent.spawn(socket.read_forever)
        finished = True
        try:
            for turn in range(random.randint(*profile.CHAT_TURNS)):
                self.pause(profile.TYPE)
                answered.clear()
                socket.send_message(f"Вопрос {turn + 1}: когда придёт перевод?")
                if not answered.wait(timeout=120 * profile.PACE + 30):
                    finished = False  # nobody answered in time: the queue is too long
                    break
            socket.send({"type": "close"})
            gevent.wait([reader], timeout=10)
            finished = finished and socket.closed_status
        finally:
            socket.close()
            reader.join(timeout=5)
        if finished:
            TALLY.conversations_finished += 1
            TALLY.missing_seqs += socket.missing_seqs()
        else:
            TALLY.conversations_unfinished += 1


class ChatAgent(Person):
    """Keeps the desk open (online), takes conversations, answers within seconds, transfers now and then."""

    role = "chat_agents"
    fixed_count = CROWD.get("chat_agents", 0)

    def begin(self) -> None:
        self.open: set[int] = set()
        self.colleagues: list[int] = []
        self.me = 0
        self.sign_in()
        self.browser.get("/chat/agent/", "chat desk")
        self.desk = ChatSocket(self.environment.events, role="agent", on_frame=self.on_desk_frame)
        hello = self.desk.open(f"{WS_BASE}/ws/chat/agent/", origin=WS_ORIGIN, session=self.session_id())
        gevent.spawn(self.desk.read_forever)
        self.on_desk_frame(hello)
        self.desk.send({"type": "availability", "availability": "online"})
        self.desk.send({"type": "agents"})

    @task
    def work(self) -> None:
        self.pause(profile.ANSWER)
        if self.desk.close_code is not None:
            raise PageError(f"the desk socket closed with {self.desk.close_code}")

    def on_desk_frame(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "desk":
            self.me = frame["user"]["id"]
            for conversation in frame["mine"]:
                self.take(conversation["id"])
        elif kind == "agents":
            self.colleagues = [agent["id"] for agent in frame["agents"] if agent["id"] != self.me]
        elif kind in ("conversation", "claimed"):
            conversation = frame["conversation"]
            if conversation["status"] == "active" and (conversation.get("agent") or {}).get("id") == self.me:
                self.take(conversation["id"])
            elif conversation["status"] == "waiting":
                gevent.spawn(self.claim_later, conversation["id"])

    def claim_later(self, conversation: int) -> None:
        self.pause(profile.ANSWER)
        if conversation not in self.open:
            self.desk.send({"type": "claim", "conversation": conversation})

    def take(self, conversation: int) -> None:
        if conversation not in self.open:
            self.open.add(conversation)
            gevent.spawn(self.serve, conversation)

    def serve(self, conversation: int) -> None:
        """The conversation's page and socket; every customer message gets an answer after a human pause."""
        try:
            self.browser.get(f"/chat/agent/{conversation}/", "chat: agent conversation")
        except PageError:
            self.open.discard(conversation)
            return
        transfer = random.random() < profile.TRANSFER_SHARE
        socket = ChatSocket(self.environment.events, role="agent")

        def answer() -> None:
            self.pause(profile.ANSWER)
            if socket.close_code is None and not socket.closed_status:
                socket.send_message("Добрый день! Перевод придёт в течение часа.")
                if transfer:
                    to = random.choice([*self.colleagues, None])
                    self.desk.send({"type": "transfer", "conversation": conversation, "to": to, "note": "Передаю"})

        def on_frame(frame: dict) -> None:
            if frame["type"] == "message" and frame["message"]["sender"]["role"] == "customer":
                gevent.spawn(answer)
            elif frame["type"] == "history" and [m["sender"]["role"] for m in frame["messages"][-1:]] == ["customer"]:
                gevent.spawn(answer)  # the customer wrote before the agent joined

        socket.on_frame = on_frame
        try:
            socket.open(f"{WS_BASE}/ws/chat/conversations/{conversation}/", origin=WS_ORIGIN, session=self.session_id())
            socket.send({"type": "sync", "after_seq": 0})
            socket.read_forever()
        finally:
            socket.close()
            self.open.discard(conversation)


class Caller(Person):
    """Takes the next lead, talks (30–120 s at human pace), sometimes writes to the lead, records the outcome."""

    role = "callers"
    fixed_count = CROWD.get("callers", 0)
    OUTCOMES = ("not_interested", "interested", "wrong_number")  # final: a lead is never handed out again

    def begin(self) -> None:
        self.sign_in()
        self.browser.get("/staff/campaigns/", "campaigns")
        self.call_page = f"/staff/campaigns/{PEOPLE['campaign']}/call/"
        self.browser.get(self.call_page, "call page")

    @task
    def call(self) -> None:
        try:
            response = self.browser.submit(self.browser.form_posting_to("/call/next/"), "next lead")
            self.browser.follow(response, "call page")
            outcome_form = next((f for f in self.browser.forms() if "/outcome/" in f.action), None)
            if outcome_form is None:
                self.pause(profile.WRAP_UP)  # nobody waiting in the queue now
                return
            HANDED_LEADS.append(int(outcome_form.action.rstrip("/").split("/")[-2]))
            self.pause(profile.CALL)
            if random.random() < profile.MESSAGE_SHARE:
                message = self.browser.form_posting_to("/message/")
                values = {"subject": "Ваш вклад", "body": "Ставка 12% годовых до конца месяца."}
                self.browser.follow(self.browser.submit(message, "write to lead", values), "call page")
                outcome_form = next(f for f in self.browser.forms() if "/outcome/" in f.action)
            offered = [value for name, value in outcome_form.buttons if name == "outcome"]
            offered += outcome_form.options.get("outcome", [])
            outcome = random.choice([code for code in self.OUTCOMES if code in offered] or ["?"])
            response = self.browser.submit(outcome_form, "record outcome", {"outcome": outcome})
            self.browser.follow(response, "call page")
        except PageError:
            self.browser.get(self.call_page, "call page")
        self.pause(profile.WRAP_UP)


class ProductManager(Person):
    """The desktop program over the management API: sign in for a bearer token, then lists, statistics, a survey."""

    role = "product_managers"
    fixed_count = CROWD.get("product_managers", 0)

    def begin(self) -> None:
        body = json.dumps({"username": self.login["username"], "password": PEOPLE["password"]})
        response = self.browser.request(
            "POST", "/api/v1/auth/token", "api: sign in", expect=201, data=body, headers=self.json_headers()
        )
        self.token = response.json()["token"]

    def json_headers(self) -> dict:
        headers = {"Content-Type": "application/json", "Accept-Language": "ru"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    @task
    def work(self) -> None:
        self.pause(profile.PM_THINK)
        screens = [
            ("/api/v1/surveys?sort=-created_at", "api: surveys"),
            ("/api/v1/surveys/statistics", "api: survey statistics"),
            ("/api/v1/surveys/analytics", "api: survey analytics"),
            ("/api/v1/news/items", "api: news"),
        ]
        try:
            if random.random() < 0.2:
                body = {"client_email": random.choice(PEOPLE["customers"])["email"]}
                body.update(kind="thanks", rating=5, text="Клиент доволен звонком.", suggestions="", source="desktop")
                self.browser.request(
                    "POST",
                    "/api/v1/surveys",
                    "api: add survey",
                    expect=201,
                    data=json.dumps(body),
                    headers=self.json_headers(),
                )
            else:
                path, name = random.choice(screens)
                self.browser.request("GET", path, name, headers=self.json_headers())
        except PageError:
            pass


class Supervisor(Person):
    """Watches the campaign's results, refreshing them like a wallboard."""

    role = "supervisors"
    fixed_count = CROWD.get("supervisors", 0)

    @task
    def watch(self) -> None:
        with suppress(PageError):
            self.browser.get(f"/staff/campaigns/{PEOPLE['campaign']}/results/", "campaign results")
        self.pause(profile.WALLBOARD)
