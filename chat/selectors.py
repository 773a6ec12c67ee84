"""Reads of the chat: who may join what, the agents' queue, and the history a client asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Literal, NamedTuple

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import Account
from accounts.roles import CHAT_AGENTS
from banking.selectors import customer_bank_accounts, latest_receipts
from campaigns.selectors import client_open_offers
from chat.models import (
    Availability,
    ChatAttachment,
    ChatMessage,
    Conversation,
    ConversationNote,
    ConversationStatus,
    SavedReply,
)
from core.querying import contains_in_any_case, local_days
from surveys.selectors import customer_reviews

QUEUE_LIMIT = 100
HISTORY_PAGE_SIZE = 200

Role = Literal["customer", "agent"]


def is_chat_agent(user) -> bool:
    """Chat agents are the accounts in the "chat agents" group (cached on the user object per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_is_chat_agent", None)
    if cached is None:
        cached = user.groups.filter(name=CHAT_AGENTS).exists()
        user._is_chat_agent = cached
    return cached


def is_customer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.client_id is not None)


def display_name(account: Account) -> str:
    return account.get_full_name() or account.get_username()


def customer_conversations(*, customer: Account) -> QuerySet[Conversation]:
    return Conversation.objects.filter(customer=customer).select_related("agent").order_by("-created_at", "-id")


def conversation_of_customer(*, customer: Account, conversation_id: int) -> Conversation | None:
    """The customer's own conversation, or None: another customer's conversation does not exist for them."""
    return (
        Conversation.objects.select_related("customer", "agent").filter(pk=conversation_id, customer=customer).first()
    )


def conversation_of_agent(*, agent: Account, conversation_id: int) -> Conversation | None:
    """A conversation this agent claimed (active or already closed), or None."""
    return Conversation.objects.select_related("customer", "agent").filter(pk=conversation_id, agent=agent).first()


@dataclass(frozen=True)
class Participation:
    conversation: Conversation
    role: Role


class NotParticipant(Exception):
    """Why a user may not join a conversation; ``hidden`` means they must not learn that it exists."""

    def __init__(self, *, hidden: bool) -> None:
        super().__init__("not a participant")
        self.hidden = hidden


def participation(*, user: Account, conversation_id: int) -> Participation:
    """The user's role in the conversation: its customer, or the agent who claimed it.

    Raises NotParticipant: hidden for customers and strangers (as if the conversation did not exist),
    not hidden for chat agents asking for a conversation that is not theirs.
    """
    conversation = Conversation.objects.select_related("customer", "agent").filter(pk=conversation_id).first()
    if conversation is not None and conversation.customer_id == user.pk:
        return Participation(conversation=conversation, role="customer")
    agent = is_chat_agent(user)
    if conversation is not None and agent and conversation.agent_id == user.pk:
        return Participation(conversation=conversation, role="agent")
    raise NotParticipant(hidden=not agent)


def with_first_message(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Adds ``first_text``: the customer's first message, which the desk shows in the queue."""
    first = ChatMessage.objects.filter(conversation=OuterRef("pk"), sender=OuterRef("customer")).order_by("seq")
    return conversations.annotate(first_text=Subquery(first.values("text")[:1]))


def conversation_for_desk(*, conversation_id: int) -> Conversation:
    return with_first_message(Conversation.objects.select_related("customer", "agent")).get(pk=conversation_id)


def waiting_queue(*, limit: int = QUEUE_LIMIT) -> list[Conversation]:
    """The oldest waiting conversations first: the order in which agents should take them."""
    return list(
        with_first_message(Conversation.objects.filter(status=ConversationStatus.WAITING))
        .select_related("customer")
        .order_by("created_at", "id")[:limit]
    )


def agent_active_conversations(*, agent: Account) -> list[Conversation]:
    return list(
        with_first_message(Conversation.objects.filter(agent=agent, status=ConversationStatus.ACTIVE))
        .select_related("customer", "agent")
        .order_by("claimed_at", "id")
    )


# The estimate of a waiting customer's wait is drawn from this many recently closed conversations.
ESTIMATE_SAMPLE = 20


@dataclass(frozen=True)
class QueueSnapshot:
    """The waiting conversations' ids, next first, and the expected seconds of wait per place in the queue
    (None when there is no closed conversation to learn from)."""

    waiting: list[int]
    seconds_per_place: int | None

    def estimated_wait(self, position: int) -> int | None:
        return None if self.seconds_per_place is None else position * self.seconds_per_place


def queue_snapshot(*, limit: int = QUEUE_LIMIT) -> QueueSnapshot:
    """The queue as customers see it. One place takes the average time an agent spent on a recent conversation,
    shared among the agents online now (at least one: a customer waiting for nobody still waits)."""
    waiting = list(
        Conversation.objects.filter(status=ConversationStatus.WAITING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not waiting:
        return QueueSnapshot(waiting=[], seconds_per_place=None)
    recent = list(
        Conversation.objects.filter(status=ConversationStatus.CLOSED, claimed_at__isnull=False)
        .order_by("-closed_at", "-id")
        .values_list("claimed_at", "closed_at")[:ESTIMATE_SAMPLE]
    )
    if not recent:
        return QueueSnapshot(waiting=waiting, seconds_per_place=None)
    # A closed conversation has both times (CHECKs conversation_closed_has_time and the claimed_at filter above).
    handled = [(closed - claimed).total_seconds() for claimed, closed in recent if claimed and closed]
    average = sum(max(0.0, seconds) for seconds in handled) / max(1, len(handled))
    online = Account.objects.filter(
        is_active=True, groups__name=CHAT_AGENTS, chat_settings__availability=Availability.ONLINE
    ).count()
    return QueueSnapshot(waiting=waiting, seconds_per_place=max(30, round(average / max(1, online))))


def transfer_targets(*, agent: Account) -> list[dict]:
    """The colleagues a conversation can be handed to: every active chat agent but the asking one, with their
    availability and how many conversations they have open; online ones first."""
    rows = (
        Account.objects.filter(is_active=True, groups__name=CHAT_AGENTS)
        .exclude(pk=agent.pk)
        .annotate(
            open=Count("handled_conversations", filter=Q(handled_conversations__status=ConversationStatus.ACTIVE)),
            availability=Coalesce("chat_settings__availability", Value(Availability.AWAY)),
        )
        .order_by("last_name", "first_name", "id")
    )
    order = {Availability.ONLINE: 0, Availability.BUSY: 1, Availability.AWAY: 2}
    targets = [
        {"id": row.pk, "name": display_name(row), "availability": row.availability, "open": row.open} for row in rows
    ]
    return sorted(targets, key=lambda target: order[target["availability"]])


def conversation_notes(*, conversation_id: int) -> list[ConversationNote]:
    """The private notes of a conversation, oldest first: for its agent only (the callers check that)."""
    return list(ConversationNote.objects.filter(conversation_id=conversation_id).select_related("author"))


def messages_after(*, conversation_id: int, after_id: int, limit: int | None = None) -> list[ChatMessage]:
    """Up to ``limit`` (a page) messages with an id above ``after_id``, oldest first: a reconnecting client's
    catch-up."""
    limit = limit or HISTORY_PAGE_SIZE
    return list(
        ChatMessage.objects.filter(conversation_id=conversation_id, id__gt=after_id)
        .select_related("sender", "attachment")
        .order_by("id")[:limit]
    )


def messages_after_seq(*, conversation_id: int, after_seq: int, limit: int | None = None) -> list[ChatMessage]:
    """Up to ``limit`` (a page) messages numbered above ``after_seq``, in order: the catch-up of a client that
    has seen every message up to that number (and perhaps some after it)."""
    limit = limit or HISTORY_PAGE_SIZE
    return list(
        ChatMessage.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .select_related("sender", "attachment")
        .order_by("seq")[:limit]
    )


def last_message_seq(*, conversation_id: int) -> int:
    """0 when the conversation has no message yet."""
    return Conversation.objects.values_list("last_message_seq", flat=True).get(pk=conversation_id)


def last_message_id(*, conversation_id: int) -> int:
    """0 when the conversation has no message yet."""
    last = ChatMessage.objects.filter(conversation_id=conversation_id).order_by("-id").values_list("id", flat=True)
    return last.first() or 0


def conversation_messages(*, conversation: Conversation) -> list[ChatMessage]:
    """The whole history, for the page that shows a conversation."""
    return list(conversation.messages.select_related("sender", "attachment").order_by("id"))


def saved_replies(*, agent: Account) -> list[SavedReply]:
    """The replies an agent can insert: their own, and the team's whose shortcut they have not taken for one of
    their own; by shortcut."""
    rows = SavedReply.objects.filter(Q(owner=agent) | Q(owner__isnull=True)).order_by("shortcut", "owner_id")
    chosen: dict[str, SavedReply] = {}
    for reply in rows:
        if reply.shortcut not in chosen or reply.owner_id is not None:
            chosen[reply.shortcut] = reply
    return list(chosen.values())


CONTEXT_OPERATIONS = 10
CONTEXT_CONVERSATIONS = 10
CONTEXT_REVIEWS = 5


@dataclass(frozen=True)
class CustomerContext:
    """What an agent sees beside a conversation: read-only, through the other apps' selectors."""

    conversation: Conversation
    bank_accounts: list
    operations: list
    past_conversations: list[Conversation]
    reviews: list
    offers: list


def customer_context(*, agent: Account, conversation_id: int) -> CustomerContext | None:
    """The customer's accounts, last operations, past conversations, reviews and open offers, for the agent the
    conversation is assigned to now (None for anyone else). A constant number of queries."""
    if not is_chat_agent(agent):
        return None
    conversation = (
        Conversation.objects.select_related("customer", "customer__client", "agent")
        .filter(pk=conversation_id, agent=agent, status=ConversationStatus.ACTIVE)
        .first()
    )
    if conversation is None:
        return None
    customer = conversation.customer
    past = list(
        Conversation.objects.filter(customer=customer)
        .exclude(pk=conversation.pk)
        .select_related("agent", "rating")
        .order_by("-created_at", "-id")[:CONTEXT_CONVERSATIONS]
    )
    return CustomerContext(
        conversation=conversation,
        bank_accounts=customer_bank_accounts(account=customer),
        operations=latest_receipts(account=customer, limit=CONTEXT_OPERATIONS),
        past_conversations=past,
        reviews=list(customer_reviews(account=customer)[:CONTEXT_REVIEWS]),
        offers=client_open_offers(client_id=customer.client_id) if customer.client_id else [],
    )


def session_model() -> type[AbstractBaseSession]:
    return import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()


class SignIn(NamedTuple):
    """What a chat socket was opened with: its session, and the hash of its user's password at that moment."""

    session_key: str
    password: str


def session_is_current(*, session_key: str | None, user) -> bool:
    """The session still exists, has not expired, belongs to this active user, and was made with their current
    password (as Django's own check of each request: a password change ends the other sessions).

    Asked before every frame of a chat socket, so it costs one statement (the session's data and the password
    together, in SQL written once: compiling the same ORM query anew took most of the check's time), and
    decoding the data and hashing the password happen once per distinct pair."""
    if not session_key or user is None or not user.is_authenticated:
        return False
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_session_and_password_sql(connection.vendor), [session_key, now, user.pk, True])
        row = cursor.fetchone()
    if row is None or row[1] is None:
        return False
    password, session_data = row
    return _signs_in(user.pk, session_data, password)


@lru_cache(maxsize=8)
def _session_and_password_sql(vendor: str) -> str:
    """The account's password and, if its session has not expired, the session's data (NULL otherwise)."""
    quote = connection.ops.quote_name
    session = session_model()._meta
    account = Account._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    # Only the models' own table and column names, quoted, go into the text; every value is a parameter.
    return (
        f"SELECT a.{column(account, 'password')}, s.{column(session, 'session_data')} "  # noqa: S608
        f"FROM {quote(account.db_table)} a LEFT JOIN {quote(session.db_table)} s "
        f"ON s.{column(session, 'session_key')} = %s AND s.{column(session, 'expire_date')} > %s "
        f"WHERE a.{column(account, 'id')} = %s AND a.{column(account, 'is_active')} = %s"
    )


@lru_cache(maxsize=4096)
def _signs_in(account_id: int, session_data: str, password: str) -> bool:
    """Whether the session data signs in this account with this password (both decided by their text alone)."""
    data = import_module(settings.SESSION_ENGINE).SessionStore().decode(session_data)
    if data.get(SESSION_KEY) != str(account_id):
        return False
    return constant_time_compare(data.get(HASH_SESSION_KEY, ""), Account(password=password).get_session_auth_hash())


SEARCH_LIMIT = 50


def search_conversations(*, agent: Account, query: str, day: dt.date | None) -> list[Conversation]:
    """The agent's own conversations (any status) whose messages, topic or customer's name contain every word of
    the query, started on the given local day; newest first, with the first message."""
    conversations = Conversation.objects.filter(agent=agent)
    for word in query.split():
        conversations = conversations.filter(
            contains_in_any_case(word, ("topic", "customer__first_name", "customer__last_name"))
            | Q(pk__in=ChatMessage.objects.filter(contains_in_any_case(word, ("text",))).values("conversation"))
        )
    if day is not None:
        conversations = conversations.filter(local_days("created_at", day, day))
    return list(
        with_first_message(conversations)
        .select_related("customer", "agent")
        .order_by("-created_at", "-id")[:SEARCH_LIMIT]
    )


def open_conversation_of(*, customer: Account) -> Conversation | None:
    """The customer's latest conversation that is still open (the widget continues it), or None."""
    return (
        Conversation.objects.filter(
            customer=customer, status__in=(ConversationStatus.WAITING, ConversationStatus.ACTIVE)
        )
        .select_related("customer", "agent")
        .order_by("-created_at", "-id")
        .first()
    )


def attachment_for(*, user: Account, attachment_id: int) -> ChatAttachment | None:
    """The file if the user is its conversation's customer or the chat agent it is assigned to now, else None
    (the view answers 404 either way, so nobody learns that a file exists)."""
    attachment = ChatAttachment.objects.select_related("conversation").filter(pk=attachment_id).first()
    if attachment is None:
        return None
    conversation = attachment.conversation
    if conversation.customer_id == user.pk or (conversation.agent_id == user.pk and is_chat_agent(user)):
        return attachment
    return None
