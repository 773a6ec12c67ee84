"""Two real daphne processes sharing Redis and one database serve one chat, and a restart loses nothing.

The customer talks to process A, the agent to process B; messages cross through Redis. Process B is
restarted mid-conversation: the agent reconnects, says the last id it saw, and gets what it missed.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from websockets.asyncio.client import connect

from tests.chat.live import Daphne, server_environment, set_up

pytestmark = [pytest.mark.processes, pytest.mark.redis]

BACKGROUND_FRAMES = {"presence", "agents_online", "typing"}


class Socket:
    """A websocket client signed in with a session cookie, as a browser or the mobile app would be."""

    def __init__(self, server: Daphne, path: str, session: str) -> None:
        self.url = server.ws + path
        self.origin = server.http
        self.session = session
        self.connection = None

    async def __aenter__(self) -> Socket:
        self.connection = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": f"sessionid={self.session}; django_language=en"},
            proxy=None,
            open_timeout=10,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.connection.close()

    async def send(self, frame: dict) -> None:
        await self.connection.send(json.dumps(frame))

    async def frame(self, *types: str, timeout: float = 10) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.connection.recv())
                if frame["type"] in types or (not types and frame["type"] not in BACKGROUND_FRAMES):
                    return frame

    async def message(self, client_id: str) -> dict:
        while True:
            message = (await self.frame("message"))["message"]
            if message["client_id"] == client_id:
                return message


@pytest.fixture
def servers(live_database, redis_url, tmp_path):
    env = server_environment(live_database, redis_url=redis_url, redis_prefix=f"test-chat-{uuid.uuid4().hex[:8]}")
    started = [Daphne(env, tmp_path, "a"), Daphne(env, tmp_path, "b")]
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


def test_two_processes_serve_one_chat_and_a_restart_loses_nothing(servers, live_database):
    a, b = servers
    made = set_up(
        live_database,
        customers=["anna"],
        agents=["oleg", "ivan"],
        conversation={"customer": "anna", "topic": "Where is my transfer?"},
    )
    people, conversation = made["people"], made["conversation"]
    chat_path = f"/ws/chat/conversations/{conversation}/"

    async def scenario():
        # Two agents on two processes claim the same conversation at once: exactly one wins, and
        # the loser's desk hears through Redis who took it.
        async with (
            Socket(a, "/ws/chat/agent/", people["oleg"]["session"]) as oleg_desk,
            Socket(b, "/ws/chat/agent/", people["ivan"]["session"]) as ivan_desk,
        ):
            for desk in (oleg_desk, ivan_desk):
                queue = (await desk.frame("desk"))["queue"]
                assert conversation in [item["id"] for item in queue]
            await asyncio.gather(
                *(desk.send({"type": "claim", "conversation": conversation}) for desk in (oleg_desk, ivan_desk))
            )
            outcomes = {
                name: await desk.frame("claimed", "error") for name, desk in (("oleg", oleg_desk), ("ivan", ivan_desk))
            }
            assert sorted(frame["type"] for frame in outcomes.values()) == ["claimed", "error"]
            winner = next(name for name, frame in outcomes.items() if frame["type"] == "claimed")
            loser_desk = ivan_desk if winner == "oleg" else oleg_desk
            assert outcomes["ivan" if winner == "oleg" else "oleg"]["code"] == "already_claimed"
            while True:
                update = (await loser_desk.frame("conversation"))["conversation"]
                if update["id"] == conversation and update["status"] == "active":
                    break
            assert update["agent"]["id"] == people[winner]["id"]

        agent_session = people[winner]["session"]
        async with Socket(a, chat_path, people["anna"]["session"]) as customer:
            assert (await customer.frame("hello"))["conversation"]["status"] == "active"
            async with Socket(b, chat_path, agent_session) as agent:
                await agent.frame("hello")
                await customer.send({"type": "message", "client_id": "c1", "text": "Hello from process A"})
                seen = await agent.message("c1")
                assert seen["text"] == "Hello from process A"
                await agent.send({"type": "message", "client_id": "a1", "text": "Hello from process B"})
                assert (await customer.message("a1"))["text"] == "Hello from process B"
                last_seen = seen["id"]

            # Process B goes down; the customer, still on A, goes on writing.
            b.stop()
            for n in range(3):
                await customer.send({"type": "message", "client_id": f"c-missed-{n}", "text": f"missed {n}"})
                await customer.frame("ack")
            b.start()

            async with Socket(b, chat_path, agent_session) as agent:
                await agent.frame("hello")
                await agent.send({"type": "sync", "after": last_seen})
                missed = (await agent.frame("history"))["messages"]
                assert [m["text"] for m in missed] == ["Hello from process B", "missed 0", "missed 1", "missed 2"]
                # The restarted process is back in the chat: live messages flow both ways again.
                await agent.send({"type": "message", "client_id": "a2", "text": "Back after the restart"})
                assert (await customer.message("a2"))["text"] == "Back after the restart"
                await customer.send({"type": "message", "client_id": "c2", "text": "Welcome back"})
                assert (await agent.message("c2"))["text"] == "Welcome back"

    try:
        asyncio.run(asyncio.wait_for(scenario(), timeout=90))
    except BaseException:
        print(a.log()[-3000:], b.log()[-3000:], sep="\n----\n")
        raise
