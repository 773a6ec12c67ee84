"""The statements every chat message takes, compiled once per database (``core.compiled``).

A message is the chat's hot path: at 200 messages a second on a database across a network, each statement's
round trip and each ORM compilation is paid 200 times a second on one process (issue 14: about 4.5 ms of CPU
per message, half of it in the ten statements of the first version). The conversation's number is taken by a
conditional UPDATE that also checks, in its WHERE, that the sender takes part and the conversation is open; the
row it locks is then read once, and the message inserted: three statements between BEGIN and COMMIT. A message
sent through a chat socket also checks there that the socket's session still exists and has not expired, and that
the sender is active with the password they had when the socket opened: the check every frame of a socket makes
(chat/sockets.py), without a statement of its own.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import Case, Exists, F, Q, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Account
from chat.models import ChatMessage, Conversation, ConversationStatus
from chat.selectors import session_model
from core.compiled import Insert, Select, Slots, Statement, update

OPEN_STATUSES = (ConversationStatus.WAITING, ConversationStatus.ACTIVE)


@lru_cache(maxsize=8)
def take_next_number(alias: str, *, signed_in: bool = False) -> Statement:
    """Add one to the conversation's last message number if it is open and the sender is its customer or its
    agent (0 rows changed otherwise), and stamp an agent's first answer (the supervisors' first-response time).
    ``signed_in``: only while the sender's session and password are still those of the socket (the module)."""
    kinds: dict[str, type] = {"conversation": int, "sender": int, "now": dt.datetime}
    if signed_in:
        kinds |= {"session_key": str, "password": str}
    slots = Slots(**kinds)
    conversations = Conversation.objects.filter(
        Q(customer_id=slots["sender"]) | Q(agent_id=slots["sender"]),
        pk=slots["conversation"],
        status__in=OPEN_STATUSES,
    )
    if signed_in:
        conversations = conversations.filter(
            Exists(session_model().objects.filter(session_key=slots["session_key"], expire_date__gt=slots["now"])),
            Exists(Account.objects.filter(pk=slots["sender"], is_active=True, password=slots["password"])),
        )
    changes = {
        "last_message_seq": F("last_message_seq") + 1,
        "first_response_at": Case(
            When(customer_id=slots["sender"], then=F("first_response_at")),
            default=Coalesce(F("first_response_at"), Value(slots["now"])),
        ),
    }
    return update(conversations, changes, alias=alias, slots=slots)


@lru_cache(maxsize=8)
def numbered(alias: str) -> Select[Conversation]:
    """The conversation as the message needs it: its new number, its customer, and where offline answers go."""
    slots = Slots(conversation=int)
    conversation = Conversation.objects.filter(pk=slots["conversation"]).only(
        "customer_id", "agent_id", "status", "last_message_seq", "reply_email", "contact_name"
    )
    return Select(conversation.order_by(), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def new_message(alias: str) -> Insert[ChatMessage]:
    slots = Slots(
        conversation_id=int,
        sender_id=int,
        client_message_id=str,
        seq=int,
        text=str,
        created_at=dt.datetime,
        attachment_id=int,
    )
    return Insert(ChatMessage, alias=alias, slots=slots)
