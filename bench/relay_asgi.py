"""The chat benchmark's floor: daphne and Channels carrying the chat's frames with none of the chat's own work.

A socket at ``/relay/<pair>/`` joins its pair's group. A ``message`` frame is answered with an ``ack`` to its
sender and goes through the channel layer to the pair's other socket, as a chat message does, with no database,
session, Origin check or rules. Served by daphne with the project's channel layer settings
(``python -m bench.chat_floor``); never part of the product.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402  (needs Django set up first)
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Relay(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.group = f"relay-{self.scope['url_route']['kwargs']['pair']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if content.get("type") != "message":
            return
        message = {"client_id": content["client_id"], "text": content["text"]}
        await self.send_json({"type": "ack", "client_id": content["client_id"]})
        await self.channel_layer.group_send(
            self.group, {"type": "relay.message", "sender": self.channel_name, "message": message}
        )

    async def relay_message(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send_json({"type": "message", "message": event["message"]})


application = URLRouter([path("relay/<int:pair>/", Relay.as_asgi())])
