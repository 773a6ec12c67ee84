"""Websocket clients for the chat's consumer tests, speaking to the real ASGI application
(origin check, session auth, URL routing) over the in-memory channel layer."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from tests.factories import session_key_for

ORIGIN = "http://testserver"
# Frames that arrive whenever someone connects or types; tests wait past them for the frame they want.
BACKGROUND_FRAMES = {"presence", "agents_online", "typing"}


@pytest.fixture
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "chat.layers.ProcessChannelLayer"}}
    yield
    async_to_sync(get_channel_layer().flush)()


class Client:
    """One websocket connection, with helpers that wait for a frame of a given type."""

    def __init__(
        self,
        path: str,
        *,
        session_key: str | None = None,
        origin: str | None = ORIGIN,
        cookies: dict[str, str] | None = None,
    ) -> None:
        from telemarketing.asgi import application

        headers = [(b"host", b"testserver")]  # as a browser sends it: the origin check compares it with Origin
        if origin:
            headers.append((b"origin", origin.encode()))
        jar = {"sessionid": session_key} if session_key else {}
        jar.update(cookies or {})
        if jar:
            # One Cookie header, as a browser sends it (Channels reads only the first).
            headers.append((b"cookie", "; ".join(f"{name}={value}" for name, value in jar.items()).encode()))
        self.communicator = WebsocketCommunicator(application, path, headers=headers)
        self.seen: list[dict] = []

    async def connect(self) -> tuple[bool, int | str | None]:
        return await self.communicator.connect()

    async def send(self, frame) -> None:
        await self.communicator.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def send_raw(self, *, text: str | None = None, data: bytes | None = None) -> None:
        await self.communicator.send_input(
            {"type": "websocket.receive", "text": text}
            if data is None
            else {"type": "websocket.receive", "bytes": data}
        )

    async def output(self, *, timeout: float = 2) -> dict:
        """The next ASGI message the application sent. Unlike the communicator's own receive, a timeout
        here does not cancel the application, so a test can look for absent frames and carry on."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        queue = self.communicator.output_queue
        while queue.empty():
            if self.communicator.future.done():
                self.communicator.future.result()  # the consumer crashed: raise its error here
                raise AssertionError("the consumer has stopped")
            if loop.time() > deadline:
                raise TimeoutError
            await asyncio.sleep(0.005)
        return queue.get_nowait()

    async def frame(self, *types: str, timeout: float = 2) -> dict:
        """The next frame of one of ``types`` (any type if none given), skipping presence and typing noise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                output = await self.output(timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise AssertionError(f"no {types or 'frame'} within {timeout}s; saw {self.seen}") from None
            assert output["type"] == "websocket.send", f"expected a frame, got {output}"
            frame = json.loads(output["text"])
            self.seen.append(frame)
            if types and frame["type"] in types:
                return frame
            if not types and frame["type"] not in BACKGROUND_FRAMES:
                return frame

    async def message(self, client_id: str) -> dict:
        """The broadcast of the message that its sender numbered ``client_id`` (skipping others)."""
        while True:
            message = (await self.frame("message"))["message"]
            if message["client_id"] == client_id:
                return message

    async def closed_with(self) -> int:
        """The close code the server sent (after accepting the handshake)."""
        output = await self.output()
        assert output["type"] == "websocket.close", output
        return output["code"]

    async def nothing_more(self, *types: str, wait: float = 0.3) -> None:
        """No frame of ``types`` (or, with none given, no frame but presence and typing) within ``wait`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            try:
                output = await self.output(timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                return
            assert output["type"] == "websocket.send", f"expected a frame, got {output}"
            frame = json.loads(output["text"])
            self.seen.append(frame)
            assert not (types and frame["type"] in types), f"unexpected frame {frame}"
            assert types or frame["type"] in BACKGROUND_FRAMES, f"unexpected frame {frame}"

    async def disconnect(self) -> None:
        await self.communicator.disconnect()


@pytest.fixture
def ws(in_memory_layer, transactional_db):
    """Make websocket clients; a user's session is created before the event loop starts."""

    def make(path: str, user=None, *, origin: str | None = ORIGIN, cookies: dict[str, str] | None = None) -> Client:
        return Client(path, session_key=session_key_for(user) if user else None, origin=origin, cookies=cookies)

    return make


def run(scenario) -> None:
    """Run an async scenario from a sync test (database calls go back to this thread)."""
    async_to_sync(scenario)()


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """A migrated SQLite file shared by the live daphne processes of the end-to-end tests."""
    from tests.chat.live import migrate

    database = tmp_path_factory.mktemp("chat-live") / "chat.sqlite3"
    migrate(database)
    return database
