"""A client that goes away while the server is still answering it (a phone losing its signal, a closed tab) is
an everyday event, not an error: the socket finishes quietly, with no traceback in the log, and what it had
stored stays stored.

daphne tells the application so by raising autobahn's ``Disconnected`` from ``send`` once the socket is
closing (the ASGI specification lets a server raise its own error there); ``ClosingServer`` does the same."""

from __future__ import annotations

import asyncio
import logging

import pytest
from asgiref.sync import sync_to_async
from autobahn.exception import Disconnected
from channels.testing import WebsocketCommunicator

from chat import services
from chat.models import ChatMessage
from tests.chat.conftest import ORIGIN, run
from tests.chat.test_consumers import conversation_path
from tests.factories import CustomerFactory, StaffFactory, session_key_for


@pytest.fixture
def active(transactional_db):
    conversation = services.start_conversation(customer=CustomerFactory(), topic="Карта")
    return services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))


class ClosingServer:
    """The application as daphne runs it, with a switch that makes every later frame find the socket closing."""

    def __init__(self, application) -> None:
        self.application = application
        self.closing = False

    async def __call__(self, scope, receive, send):
        async def send_unless_closing(message):
            if self.closing and message["type"] == "websocket.send":
                raise Disconnected("Attempt to send on a closed protocol")
            await send(message)

        return await self.application(scope, receive, send_unless_closing)


def test_a_customer_gone_mid_reply_ends_quietly_and_the_message_stays(in_memory_layer, active, caplog):
    from telemarketing.asgi import application

    server = ClosingServer(application)
    headers = [(b"host", b"testserver"), (b"origin", ORIGIN.encode())]
    headers.append((b"cookie", f"sessionid={session_key_for(active.customer)}".encode()))
    communicator = WebsocketCommunicator(server, conversation_path(active), headers=headers)

    async def scenario():
        assert (await communicator.connect())[0]
        assert (await communicator.receive_json_from())["type"] == "hello"
        server.closing = True  # the customer closed the tab: the ack will find the socket closing
        await communicator.send_json_to({"type": "message", "client_id": "last", "text": "Спасибо!"})
        await communicator.send_json_to({"type": "ping"})  # and a frame after it: still no error
        for _ in range(500):  # up to 10 s on a busy machine
            if await sync_to_async(ChatMessage.objects.filter(client_message_id="last").exists)():
                break
            await asyncio.sleep(0.02)
        await communicator.send_input({"type": "websocket.disconnect", "code": 1001})
        await asyncio.wait_for(communicator.future, timeout=10)  # ended without an exception

    with caplog.at_level(logging.WARNING):
        run(scenario)
    assert ChatMessage.objects.filter(client_message_id="last").count() == 1
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
