"""What the chat tells connected clients: the payloads (shared by every frame and page) and their publishing.

Services publish through ``transaction.on_commit``, so a client never hears of a message or a claim
that the database does not hold. Publishing goes through the channel layer: in memory for one process,
Redis when several daphne processes serve the chat.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.models import ChatMessage, Conversation
from chat.selectors import display_name

logger = logging.getLogger(__name__)

# Every agent's desk socket listens here (queue changes, "who is online?" questions).
AGENTS_GROUP = "chat.agents"
# Customer sockets listen here to learn how many agents are online.
AGENT_PRESENCE_GROUP = "chat.agent-presence"


def login_group(account_id: int) -> str:
    """Every socket of one login: closed when its password changes."""
    return f"chat.login-{account_id}"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def person_payload(account) -> dict:
    return {"id": account.pk, "name": display_name(account)}


def conversation_payload(conversation: Conversation) -> dict:
    """Expects ``customer`` and ``agent`` to be loaded with the conversation (select_related)."""
    return {
        "id": conversation.pk,
        "topic": conversation.topic,
        "status": conversation.status,
        "customer": person_payload(conversation.customer),
        "agent": person_payload(conversation.agent) if conversation.agent_id else None,
        "created_at": _when(conversation.created_at),
        "claimed_at": _when(conversation.claimed_at),
        "closed_at": _when(conversation.closed_at),
        "rated": conversation.rating_id is not None,
    }


def message_payload(message: ChatMessage, *, customer_id: int) -> dict:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "client_id": message.client_message_id,
        "sender": {
            "id": message.sender_id,
            "name": display_name(message.sender),
            "role": "customer" if message.sender_id == customer_id else "agent",
        },
        "text": message.text,
        "sent_at": _when(message.created_at),
    }


def _group_send(group: str, event: dict) -> None:
    """Best effort: the data is already committed, and a client that missed it catches up on reconnect."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        logger.exception("could not publish %s to %s", event.get("type"), group)


def publish_message(message: ChatMessage, *, customer_id: int) -> None:
    _group_send(
        conversation_group(message.conversation_id),
        {"type": "chat.message", "message": message_payload(message, customer_id=customer_id)},
    )


def publish_conversation(conversation: Conversation) -> None:
    """A conversation was started, claimed or closed: tell its participants and every agent's desk."""
    payload = conversation_payload(conversation)
    _group_send(conversation_group(conversation.pk), {"type": "chat.status", "conversation": payload})
    _group_send(AGENTS_GROUP, {"type": "desk.conversation", "conversation": payload})


def end_login_sockets(account_id: int) -> None:
    """Close every chat socket of one login (its password was changed or reset)."""
    _group_send(login_group(account_id), {"type": "login.ended"})
