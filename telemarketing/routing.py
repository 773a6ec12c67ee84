"""Websocket routes of every app, gathered for the ASGI router."""

from django.urls import path, re_path

from campaigns.consumers import WallboardConsumer
from chat.consumers import ConversationConsumer, UnknownEndpointConsumer
from chat.desk_consumers import AgentDeskConsumer

websocket_urlpatterns = [
    path("ws/chat/conversations/<int:conversation_id>/", ConversationConsumer.as_asgi()),
    path("ws/chat/agent/", AgentDeskConsumer.as_asgi()),
    path("ws/campaigns/wallboard/", WallboardConsumer.as_asgi()),
    re_path(r"", UnknownEndpointConsumer.as_asgi()),  # keep last
]
