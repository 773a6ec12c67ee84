"""What the chat tells connected clients: the payloads (shared by every frame and page) and their publishing.

Services publish through ``transaction.on_commit``, so a client never hears of a message or a claim
that the database does not hold. Publishing goes through the channel layer: in memory for one process,
Redis when several daphne processes serve the chat.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse

from chat import delivery, selectors
from chat.models import ChatAttachment, ChatMessage, Conversation, ConversationNote
from chat.selectors import display_name

logger = logging.getLogger(__name__)

# Every agent's desk socket listens here (queue changes, "who is online?" questions).
AGENTS_GROUP = "chat.agents"
# Customer sockets listen here to learn how many agents are online.
AGENT_PRESENCE_GROUP = "chat.agent-presence"
# Sockets of customers whose conversation waits listen here for their place in the queue.
QUEUE_GROUP = "chat.queue"
# How many characters of the customer's first message the desk's queue shows.
PREVIEW_LENGTH = 140


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
        "first_message": _preview(conversation),
    }


def _preview(conversation: Conversation) -> str | None:
    """The customer's first message, shortened, when the conversation was loaded with it (selectors)."""
    text = getattr(conversation, "first_text", None)
    if not text:
        return None
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1].rstrip() + "…"


def note_payload(note: ConversationNote) -> dict:
    """Expects ``author`` to be loaded with the note."""
    return {
        "id": note.pk,
        "conversation": note.conversation_id,
        "author": person_payload(note.author),
        "text": note.text,
        "created_at": _when(note.created_at),
    }


def queue_payload(snapshot: selectors.QueueSnapshot, conversation_id: int) -> dict | None:
    """A waiting customer's place in the queue (1 = next) and the estimated wait in seconds (None: unknown)."""
    if conversation_id not in snapshot.waiting:
        return None
    position = snapshot.waiting.index(conversation_id) + 1
    return {"position": position, "wait_seconds": snapshot.estimated_wait(position)}


def message_payload(message: ChatMessage, *, customer_id: int) -> dict:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "client_id": message.client_message_id,
        "sender": {
            "id": message.sender_id,
            "name": display_name(message.sender),
            "role": "customer" if message.sender_id == customer_id else "agent",
        },
        "text": message.text,
        "sent_at": _when(message.created_at),
        "attachment": attachment_payload(message.attachment) if message.attachment_id else None,
    }


def attachment_payload(attachment: ChatAttachment) -> dict:
    """A file sent with a message: its name, type and size, and the addresses that serve it to participants."""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("chat:attachment", args=[attachment.pk]),
        "thumbnail_url": reverse("chat:attachment_thumbnail", args=[attachment.pk]) if attachment.thumbnail else None,
    }


async def _publish(group: str, event: dict) -> None:
    try:
        await get_channel_layer().group_send(group, event)
    except Exception:
        logger.exception("could not publish %s to %s", event.get("type"), group)
        delivery.publish_failed()


# Publishing handed to a loop, kept until done (a loop holds only weak references to its tasks).
_publishing: set[concurrent.futures.Future] = set()


def _group_send(group: str, event: dict) -> None:
    """Best effort: the data is already committed. If publishing fails, this process's chat sockets are
    closed (chat/delivery.py), and their clients catch up when they reconnect.

    Called from a thread that an event loop handed work to (a chat socket's database call, a page under
    daphne), the publishing is handed to that loop without waiting for it: the thread would otherwise stand
    idle until the loop got round to it, and on SQLite that thread is the one writer of the process."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        publishing = asyncio.run_coroutine_threadsafe(_publish(group, event), loop)
        _publishing.add(publishing)
        publishing.add_done_callback(_publishing.discard)
        return
    async_to_sync(_publish)(group, event)


def publish_message(message: ChatMessage, *, customer_id: int) -> None:
    _group_send(
        conversation_group(message.conversation_id),
        {"type": "chat.message", "message": message_payload(message, customer_id=customer_id)},
    )


def publish_conversation(conversation: Conversation, *, queue_moved: bool = True) -> None:
    """A conversation was started, claimed, transferred or closed: tell its participants, every agent's desk,
    and the waiting customers (their places in the queue moved). ``queue_moved=False``: only the conversation
    changed (its first message, which the desks show), so the waiting customers are not told again."""
    payload = conversation_payload(conversation)
    _group_send(conversation_group(conversation.pk), {"type": "chat.status", "conversation": payload})
    _group_send(AGENTS_GROUP, {"type": "desk.conversation", "conversation": payload})
    if not queue_moved:
        return
    snapshot = selectors.queue_snapshot()
    _group_send(
        QUEUE_GROUP,
        {"type": "chat.queue", "waiting": snapshot.waiting, "seconds_per_place": snapshot.seconds_per_place},
    )


def publish_conversation_on_commit(conversation_id: int, *, queue_moved: bool = True) -> None:
    """Publish the conversation as it is once the current transaction commits."""

    def publish() -> None:
        publish_conversation(selectors.conversation_for_desk(conversation_id=conversation_id), queue_moved=queue_moved)

    transaction.on_commit(publish)


def publish_note(note: ConversationNote) -> None:
    """A private note: the conversation's sockets pass it on to agents only (consumers.py checks the role)."""
    _group_send(conversation_group(note.conversation_id), {"type": "chat.note", "note": note_payload(note)})


def end_login_sockets(account_id: int) -> None:
    """Close every chat socket of one login (its password was changed or reset)."""
    _group_send(login_group(account_id), {"type": "login.ended"})
