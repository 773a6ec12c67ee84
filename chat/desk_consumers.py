"""The agent's desk socket (protocol: docs/chat-protocol.md): the live queue and the agent's own active
conversations, claiming, availability and transfers. Like the conversation's socket (chat/consumers.py) it only
parses frames, checks who is asking and calls the chat's services and selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chat import assignment, events, selectors, services
from chat.database import in_database_thread
from chat.sockets import ChatSocket, CloseCode, FrameError, positive_int


class AgentDeskConsumer(ChatSocket):
    """An agent's live queue and own active conversations; claiming happens here."""

    frame_handlers = {
        "claim": "on_claim",
        "refresh": "on_refresh",
        "availability": "on_availability",
        "transfer": "on_transfer",
        "agents": "on_agents",
        "ping": "on_ping",
    }

    async def connect(self):
        self.user = self.scope.get("user")
        self.joined = False
        if self.user is None or not self.user.is_authenticated:
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        if not await in_database_thread(selectors.is_chat_agent)(self.user):
            await self.refuse(CloseCode.FORBIDDEN)
            return
        if not await self.join(events.AGENTS_GROUP):
            return
        self.joined = True
        await self.accept()
        await self.on_refresh({})
        await self.announce(online=True)

    async def disconnect(self, code):
        if not self.joined:
            return
        if not self.closing:
            await self.announce(online=False)
        await self.leave(events.AGENTS_GROUP)

    async def announce(self, *, online: bool) -> None:
        await self.publish(
            self.channel_layer.group_send, events.AGENT_PRESENCE_GROUP, self.presence_event(online=online)
        )

    def presence_event(self, *, online: bool) -> dict:
        return {"type": "agents.presence", "channel": self.channel_name, "agent": self.user.pk, "online": online}

    # Frames from the client

    async def on_claim(self, frame: dict) -> None:
        conversation_id = positive_int(frame, "conversation")
        conversation = await in_database_thread(services.claim_conversation)(
            conversation_id=conversation_id, agent=self.user
        )
        await self.send_frame({"type": "claimed", "conversation": events.conversation_payload(conversation)})

    async def on_refresh(self, frame: dict) -> None:
        queue, mine, settings = await in_database_thread(self.desk)()
        await self.send_frame(
            {
                "type": "desk",
                "user": events.person_payload(self.user),
                "availability": settings.availability,
                "capacity": settings.capacity,
                "queue": [events.conversation_payload(conversation) for conversation in queue],
                "mine": [events.conversation_payload(conversation) for conversation in mine],
            }
        )

    def desk(self):
        return (
            selectors.waiting_queue(),
            selectors.agent_active_conversations(agent=self.user),
            assignment.agent_settings(agent=self.user),
        )

    async def on_availability(self, frame: dict) -> None:
        settings = await in_database_thread(assignment.set_availability)(
            agent=self.user, availability=frame.get("availability")
        )
        await self.send_frame(
            {"type": "availability", "availability": settings.availability, "capacity": settings.capacity}
        )

    async def on_transfer(self, frame: dict) -> None:
        conversation_id = positive_int(frame, "conversation")
        to = frame.get("to")
        if to is not None:
            to = positive_int(frame, "to")
        note = frame.get("note", "")
        if not isinstance(note, str):
            raise FrameError("bad_frame", _("The field “%(field)s” must be text.") % {"field": "note"})
        conversation = await in_database_thread(assignment.transfer_conversation)(
            conversation_id=conversation_id, by=self.user, to_agent_id=to, note=note
        )
        await self.send_frame({"type": "transferred", "conversation": events.conversation_payload(conversation)})

    async def on_agents(self, frame: dict) -> None:
        agents = await in_database_thread(selectors.transfer_targets)(agent=self.user)
        await self.send_frame({"type": "agents", "agents": agents})

    # Events from the channel layer

    async def desk_conversation(self, event: dict) -> None:
        await self.send_frame({"type": "conversation", "conversation": event["conversation"]})

    async def desk_presence_query(self, event: dict) -> None:
        await self.publish(self.channel_layer.send, event["reply_to"], self.presence_event(online=True))
