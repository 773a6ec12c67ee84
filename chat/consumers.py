"""Websocket endpoints of the chat (protocol: docs/chat-protocol.md).

``ConversationConsumer`` joins one conversation (its customer, or the agent who claimed it);
``AgentDeskConsumer`` is an agent's live queue. Both only parse frames, check who is asking and call
the chat's services and selectors; every frame a client gets wrong is answered with an error frame,
and no frame can end the connection by accident.
"""

from __future__ import annotations

import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from chat import events, selectors, services
from core.db_availability import is_database_unavailable
from core.text import is_clean_json

logger = logging.getLogger(__name__)


class CloseCode:
    """Close codes sent after the handshake, so every client can tell why (documented in the protocol)."""

    NOT_AUTHENTICATED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    UNAVAILABLE = 4503  # the database cannot be reached: reconnect with backoff


class DatabaseUnavailableClose:
    """Wraps the websocket stack: when the database cannot be reached while a socket connects (reading its
    session and user, or its conversation), the socket is closed with 4503 instead of failing with 1011."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        accepted = False

        async def send_noting_accept(message):
            nonlocal accepted
            accepted = accepted or message["type"] == "websocket.accept"
            await send(message)

        try:
            return await self.app(scope, receive, send_noting_accept)
        except Exception as error:
            if scope["type"] != "websocket" or not is_database_unavailable(error):
                raise
            logger.warning("database unavailable for websocket %s: %s", scope.get("path"), error)
            if not accepted:  # a close before the handshake would reach the client as 403
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CloseCode.UNAVAILABLE})


# A text frame longer than this is refused before it is parsed. A 4,000-character message fits
# with room for JSON escapes; anything bigger is not a frame of this protocol.
MAX_FRAME_CHARS = 32_000


class TokenBucket:
    """Allows ``burst`` frames at once and ``rate`` per second after that, per connection."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class FrameError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _language_of(scope) -> str:
    requested = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    if requested and translation.check_for_language(requested):
        return requested
    return settings.LANGUAGE_CODE


def _second_factor_passed(scope, user) -> bool:
    """Staff sockets need the session's second factor, as the staff pages do (portal.middleware)."""
    if not settings.STAFF_TWO_FACTOR_REQUIRED or user.is_customer:
        return True
    return bool(scope.get("session", {}).get(DEVICE_ID_SESSION_KEY))


def _positive_int(frame: dict, field: str, *, default: int | None = None) -> int:
    value = frame.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError("bad_frame", _("The field “%(field)s” must be a whole number.") % {"field": field})
    return value


class ChatSocket(AsyncWebsocketConsumer):
    """Frame parsing, rate limiting and error frames shared by the chat's sockets."""

    rate_per_second = 5.0
    burst = 20
    frame_handlers: dict[str, str] = {}

    async def websocket_connect(self, message):
        self.language = _language_of(self.scope)
        self.limiter = TokenBucket(rate=self.rate_per_second, burst=self.burst)
        user = self.scope.get("user")
        if user is not None and user.is_authenticated and not _second_factor_passed(self.scope, user):
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        if user is not None and user.is_authenticated:
            # A password change or reset of this login closes its sockets (chat.signals).
            await self.channel_layer.group_add(events.login_group(user.pk), self.channel_name)
        with translation.override(self.language):
            await super().websocket_connect(message)

    async def websocket_disconnect(self, message):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self.channel_layer.group_discard(events.login_group(user.pk), self.channel_name)
        await super().websocket_disconnect(message)

    async def login_ended(self, event: dict) -> None:
        await self.close(code=CloseCode.NOT_AUTHENTICATED)

    async def refuse(self, code: int) -> None:
        """Accept, then close with the code: a close before the handshake would reach the client as 403."""
        await self.accept()
        await self.close(code=code)

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_error(self, code: str, message: str, *, frame: dict | None = None) -> None:
        error = {"type": "error", "code": code, "message": message}
        if isinstance(frame, dict):
            for echoed in ("type", "client_id"):
                if isinstance(frame.get(echoed), str):
                    error["in_reply_to" if echoed == "type" else echoed] = frame[echoed]
        await self.send_frame(error)

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            allowed = self.limiter.allow()  # every frame counts, good or bad
            frame = None
            try:
                try:
                    frame = self.parse(text_data)
                except FrameError:
                    if allowed:
                        raise
                if not allowed:
                    raise FrameError("rate_limited", _("Too many frames: slow down."))
                await getattr(self, self.frame_handlers[frame["type"]])(frame)
            except FrameError as error:
                await self.send_error(error.code, error.message, frame=frame)
            except services.ChatError as error:
                await self.send_error(error.code, str(error), frame=frame)
            except Exception:
                logger.exception("chat frame failed")
                await self.send_error("server_error", _("Something went wrong; please try again."), frame=frame)

    def parse(self, text_data) -> dict:
        if text_data is None:
            raise FrameError("bad_frame", _("Frames must be JSON text, not binary."))
        if len(text_data) > MAX_FRAME_CHARS:
            raise FrameError("too_large", _("The frame is too large."))
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            raise FrameError("bad_json", _("The frame is not valid JSON.")) from None
        if not is_clean_json(frame):
            raise FrameError("bad_text", _("The text contains characters that cannot be sent."))
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise FrameError("bad_frame", _("A frame must be a JSON object with a “type”."))
        if frame["type"] not in self.frame_handlers:
            raise FrameError("unknown_type", _("Unknown frame type “%(type)s”.") % {"type": frame["type"][:50]})
        return frame

    async def on_ping(self, frame: dict) -> None:
        await self.send_frame({"type": "pong"})


class ConversationConsumer(ChatSocket):
    """One conversation, for its customer or for the agent who claimed it."""

    frame_handlers = {
        "message": "on_message",
        "sync": "on_sync",
        "typing": "on_typing",
        "close": "on_close",
        "ping": "on_ping",
    }

    async def connect(self):
        self.user = self.scope.get("user")
        self.group = None
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        try:
            participation = await database_sync_to_async(selectors.participation)(
                user=self.user, conversation_id=conversation_id
            )
        except selectors.NotParticipant as refusal:
            await self.refuse(CloseCode.NOT_FOUND if refusal.hidden else CloseCode.FORBIDDEN)
            return
        self.conversation_id = participation.conversation.pk
        self.role = participation.role
        self.customer_id = participation.conversation.customer_id
        self.peer_channels: set[str] = set()
        self.online_agents: dict[str, int] = {}
        self.group = events.conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        if self.role == "customer":
            await self.channel_layer.group_add(events.AGENT_PRESENCE_GROUP, self.channel_name)
        await self.accept()
        last_message_id = await database_sync_to_async(selectors.last_message_id)(conversation_id=self.conversation_id)
        await self.send_frame(
            {
                "type": "hello",
                "role": self.role,
                "user": events.person_payload(self.user),
                "conversation": events.conversation_payload(participation.conversation),
                "last_message_id": last_message_id,
            }
        )
        await self.announce_presence(online=True, ask_back=True)
        if self.role == "customer":
            await self.send_frame({"type": "agents_online", "count": 0})
            await self.channel_layer.group_send(
                events.AGENTS_GROUP, {"type": "desk.presence_query", "reply_to": self.channel_name}
            )

    async def disconnect(self, code):
        if self.group is None:
            return
        await self.announce_presence(online=False, ask_back=False)
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.role == "customer":
            await self.channel_layer.group_discard(events.AGENT_PRESENCE_GROUP, self.channel_name)

    async def announce_presence(self, *, online: bool, ask_back: bool) -> None:
        event = {"type": "chat.presence", "role": self.role, "channel": self.channel_name, "online": online}
        if ask_back:
            event["reply_to"] = self.channel_name
        await self.channel_layer.group_send(self.group, event)

    # Frames from the client

    async def on_message(self, frame: dict) -> None:
        message, _created = await database_sync_to_async(services.post_message)(
            conversation_id=self.conversation_id,
            sender=self.user,
            client_message_id=frame.get("client_id"),
            text=frame.get("text"),
        )
        await self.send_frame(
            {"type": "ack", "client_id": message.client_message_id, "message": self.message_payload(message)}
        )

    async def on_sync(self, frame: dict) -> None:
        after = _positive_int(frame, "after", default=0)
        messages = await database_sync_to_async(selectors.messages_after)(
            conversation_id=self.conversation_id, after_id=after
        )
        await self.send_frame(
            {
                "type": "history",
                "after": after,
                "messages": [self.message_payload(message) for message in messages],
                "more": len(messages) == selectors.HISTORY_PAGE_SIZE,
            }
        )

    async def on_typing(self, frame: dict) -> None:
        typing = frame.get("typing", True)
        if not isinstance(typing, bool):
            raise FrameError("bad_frame", _("The field “typing” must be true or false."))
        await self.channel_layer.group_send(
            self.group, {"type": "chat.typing", "role": self.role, "channel": self.channel_name, "typing": typing}
        )

    async def on_close(self, frame: dict) -> None:
        await database_sync_to_async(services.close_conversation)(conversation_id=self.conversation_id, by=self.user)

    def message_payload(self, message) -> dict:
        return events.message_payload(message, customer_id=self.customer_id)

    # Events from the channel layer

    async def chat_message(self, event: dict) -> None:
        await self.send_frame({"type": "message", "message": event["message"]})

    async def chat_status(self, event: dict) -> None:
        await self.send_frame({"type": "status", "conversation": event["conversation"]})

    async def chat_typing(self, event: dict) -> None:
        if event["role"] != self.role:
            await self.send_frame({"type": "typing", "role": event["role"], "typing": event["typing"]})

    async def chat_presence(self, event: dict) -> None:
        if event["role"] == self.role:
            return
        was_online = bool(self.peer_channels)
        if event["online"]:
            self.peer_channels.add(event["channel"])
        else:
            self.peer_channels.discard(event["channel"])
        if bool(self.peer_channels) != was_online:
            await self.send_frame({"type": "presence", "role": event["role"], "online": bool(self.peer_channels)})
        if event.get("reply_to"):
            await self.channel_layer.send(
                event["reply_to"],
                {"type": "chat.presence", "role": self.role, "channel": self.channel_name, "online": True},
            )

    async def agents_presence(self, event: dict) -> None:
        before = len(set(self.online_agents.values()))
        if event["online"]:
            self.online_agents[event["channel"]] = event["agent"]
        else:
            self.online_agents.pop(event["channel"], None)
        count = len(set(self.online_agents.values()))
        if count != before:
            await self.send_frame({"type": "agents_online", "count": count})


class AgentDeskConsumer(ChatSocket):
    """An agent's live queue and own active conversations; claiming happens here."""

    frame_handlers = {"claim": "on_claim", "refresh": "on_refresh", "ping": "on_ping"}

    async def connect(self):
        self.user = self.scope.get("user")
        self.joined = False
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        if not await database_sync_to_async(selectors.is_chat_agent)(self.user):
            await self.refuse(CloseCode.FORBIDDEN)
            return
        await self.channel_layer.group_add(events.AGENTS_GROUP, self.channel_name)
        self.joined = True
        await self.accept()
        await self.on_refresh({})
        await self.announce(online=True)

    async def disconnect(self, code):
        if not self.joined:
            return
        await self.announce(online=False)
        await self.channel_layer.group_discard(events.AGENTS_GROUP, self.channel_name)

    async def announce(self, *, online: bool) -> None:
        await self.channel_layer.group_send(events.AGENT_PRESENCE_GROUP, self.presence_event(online=online))

    def presence_event(self, *, online: bool) -> dict:
        return {"type": "agents.presence", "channel": self.channel_name, "agent": self.user.pk, "online": online}

    # Frames from the client

    async def on_claim(self, frame: dict) -> None:
        conversation_id = _positive_int(frame, "conversation")
        conversation = await database_sync_to_async(services.claim_conversation)(
            conversation_id=conversation_id, agent=self.user
        )
        await self.send_frame({"type": "claimed", "conversation": events.conversation_payload(conversation)})

    async def on_refresh(self, frame: dict) -> None:
        queue, mine = await database_sync_to_async(self.desk)()
        await self.send_frame(
            {
                "type": "desk",
                "user": events.person_payload(self.user),
                "queue": [events.conversation_payload(conversation) for conversation in queue],
                "mine": [events.conversation_payload(conversation) for conversation in mine],
            }
        )

    def desk(self):
        return selectors.waiting_queue(), selectors.agent_active_conversations(agent=self.user)

    # Events from the channel layer

    async def desk_conversation(self, event: dict) -> None:
        await self.send_frame({"type": "conversation", "conversation": event["conversation"]})

    async def desk_presence_query(self, event: dict) -> None:
        await self.channel_layer.send(event["reply_to"], self.presence_event(online=True))


class UnknownEndpointConsumer(AsyncWebsocketConsumer):
    """Any other websocket path: a clear close code instead of an error in the router."""

    async def connect(self):
        await self.accept()
        await self.close(code=CloseCode.NOT_FOUND)
