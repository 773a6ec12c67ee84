"""Reads of the chat: who may join what, the agents' queue, and the history a client asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet

from accounts.models import Account
from accounts.roles import CHAT_AGENTS
from chat.models import ChatMessage, Conversation, ConversationStatus

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


def waiting_queue(*, limit: int = QUEUE_LIMIT) -> list[Conversation]:
    """The oldest waiting conversations first: the order in which agents should take them."""
    return list(
        Conversation.objects.filter(status=ConversationStatus.WAITING)
        .select_related("customer")
        .order_by("created_at", "id")[:limit]
    )


def agent_active_conversations(*, agent: Account) -> list[Conversation]:
    return list(
        Conversation.objects.filter(agent=agent, status=ConversationStatus.ACTIVE)
        .select_related("customer", "agent")
        .order_by("claimed_at", "id")
    )


def messages_after(*, conversation_id: int, after_id: int, limit: int | None = None) -> list[ChatMessage]:
    """Up to ``limit`` (a page) messages with an id above ``after_id``, oldest first: a reconnecting client's
    catch-up."""
    limit = limit or HISTORY_PAGE_SIZE
    return list(
        ChatMessage.objects.filter(conversation_id=conversation_id, id__gt=after_id)
        .select_related("sender")
        .order_by("id")[:limit]
    )


def messages_after_seq(*, conversation_id: int, after_seq: int, limit: int | None = None) -> list[ChatMessage]:
    """Up to ``limit`` (a page) messages numbered above ``after_seq``, in order: the catch-up of a client that
    has seen every message up to that number (and perhaps some after it)."""
    limit = limit or HISTORY_PAGE_SIZE
    return list(
        ChatMessage.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
        .select_related("sender")
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
    return list(conversation.messages.select_related("sender").order_by("id"))
