"""Websocket endpoints of the chat (protocol: docs/chat-protocol.md).

``ConversationConsumer`` joins one conversation (its customer, or the agent who claimed it); an agent's live
queue is ``chat.desk_consumers.AgentDeskConsumer``. Both only parse frames, check who is asking and call
the chat's services and selectors; every frame a client gets wrong is answered with an error frame,
and no frame can end the connection by accident.
"""

from __future__ import annotations

from collections import deque

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from chat import assignment, events, replies, selectors, services
from chat.database import in_database_thread
from chat.models import ConversationStatus
from chat.sockets import ChatSocket, CloseCode, FrameError, positive_int
from outreach import notifications


class ConversationConsumer(ChatSocket):
    """One conversation, for its customer or for the agent who claimed it."""

    frame_handlers = {
        "message": "on_message",
        "sync": "on_sync",
        "typing": "on_typing",
        "close": "on_close",
        "note": "on_note",
        "ping": "on_ping",
    }
    # Their handlers check the session in their own database call: a message in its UPDATE (``signed_in``), a
    # sync through ``self.database``.
    database_frames = frozenset({"message", "sync"})

    async def connect(self):
        self.user = self.scope.get("user")
        self.group = None
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        try:
            participation = await in_database_thread(selectors.participation)(
                user=self.user, conversation_id=conversation_id
            )
        except selectors.NotParticipant as refusal:
            await self.refuse(CloseCode.NOT_FOUND if refusal.hidden else CloseCode.FORBIDDEN)
            return
        self.conversation_id = participation.conversation.pk
        self.role = participation.role
        self.customer_id = participation.conversation.customer_id
        self.peer_channels: set[str] = set()
        # This socket's stored messages whose broadcast has not come back yet: a socket handles one frame or event
        # at a time, so the broadcast of a message always comes after its ack, and is not sent again.
        self.acked: deque[int] = deque(maxlen=64)
        self.online_agents: dict[str, int] = {}
        self.queue_place: dict | None = None
        groups = [events.conversation_group(self.conversation_id)]
        if self.role == "customer":
            groups.append(events.AGENT_PRESENCE_GROUP)
        # Only customers who wait hear the queue move: every change of the queue reaches each of them.
        self.in_queue = self.role == "customer" and participation.conversation.status == ConversationStatus.WAITING
        if self.in_queue:
            groups.append(events.QUEUE_GROUP)
        if not await self.join(*groups):
            return
        self.group = groups[0]
        await self.accept()
        last_message_id, last_seq, extra = await in_database_thread(self.opening)(participation.conversation)
        await self.send_frame(
            {
                "type": "hello",
                "role": self.role,
                "user": events.person_payload(self.user),
                "conversation": events.conversation_payload(participation.conversation),
                "last_message_id": last_message_id,
                "last_seq": last_seq,
            }
        )
        for frame in extra:
            await self.send_frame(frame)
        await self.announce_presence(online=True, ask_back=True)
        if self.role == "customer":
            await self.send_frame({"type": "agents_online", "count": 0})
            await self.publish(
                self.channel_layer.group_send,
                events.AGENTS_GROUP,
                {"type": "desk.presence_query", "reply_to": self.channel_name},
            )

    def opening(self, conversation) -> tuple[int, int, list[dict]]:
        """The marks of the hello frame, and the frames that follow it: a waiting customer's place in the queue;
        an agent's private notes and saved replies (filled in for this customer)."""
        extra = []
        if self.role == "customer":
            notifications.chat_seen(customer_id=self.user.pk)
        if self.role == "customer" and conversation.status == conversation.Status.WAITING:
            self.queue_place = events.queue_payload(selectors.queue_snapshot(), self.conversation_id)
            if self.queue_place is not None:
                extra.append({"type": "queue", **self.queue_place})
        if self.role == "agent":
            notes = selectors.conversation_notes(conversation_id=self.conversation_id)
            extra.append({"type": "notes", "notes": [events.note_payload(note) for note in notes]})
            values = replies.placeholder_values(conversation, self.user)
            extra.append(
                {
                    "type": "replies",
                    "replies": [
                        {
                            "shortcut": reply.shortcut,
                            "text": replies.fill(reply.text, values),
                            "own": bool(reply.owner_id),
                        }
                        for reply in selectors.saved_replies(agent=self.user)
                    ],
                }
            )
        return (
            selectors.last_message_id(conversation_id=self.conversation_id),
            selectors.last_message_seq(conversation_id=self.conversation_id),
            extra,
        )

    async def disconnect(self, code):
        if self.group is None:
            return
        if not self.closing:
            await self.announce_presence(online=False, ask_back=False)
        await self.leave(
            self.group,
            *([events.AGENT_PRESENCE_GROUP] if self.role == "customer" else []),
            *([events.QUEUE_GROUP] if self.in_queue else []),
        )

    async def announce_presence(self, *, online: bool, ask_back: bool) -> None:
        event = {"type": "chat.presence", "role": self.role, "channel": self.channel_name, "online": online}
        if ask_back:
            event["reply_to"] = self.channel_name
        await self.publish(self.channel_layer.group_send, self.group, event)

    # Frames from the client

    async def on_message(self, frame: dict) -> None:
        try:
            message, created = await in_database_thread(services.post_message)(
                conversation_id=self.conversation_id,
                sender=self.user,
                client_message_id=frame.get("client_id"),
                text=frame.get("text"),
                signed_in=self.signed_in(),
            )
        except services.InvalidMessage:  # refused before its UPDATE checked the session: an ended one comes first
            if not await in_database_thread(self.session_current)():
                raise services.SessionEnded() from None
            raise
        if created and self.role == "agent" and not self.peer_channels:  # the customer has no chat open
            await in_database_thread(notifications.notify_chat_answer)(
                customer_id=self.customer_id,
                conversation_id=self.conversation_id,
                message_id=message.pk,
                text=message.text,
            )
        if created:
            self.acked.append(message.pk)
        await self.send_frame(
            {"type": "ack", "client_id": message.client_message_id, "message": self.message_payload(message)}
        )

    async def on_sync(self, frame: dict) -> None:
        if "after_seq" in frame:
            after_seq = positive_int(frame, "after_seq")
            messages = await self.database(
                selectors.messages_after_seq, conversation_id=self.conversation_id, after_seq=after_seq
            )
            mark = {"after_seq": after_seq}
        else:
            after = positive_int(frame, "after", default=0)
            messages = await self.database(
                selectors.messages_after, conversation_id=self.conversation_id, after_id=after
            )
            mark = {"after": after}
        await self.send_frame(
            {
                "type": "history",
                **mark,
                "messages": [self.message_payload(message) for message in messages],
                "more": len(messages) == selectors.HISTORY_PAGE_SIZE,
            }
        )

    async def on_typing(self, frame: dict) -> None:
        typing = frame.get("typing", True)
        if not isinstance(typing, bool):
            raise FrameError("bad_frame", _("The field “typing” must be true or false."))
        await self.publish(
            self.channel_layer.group_send,
            self.group,
            {"type": "chat.typing", "role": self.role, "channel": self.channel_name, "typing": typing},
        )

    async def on_close(self, frame: dict) -> None:
        await in_database_thread(services.close_conversation)(conversation_id=self.conversation_id, by=self.user)

    async def on_note(self, frame: dict) -> None:
        if self.role != "agent":
            raise services.NotAllowed(_("Only agents can write private notes."))
        await in_database_thread(assignment.add_note)(
            conversation_id=self.conversation_id, author=self.user, text=frame.get("text")
        )

    def message_payload(self, message) -> dict:
        return events.message_payload(message, customer_id=self.customer_id)

    # Events from the channel layer

    async def chat_message(self, event: dict) -> None:
        message = event["message"]
        if message["id"] in self.acked:  # this socket sent it and had it in its ack (the sender's other tabs get it)
            self.acked.remove(message["id"])
            return
        await self.send_frame({"type": "message", "message": message})

    async def chat_status(self, event: dict) -> None:
        conversation = event["conversation"]
        await self.send_frame({"type": "status", "conversation": conversation})
        if self.role == "customer":
            await self.follow_queue(waiting=conversation["status"] == ConversationStatus.WAITING)
        if self.role == "agent" and (conversation["agent"] or {}).get("id") != self.user.pk and not self.closing:
            # Handed to a colleague or back to the queue: this agent no longer takes part.
            self.closing = True
            await self.announce_presence(online=False, ask_back=False)
            await self.close(code=CloseCode.FORBIDDEN)

    async def chat_note(self, event: dict) -> None:
        """Private notes reach agents only: the customer's socket drops them here, whatever the page shows."""
        if self.role == "agent":
            await self.send_frame({"type": "note", "note": event["note"]})

    async def follow_queue(self, *, waiting: bool) -> None:
        """Join the queue's group when the conversation is back in the queue (and say where it stands: the queue's
        own update may have gone out before the group was joined); leave it once an agent has taken it."""
        if waiting == self.in_queue:
            return
        self.in_queue = waiting
        if not waiting:
            self.queue_place = None
            await self.publish(self.channel_layer.group_discard, events.QUEUE_GROUP, self.channel_name)
            return
        await self.publish(self.channel_layer.group_add, events.QUEUE_GROUP, self.channel_name)
        snapshot = await in_database_thread(selectors.queue_snapshot)()
        self.queue_place = events.queue_payload(snapshot, self.conversation_id)
        if self.queue_place is not None:
            await self.send_frame({"type": "queue", **self.queue_place})

    async def chat_queue(self, event: dict) -> None:
        if self.role != "customer":
            return
        snapshot = selectors.QueueSnapshot(waiting=event["waiting"], seconds_per_place=event["seconds_per_place"])
        place = events.queue_payload(snapshot, self.conversation_id)
        if place is not None and place != self.queue_place:
            await self.send_frame({"type": "queue", **place})
        self.queue_place = place

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
            await self.publish(
                self.channel_layer.send,
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


class UnknownEndpointConsumer(AsyncWebsocketConsumer):
    """Any other websocket path: a clear close code instead of an error in the router."""

    async def connect(self):
        await self.accept()
        await self.close(code=CloseCode.NOT_FOUND)
