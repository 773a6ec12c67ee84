"""The permission matrix: every URL, websocket route and API endpoint, asked by every role, against the answer
written down below.

The tables are the specification. A URL pattern, websocket route, API endpoint or admin model that no row asks
for fails the test ("add it to the matrix"), so nothing new ships without someone deciding who may reach it.
Each test collects every mismatch and reports them all at once.

Columns: anon(ymous), customer (a client's login), chat (agent), caller (telemarketing agent), pm (product
manager), office (back office: staff), admin (administrator: staff). Outcomes: an HTTP status ("200", "403", "404",
"405", "400", "201", "401"), or a redirect: "→login" (the website's sign-in page), "→admin" (the admin's sign-in
page), "→home", "→staff" (staff home), "→setup" (setting up the second factor), "→desk" (chat agent's desk),
"→chat" (a conversation), "→call" (the call desk), "→statement" (a bank account's statement); for websockets
"open" (accepted and kept open), a close code ("4401" not signed in, "4403" forbidden,
"4404" no such conversation or route) or "refused" (the handshake itself is refused).
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from PIL import Image

from accounts.models import Account
from api.services import issue_token
from banking.confirmation import start_challenge
from banking.exchange import exchange, fund_exchange_desk, set_exchange_rate
from banking.models import PaymentTemplate
from banking.services import open_bank_account, transfer
from chat.attachments import send_attachment
from chat.services import claim_conversation, start_conversation
from outreach.models import Message
from outreach.scheduled_news import schedule_news
from tests.factories import (
    PASSWORD,
    BankAccountFactory,
    CampaignFactory,
    CampaignLeadFactory,
    CustomerFactory,
    MessageFactory,
    NewsFactory,
    StaffFactory,
    session_key_for,
)

SENT = Message.Status.SENT  # a message still waiting to be sent is not shown to its customer yet
ROLES = ("anonymous", "customer", "chat_agent", "caller", "manager", "back_office", "administrator")

# --- the website and the admin's own pages ------------------------------------------------------------------------
# {own_…} objects belong to the customer (or, for agent_conversation, to the chat agent); {others_…} to someone else.
PAGES = """
method path                                              anon   customer chat   caller pm     office admin
GET    /healthz                                          200    200      200    200    200    200    200
GET    /unsubscribe/not-a-token/                         200    200      200    200    200    200    200
POST   /unsubscribe/not-a-token/                         400    400      400    400    400    400    400
POST   /i18n/setlang/                                    →home  →home    →home  →home  →home  →home  →home
GET    /                                                 →login 200      →staff →staff →staff →staff →staff
GET    /login/                                           200    →home    →home  →home  →home  →home  →home
GET    /logout/                                          405    405      405    405    405    405    405
POST   /logout/                                          →login →login   →login →login →login →login →login
GET    /password/                                        →login 200      200    200    200    200    200
GET    /two-factor/                                      →login →home    →setup →setup →setup →setup →setup
GET    /two-factor/setup/                                →login →home    200    200    200    200    200
GET    /session/status/                                  200    200      200    200    200    200    200
POST   /session/keep-alive/                              →login 200      200    200    200    200    200
GET    /password/done/                                   →login 200      200    200    200    200    200
GET    /staff/                                           →login 403      200    200    200    200    200
GET    /bank-accounts/{own_bank}/                        →login 200      403    403    403    403    403
GET    /bank-accounts/{others_bank}/                     →login 404      403    403    403    403    403
GET    /bank-accounts/{own_bank}/statement.csv           →login 200      403    403    403    403    403
GET    /bank-accounts/{others_bank}/statement.csv        →login 404      403    403    403    403    403
GET    /bank-accounts/{own_bank}/statement.pdf           →login 200      403    403    403    403    403
GET    /bank-accounts/{others_bank}/statement.pdf        →login 404      403    403    403    403    403
GET    /bank-accounts/{own_bank}/name/                   405    405      405    405    405    405    405
POST   /bank-accounts/{own_bank}/name/                   →login →statement 403  403    403    403    403
POST   /bank-accounts/{others_bank}/name/                →login 404      403    403    403    403    403
GET    /payments/new/                                    →login 200      403    403    403    403    403
POST   /payments/new/                                    →login 200      403    403    403    403    403
GET    /payments/{own_transfer}/                         →login 200      403    403    403    403    403
GET    /payments/{others_transfer}/                      →login 404      403    403    403    403    403
GET    /payments/confirm/                                405    405      405    405    405    405    405
POST   /payments/confirm/                                →login →/payments/new/ 403 403 403  403    403
GET    /payments/code/{own_challenge}/                   →login 200      403    403    403    403    403
GET    /payments/code/{others_challenge}/                →login 404      403    403    403    403    403
POST   /payments/code/{own_challenge}/                   →login 200      403    403    403    403    403
POST   /payments/code/{others_challenge}/                →login 404      403    403    403    403    403
POST   /payments/code/{own_challenge}/resend/            →login →code    403    403    403    403    403
POST   /payments/code/{others_challenge}/resend/         →login 404      403    403    403    403    403
POST   /payments/{own_transfer}/template/                →login →receipt 403    403    403    403    403
POST   /payments/{others_transfer}/template/             →login 404      403    403    403    403    403
POST   /payments/templates/{own_template}/delete/        →login →/payments/new/ 403 403 403  403    403
POST   /payments/templates/{others_template}/delete/     →login 404      403    403    403    403    403
GET    /exchange/                                        →login 200      403    403    403    403    403
POST   /exchange/                                        →login 200      403    403    403    403    403
GET    /exchange/confirm/                                405    405      405    405    405    405    405
POST   /exchange/confirm/                                →login →/exchange/ 403 403    403    403    403
GET    /exchange/{own_exchange}/                         →login 200      403    403    403    403    403
GET    /exchange/{others_exchange}/                      →login 404      403    403    403    403    403
GET    /messages/{own_message}/                          →login 200      403    403    403    403    403
GET    /messages/{others_message}/                       →login 404      403    403    403    403    403
GET    /reviews/                                         →login 200      403    403    403    403    403
GET    /consent/                                         →login 200      403    403    403    403    403
POST   /consent/                                         →login →/consent/ 403  403    403    403    403
POST   /reviews/                                         →login 200      403    403    403    403    403
GET    /chat/                                            →login 200      →desk  403    403    403    403
GET    /chat/{own_conversation}/                         →login 200      403    403    403    403    403
GET    /chat/{others_conversation}/                      →login 404      403    403    403    403    403
GET    /chat/{own_conversation}/rate/                    405    405      405    405    405    405    405
POST   /chat/{own_conversation}/rate/                    →login →chat    403    403    403    403    403
POST   /chat/{others_conversation}/rate/                 →login →chat    403    403    403    403    403
GET    /chat/agent/                                      →login 403      200    403    403    403    403
GET    /chat/agent/{own_conversation}/                   →login 403      200    403    403    403    403
GET    /chat/agent/{others_conversation}/                →login 403      404    403    403    403    403
GET    /chat/agent/{own_conversation}/context/           →login 403      200    403    403    403    403
GET    /chat/agent/{others_conversation}/context/        →login 403      404    403    403    403    403
GET    /chat/agent/search/                               →login 403      200    403    403    403    403
GET    /chat/start/                                      405    405      405    405    405    405    405
POST   /chat/start/                                      →login 201      403    403    403    403    403
GET    /chat/current/                                    →login 200      403    403    403    403    403
GET    /chat/offline/                                    405    405      405    405    405    405    405
POST   /chat/offline/                                    →login 400      403    403    403    403    403
GET    /chat/{own_conversation}/attachments/             405    405      405    405    405    405    405
POST   /chat/{own_conversation}/attachments/             →login 400      400    404    404    404    404
POST   /chat/{others_conversation}/attachments/          →login 404      404    404    404    404    404
GET    /chat/attachments/{own_attachment}/               →login 200      200    404    404    404    404
GET    /chat/attachments/{others_attachment}/            →login 404      404    404    404    404    404
GET    /chat/attachments/{own_attachment}/thumbnail/     →login 200      200    404    404    404    404
GET    /chat/attachments/{others_attachment}/thumbnail/  →login 404      404    404    404    404    404
GET    /chat/figures/                                    →login 403      403    403    403    200    200
GET    /staff/campaigns/                                 →login 403      403    200    403    200    200
GET    /staff/campaigns/{campaign}/call/                 →login 403      403    200    403    403    403
POST   /staff/campaigns/{campaign}/call/next/            →login 403      403    →call  403    403    403
POST   /staff/campaigns/{campaign}/call/state/           →login 403      403    →call  403    403    403
POST   /staff/campaigns/{campaign}/call/{lead}/outcome/  →login 403      403    400    403    403    403
POST   /staff/campaigns/{campaign}/call/{lead}/message/  →login 403      403    400    403    403    403
GET    /staff/campaigns/{campaign}/results/              →login 403      403    200    403    200    200
GET    /staff/campaigns/{campaign}/results.xlsx          →login 403      403    200    403    200    200
GET    /staff/campaigns/wallboard/                       →login 403      403    200    403    200    200
POST   /staff/campaigns/{campaign}/call/{lead}/withdraw-consent/ →login 403 403 →call 403   403    403
GET    /notifications/                                   →login 200      403    403    403    403    403
POST   /notifications/                                   →login →/notifications/ 403 403 403  403    403
GET    /password/reset/                                  200    200      200    200    200    200    200
POST   /password/reset/                                  200    200      200    200    200    200    200
GET    /password/reset/sent/                             200    200      200    200    200    200    200
GET    /password/reset/MQ/not-a-token/                   200    200      200    200    200    200    200
GET    /password/reset/complete/                         200    200      200    200    200    200    200
GET    /admin/campaigns/campaign/import-leads/           →admin →admin   →admin →admin →admin 200    200
GET    /admin/campaigns/campaign/import-leads/template.csv →admin →admin →admin →admin →admin 200    200
GET    /admin/campaigns/campaign/import-leads/rejected.csv →admin →admin →admin →admin →admin 404    404
GET    /admin/accounts/account/{own_account}/password/   →admin →admin   →admin →admin →admin 200    200
GET    /admin/accounts/account/{administrator}/password/ →admin →admin   →admin →admin →admin 403    200
"""

# --- the admin, as a family: the index and each registered model's list and add pages -----------------------------
# Everyone who is not staff is sent to the admin's sign-in page; these are the answers to the two staff roles.
ADMIN_MODELS = """
model                  office:list office:add admin:list admin:add
(index)                200         -          200        -
auth.Group             403         403        200        403
axes.AccessAttempt     403         403        403        403
axes.AccessLog         403         403        403        403
axes.AccessFailureLog  403         403        403        403
accounts.Client        200         200        200        200
accounts.Worker        200         200        200        200
accounts.Account       200         200        200        200
banking.BankAccount   200         200        200        200
banking.Transfer      200         403        200        403
banking.Receipt       200         403        200        403
banking.ExchangeRate  200         200        200        200
banking.Exchange      200         403        200        403
banking.Reversal      200         200        200        200
banking.PaymentPolicy 200         200        200        200
banking.PaymentTemplate 200       403        200        403
banking.PaymentChallenge 200      403        200        403
campaigns.Campaign     200         200        200        200
campaigns.Product      200         200        200        200
campaigns.Lead         200         200        200        200
campaigns.CampaignLead 200         200        200        200
campaigns.CallAttempt  200         403        200        403
campaigns.AgentStateSpan 200       403        200        403
campaigns.Disposition  200         200        200        200
campaigns.CallingHoliday 200       200        200        200
campaigns.PauseReason  200         200        200        200
campaigns.Consent      200         200        200        200
campaigns.DoNotCall    200         200        200        200
outreach.Message      200         200        200        200
outreach.News         200         200        200        200
outreach.Delivery     200         403        200        403
outreach.OptOut       200         200        200        200
outreach.Notification 200         403        200        403
outreach.NotificationSettings 200 403        200        403
outreach.PasswordResetRequest 200 403        200        403
outreach.ScheduledNews 200        403        200        403
django_tasks_database.DBTaskResult 403 403       403        403
surveys.Survey         200         200        200        200
chat.Conversation      200         200        200        200
chat.ChatMessage       200         403        200        403
chat.ConversationNote  200         403        200        403
chat.AgentSettings     200         200        200        200
chat.SavedReply        200         200        200        200
chat.BusinessHours     200         200        200        200
chat.ChatHoliday       200         200        200        200
chat.ChatAttachment    200         403        200        403
api.ApiToken           403         403        200        403
audit.AuditEvent       403         403        200        403
"""
# Admin routes the family above stands for: Django's own admin pages and each model's standard pages.
ADMIN_BUILTIN_NAMES = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
    "",  # the catch-all, and each model's "<id>/" redirect to its change page
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "delete", "change")

# --- the management API (bearer token from api.services.issue_token; anonymous sends none) -------------------------
# POST and PATCH send "{}" (so a product manager gets past the permission check to a 400), except auth/token,
# which sends the role's own username and password (anonymous: a wrong one).
API = """
method path                         anon customer chat caller pm  office admin
GET    /api/v1/openapi.json         200  200      200  200    200 200    200
POST   /api/v1/auth/token           401  403      403  403    201 403    403
GET    /api/v1/auth/token           405  405      405  405    405 405    405
GET    /api/v1/auth/session         401  403      403  403    200 403    403
DELETE /api/v1/auth/session         401  403      403  403    200 403    403
GET    /api/v1/surveys              401  403      403  403    200 403    403
POST   /api/v1/surveys              401  403      403  403    400 403    403
GET    /api/v1/surveys/statistics   401  403      403  403    200 403    403
GET    /api/v1/surveys/analytics    401  403      403  403    200 403    403
GET    /api/v1/news                 401  403      403  403    200 403    403
POST   /api/v1/news                 401  403      403  403    400 403    403
PATCH  /api/v1/news/{news}          401  403      403  403    400 403    403
GET    /api/v1/news/{news}          405  405      405  405    405 405    405
POST   /api/v1/news/{news}/withdraw 401  403      403  403    200 403    403
GET    /api/v1/news/items           401  403      403  403    200 403    403
GET    /api/v1/news/items/{news}/recipients 401 403 403 403 200 403   403
GET    /api/v1/news/audience        401  403      403  403    400 403    403
GET    /api/v1/news/scheduled       401  403      403  403    200 403    403
POST   /api/v1/news/scheduled       401  403      403  403    400 403    403
POST   /api/v1/news/scheduled/{scheduled}/withdraw 401 403 403 403 200 403 403
GET    /api/v1/clients              401  403      403  403    200 403    403
GET    /api/v1/campaigns            401  403      403  403    200 403    403
GET    /api/v1/no-such-thing        404  404      404  404    404 404    404
"""

# --- websockets (telemarketing/routing.py), through the real ASGI application with the role's session cookie -----
WEBSOCKETS = """
origin  path                                          anon    customer chat    caller  pm      office  admin
allowed /ws/chat/agent/                               4401    4403     open    4403    4403    4403    4403
allowed /ws/chat/conversations/{own_conversation}/    4401    open     open    4404    4404    4404    4404
allowed /ws/chat/conversations/{others_conversation}/ 4401    4404     4403    4404    4404    4404    4404
allowed /ws/campaigns/wallboard/                      4401    4403     4403    open    4403    open    open
allowed /ws/no/such/route/                            4404    4404     4404    4404    4404    4404    4404
foreign /ws/chat/agent/                               refused refused  refused refused refused refused refused
"""
ALLOWED_ORIGIN, FOREIGN_ORIGIN = "http://testserver", "https://attacker.example"


@dataclass(frozen=True)
class Row:
    key: str  # the method, or the origin for websockets
    path: str
    expected: dict[str, str]


COLUMNS = dict(zip(("anon", "customer", "chat", "caller", "pm", "office", "admin"), ROLES, strict=True))


def _full_column_name(column: str) -> str:
    """ "office:list" -> "back_office:list"."""
    role, colon, page = column.partition(":")
    return COLUMNS[role] + colon + page


def parse(table: str, *, key_columns: int = 2) -> list[Row]:
    """Whitespace-separated columns; the first line names them; "-" is a cell with nothing to ask."""
    header, *lines = [line.split() for line in table.strip().splitlines()]
    rows = []
    for cells in lines:
        assert len(cells) == len(header), f"the row {cells} does not have a cell for each of {header}"
        answers = {
            _full_column_name(column): cell
            for column, cell in zip(header[key_columns:], cells[key_columns:], strict=True)
            if cell != "-"
        }
        rows.append(Row(cells[0], cells[1] if key_columns == 2 else "", answers))
    return rows


# --- the people and the things they own ----------------------------------------------------------------------------


def _exchanges(clerk: Account, *, own, others) -> dict[str, int]:
    """An exchange of 100 ₽ into dollars by the customer and one by somebody else."""
    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("100"), set_by=clerk)
    fund_exchange_desk(currency="USD", amount=Decimal("10"), funded_by=clerk)
    ids = {}
    for name, (owner, roubles) in (("own_exchange", own), ("others_exchange", others)):
        dollars = open_bank_account(owner=owner, currency="USD")
        ids[name] = exchange(
            initiated_by=owner,
            sell_from=roubles.number,
            buy_to=dollars.number,
            amount="100",
            rate_id=rate.pk,
            idempotency_key=uuid.uuid4(),
        ).pk
    return ids


def _attachment(conversation_id: int, sender: Account) -> int:
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, format="PNG")
    message = send_attachment(
        conversation_id=conversation_id, sender=sender, name="a.png", data=image.getvalue(), client_message_id="file"
    )
    return message.attachment_id


def _payments_waiting(*, own, others) -> dict[str, int]:
    """A payment of the customer's waiting for its one-time code, and one of somebody else's; a template of each."""
    ids = {}
    for name, (payer, source, target) in (("own", own), ("others", others)):
        ids[f"{name}_challenge"] = start_challenge(
            initiated_by=payer,
            payer_number=source.number,
            recipient=target.number,
            amount="1.00",
            idempotency_key=uuid.uuid4(),
        ).pk
        ids[f"{name}_template"] = PaymentTemplate.objects.create(
            owner=payer, name="Template", payer=source, payee=target.number, amount="1.00"
        ).pk
    return ids


@pytest.fixture
def world(settings, tmp_path):
    """One account per role, and objects of the customer's and of somebody else's for the URLs with ids."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    people = {
        "customer": CustomerFactory(username="matrix_customer", password=PASSWORD),
        "chat_agent": StaffFactory(username="matrix_chat_agent", chat_agent=True, password=PASSWORD),
        "caller": StaffFactory(username="matrix_caller", telemarketing_agent=True, password=PASSWORD),
        "manager": StaffFactory(username="matrix_manager", product_manager=True, password=PASSWORD),
        "back_office": StaffFactory(username="matrix_back_office", back_office=True, password=PASSWORD),
        "administrator": StaffFactory(username="matrix_administrator", administrator=True, password=PASSWORD),
    }
    customer = people["customer"]
    other = CustomerFactory(username="matrix_other_customer", password=PASSWORD)
    third = CustomerFactory(username="matrix_third_customer", password=PASSWORD)
    other_agent = StaffFactory(username="matrix_other_agent", chat_agent=True, password=PASSWORD)

    own_bank_account, others_bank_account, thirds_bank_account = (
        BankAccountFactory(owner=owner, balance="1000.00") for owner in (customer, other, third)
    )

    def pay(payer: Account, source, target):
        made = transfer(
            initiated_by=payer,
            payer_number=source.number,
            payee_number=target.number,
            amount="10.00",
            idempotency_key=uuid.uuid4(),
        )
        return made.pk

    own_conversation = start_conversation(customer=customer, topic="card")
    claim_conversation(conversation_id=own_conversation.pk, agent=people["chat_agent"])
    others_conversation = start_conversation(customer=other, topic="loan")
    claim_conversation(conversation_id=others_conversation.pk, agent=other_agent)

    campaign = CampaignFactory(name="Matrix", responsible__surname="Ответственный")
    ids = {
        "own_bank": own_bank_account.pk,
        "others_bank": others_bank_account.pk,
        "own_transfer": pay(customer, own_bank_account, others_bank_account),
        "others_transfer": pay(other, others_bank_account, thirds_bank_account),
        **_exchanges(people["back_office"], own=(customer, own_bank_account), others=(other, others_bank_account)),
        **_payments_waiting(
            own=(customer, own_bank_account, thirds_bank_account), others=(other, others_bank_account, own_bank_account)
        ),
        "own_message": MessageFactory(client=customer.client, subject="Вклад", body="12%", status=SENT).pk,
        "others_message": MessageFactory(client=other.client, subject="Кредит", body="9%", status=SENT).pk,
        "own_conversation": own_conversation.pk,
        "others_conversation": others_conversation.pk,
        "own_attachment": _attachment(own_conversation.pk, customer),
        "others_attachment": _attachment(others_conversation.pk, other),
        "campaign": campaign.pk,
        "lead": CampaignLeadFactory(campaign=campaign).pk,
        "news": NewsFactory(account=other, title="Новость", body="Текст").pk,
        "scheduled": schedule_news(
            title="Позже", body="Текст", audience="all_customers", publish_at=timezone.now() + timedelta(days=1)
        ).pk,
        "own_account": customer.pk,
        "administrator": people["administrator"].pk,
    }
    return people, ids


# --- asking and comparing ------------------------------------------------------------------------------------------


REDIRECTS = {
    "portal:login": "→login",
    "admin:login": "→admin",
    "portal:home": "→home",
    "portal:staff_home": "→staff",
    "portal:two_factor_setup": "→setup",
    "portal:payment_code": "→code",
    "portal:payment_receipt": "→receipt",
    "chat:agent_desk": "→desk",
    "chat:conversation": "→chat",
    "campaigns:call": "→call",
    "portal:statement": "→statement",
}


def outcome(response) -> str:
    if response.status_code in (301, 302):
        path = response["Location"].split("?")[0]
        return REDIRECTS.get(resolve(path).view_name, f"→{path}")
    return str(response.status_code)


def browser(people: dict, role: str) -> HttpClient:
    client = HttpClient(raise_request_exception=False)  # a crash is a 500 in the matrix, not a stopped test
    if role != "anonymous":
        client.force_login(people[role])
    return client


def routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name) of every URL pattern, the route spelt as ResolverMatch.route spells it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        route = prefix + (route.removeprefix("^") if prefix else route)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name or ''}"


def _admin_family(name: str) -> bool:
    view = name.removeprefix("admin:")
    if view in ADMIN_BUILTIN_NAMES:
        return True
    standard = {
        f"{model._meta.app_label}_{model._meta.model_name}_{action}"
        for model in admin.site._registry
        for action in ADMIN_MODEL_VIEWS
    }
    return view in standard


def test_every_url_answers_every_role_as_the_matrix_says(db, world):
    people, ids = world
    mismatches, asked_routes = [], set()
    for row in parse(PAGES):
        path = row.path.format(**ids)
        asked_routes.add(resolve(path.split("?")[0]).route)
        for role in ROLES:
            response = getattr(browser(people, role), row.key.lower())(path)
            expected = row.expected[role]
            if outcome(response) != expected:
                mismatches.append(f"{row.key} {path} as {role}: expected {expected}, got {outcome(response)}")

    unasked = [
        f"{route} ({name or 'unnamed'})"
        for route, name in routes()
        if route not in asked_routes
        and not route.startswith("api/v1/")  # the API's own table, below
        and not (route.startswith("admin/") and _admin_family(name))
    ]
    assert not unasked, "URL patterns nobody asked for; add them to the matrix:\n" + "\n".join(unasked)
    assert not mismatches, f"{len(mismatches)} answers differ from the matrix:\n" + "\n".join(mismatches)


def test_the_admin_answers_every_role_as_the_matrix_says(db, world):
    people, _ids = world
    registered = {model._meta.label: model for model in admin.site._registry}
    rows = {row.key: row for row in parse(ADMIN_MODELS, key_columns=1)}
    missing = sorted(set(registered) - set(rows) - {"(index)"})
    assert not missing, "admin models nobody asked for; add them to the matrix: " + ", ".join(missing)

    mismatches = []
    for label, row in rows.items():
        if label == "(index)":
            pages = {"list": "/admin/"}  # the index has no add page
        else:
            meta = registered[label]._meta
            pages = {"list": f"/admin/{meta.app_label}/{meta.model_name}/"}
            pages["add"] = pages["list"] + "add/"
        for page, path in pages.items():
            for role in ROLES:
                expected = row.expected.get(f"{role}:{page}", "→admin")
                got = outcome(browser(people, role).get(path))
                if got != expected:
                    mismatches.append(f"GET {path} as {role}: expected {expected}, got {got}")
    assert not mismatches, f"{len(mismatches)} answers differ from the matrix:\n" + "\n".join(mismatches)


def test_every_api_endpoint_answers_every_role_as_the_matrix_says(db, world):
    people, ids = world
    mismatches, asked_routes = [], set()
    for row in parse(API):
        path = row.path.format(**ids)
        asked_routes.add(resolve(path).route)
        for role in ROLES:
            headers = {}
            if role != "anonymous":
                headers["Authorization"] = f"Bearer {issue_token(account=people[role])[1]}"
            body = None
            if row.key in ("POST", "PATCH"):
                body = "{}"
                if path.endswith("/auth/token"):
                    username = people[role].username if role != "anonymous" else "matrix_manager"
                    password = PASSWORD if role != "anonymous" else "not-the-password"
                    body = json.dumps({"username": username, "password": password})
            response = HttpClient(raise_request_exception=False).generic(
                row.key, path, body or "", content_type="application/json", headers=headers
            )
            if outcome(response) != row.expected[role]:
                mismatches.append(f"{row.key} {path} as {role}: expected {row.expected[role]}, got {outcome(response)}")

    unasked = [
        f"{route} ({name})" for route, name in routes() if route.startswith("api/v1/") and route not in asked_routes
    ]
    assert not unasked, "API endpoints nobody asked for; add them to the matrix:\n" + "\n".join(unasked)
    assert not mismatches, f"{len(mismatches)} answers differ from the matrix:\n" + "\n".join(mismatches)


async def _websocket_outcome(path: str, *, origin: str, session_key: str | None) -> str:
    from telemarketing.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect()
    if not connected:
        return "refused"
    # A refused socket is accepted and then closed at once; an open one greets and stays open.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.3
    while loop.time() < deadline:
        if communicator.future.done():
            communicator.future.result()  # the consumer crashed: raise its error here
        if communicator.output_queue.empty():
            await asyncio.sleep(0.005)
            continue
        output = communicator.output_queue.get_nowait()
        if output["type"] == "websocket.close":
            return str(output["code"])
    await communicator.disconnect()
    return "open"


def test_every_websocket_route_answers_every_role_as_the_matrix_says(transactional_db, world, settings):
    from telemarketing.routing import websocket_urlpatterns

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "chat.layers.ProcessChannelLayer"}}
    people, ids = world
    sessions = {role: session_key_for(people[role]) for role in ROLES if role != "anonymous"}
    mismatches, asked = [], set()
    for row in parse(WEBSOCKETS):
        path = row.path.format(**ids)
        asked.add(next(str(route.pattern) for route in websocket_urlpatterns if route.pattern.match(path.lstrip("/"))))
        origin = ALLOWED_ORIGIN if row.key == "allowed" else FOREIGN_ORIGIN
        for role in ROLES:
            got = async_to_sync(_websocket_outcome)(path, origin=origin, session_key=sessions.get(role))
            if got != row.expected[role]:
                mismatches.append(
                    f"websocket {path} from {row.key} origin as {role}: expected {row.expected[role]}, got {got}"
                )

    unasked = [str(route.pattern) for route in websocket_urlpatterns if str(route.pattern) not in asked]
    assert not unasked, "websocket routes nobody asked for; add them to the matrix: " + ", ".join(unasked)
    assert not mismatches, f"{len(mismatches)} answers differ from the matrix:\n" + "\n".join(mismatches)
