"""Redis stops for 10 s under a live conversation served by two daphne processes, and nothing is lost.

The customer talks to process A, the agent to process B, through a Redis server of the test's own,
which is killed under traffic both ways and started again on the same port. The clients do what
docs/chat-protocol.md asks of every client: reconnect with backoff after a close (not after 44xx),
resend what was not acknowledged, and `sync` from the highest message number below which they have
seen everything. Both must be told that live delivery stopped (close code 4503), must end up with every
message exactly once, and the agent's desk, open through the outage, must show a conversation started
meanwhile.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.chat.live import Daphne, server_environment, set_up
from tests.conftest import IN_CI

pytestmark = [pytest.mark.processes, pytest.mark.redis]

DELIVERY_LOST = 4503
OUTAGE_SECONDS = 10
SEND_EVERY = 0.25


class RedisServer:
    """A redis-server of this test alone, without persistence, that can be killed and started again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class Reconnecting(abc.ABC):
    """A websocket client that reconnects as the protocol says, and records every close code it got."""

    def __init__(self, server: Daphne, path: str, session: str) -> None:
        self.url = server.ws + path
        self.origin = server.http
        self.session = session
        self.connection = None
        self.close_codes: list[int | None] = []
        self.stopped = False

    async def run(self) -> None:
        delay = 0.5
        while not self.stopped:
            try:
                connection = await connect(
                    self.url,
                    origin=self.origin,
                    additional_headers={"Cookie": f"sessionid={self.session}; django_language=en"},
                    proxy=None,
                    open_timeout=5,
                )
            except (OSError, TimeoutError) as error:
                raise AssertionError(f"the handshake itself failed: {error!r}") from error
            self.connection = connection
            try:
                async for raw in connection:
                    frame = json.loads(raw)
                    if frame["type"] in ("hello", "desk"):
                        delay = 0.5
                    await self.on_frame(frame)
            except ConnectionClosed:
                pass
            self.connection = None
            if self.stopped:
                return
            self.close_codes.append(connection.close_code)
            assert not 4400 <= (connection.close_code or 0) < 4500, f"refused: {connection.close_code}"
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)

    async def send(self, frame: dict) -> None:
        if self.connection is not None:
            # On a closed connection the reader sees the close; what was not acknowledged is sent again.
            with contextlib.suppress(ConnectionClosed):
                await self.connection.send(json.dumps(frame))

    async def stop(self) -> None:
        self.stopped = True
        if self.connection is not None:
            await self.connection.close()

    @abc.abstractmethod
    async def on_frame(self, frame: dict) -> None: ...


class Party(Reconnecting):
    """One side of the conversation: keeps unacknowledged messages, and what it saw, by server id."""

    def __init__(self, server: Daphne, path: str, session: str, *, me: int) -> None:
        super().__init__(server, path, session)
        self.me = me
        self.pending: dict[str, str] = {}
        self.sent_at: dict[str, float] = {}
        self.tried_at: dict[str, float] = {}
        self.synced_at = 0.0
        self.known_last = 0  # the highest message number the server has told of
        self.seen: dict[int, dict] = {}  # server id -> message
        self.seqs: set[int] = set()
        self.contiguous = 0  # every message numbered up to this one has been seen

    async def say(self, text: str) -> None:
        client_id = uuid.uuid4().hex
        self.pending[client_id] = text
        self.sent_at[client_id] = self.tried_at[client_id] = time.monotonic()
        await self.send({"type": "message", "client_id": client_id, "text": text})

    async def resend(self) -> None:
        """Twice a second: send again what is not acknowledged (a few at a time, within the server's rate limit),
        and sync again while messages are known to be missing (a sync may have been refused as rate limited)."""
        while not self.stopped:
            await asyncio.sleep(0.5)
            if self.connection is None:
                continue
            now = time.monotonic()
            due = [key for key, tried in self.tried_at.items() if key in self.pending and now - tried > 2]
            for client_id in due[:2]:
                self.tried_at[client_id] = now
                await self.send({"type": "message", "client_id": client_id, "text": self.pending[client_id]})
            if self.contiguous < self.known_last and now - self.synced_at > 2:
                self.synced_at = now
                await self.send({"type": "sync", "after_seq": self.contiguous})

    async def on_frame(self, frame: dict) -> None:
        if frame["type"] == "hello":
            self.known_last = max(self.known_last, frame["last_seq"])
            self.synced_at = time.monotonic()
            await self.send({"type": "sync", "after_seq": self.contiguous})
        elif frame["type"] == "history":
            for message in frame["messages"]:
                self.add(message)
            if frame["more"]:
                await self.send({"type": "sync", "after_seq": self.contiguous})
        elif frame["type"] in ("message", "ack"):
            gap = frame["message"]["seq"] > self.contiguous + 1
            self.add(frame["message"])
            if gap:
                await self.send({"type": "sync", "after_seq": self.contiguous})

    def add(self, message: dict) -> None:
        self.seen[message["id"]] = message
        self.known_last = max(self.known_last, message["seq"])
        if message["sender"]["id"] == self.me:
            self.pending.pop(message["client_id"], None)
        self.seqs.add(message["seq"])
        while self.contiguous + 1 in self.seqs:
            self.contiguous += 1

    def client_ids(self) -> list[str]:
        return [message["client_id"] for message in self.seen.values()]


class Desk(Reconnecting):
    def __init__(self, server: Daphne, session: str) -> None:
        super().__init__(server, "/ws/chat/agent/", session)
        self.queue: list[int] = []

    async def on_frame(self, frame: dict) -> None:
        if frame["type"] == "desk":
            self.queue = [conversation["id"] for conversation in frame["queue"]]
        elif frame["type"] == "conversation":
            conversation = frame["conversation"]
            self.queue = [item for item in self.queue if item != conversation["id"]]
            if conversation["status"] == "waiting":
                self.queue.append(conversation["id"])


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
        pytest.skip(message)
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def servers(live_database, redis_server, tmp_path):
    env = server_environment(live_database, redis_url=redis_server.url, redis_prefix="outage")
    started = [Daphne(env, tmp_path, "a"), Daphne(env, tmp_path, "b")]
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


async def until(condition, *, timeout: float, what) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        await asyncio.sleep(0.05)


def test_a_redis_outage_loses_and_duplicates_nothing_and_both_sides_are_told(servers, redis_server, live_database):
    a, b = servers
    made = set_up(
        live_database,
        customers=["anna", "boris"],
        agents=["oleg"],
        conversation={"customer": "anna", "topic": "Redis outage"},
    )
    people, conversation = made["people"], made["conversation"]
    chat_path = f"/ws/chat/conversations/{conversation}/"
    report = {}

    async def scenario():
        desk = Desk(b, people["oleg"]["session"])
        desk_task = asyncio.ensure_future(desk.run())
        await until(lambda: conversation in desk.queue, timeout=10, what="the queue")
        await desk.send({"type": "claim", "conversation": conversation})
        await until(lambda: conversation not in desk.queue, timeout=10, what="the claim")

        customer = Party(a, chat_path, people["anna"]["session"], me=people["anna"]["id"])
        agent = Party(b, chat_path, people["oleg"]["session"], me=people["oleg"]["id"])
        tasks = [asyncio.ensure_future(work()) for party in (customer, agent) for work in (party.run, party.resend)]
        await until(lambda: customer.connection and agent.connection, timeout=10, what="both sides")
        await asyncio.sleep(0.5)

        async def talk(party: Party, name: str, seconds: float) -> None:
            for n in range(int(seconds / SEND_EVERY)):
                await party.say(f"{name} {n}")
                await asyncio.sleep(SEND_EVERY)

        talking = asyncio.gather(talk(customer, "anna", OUTAGE_SECONDS + 3), talk(agent, "oleg", OUTAGE_SECONDS + 3))
        await asyncio.sleep(1)
        redis_server.kill()
        down_at = time.monotonic()
        await asyncio.sleep(1)

        # A conversation started, and a handshake tried, while Redis is down.
        started = set_up(live_database, start={"customer_id": people["boris"]["id"], "topic": "Started meanwhile"})
        refused = await connect(
            a.ws + chat_path,
            origin=a.http,
            additional_headers={"Cookie": f"sessionid={people['anna']['session']}"},
            proxy=None,
        )
        with pytest.raises(ConnectionClosed):
            await refused.recv()
        assert refused.close_code == DELIVERY_LOST

        await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - down_at))
        redis_server.start()
        up_at = time.monotonic()
        await talking

        everything = set(customer.sent_at) | set(agent.sent_at)
        await until(
            lambda: (
                not customer.pending
                and not agent.pending
                and everything <= set(customer.client_ids())
                and everything <= set(agent.client_ids())
                and started["conversation"] in desk.queue
            ),
            timeout=20,
            what=lambda: (
                f"both sides to catch up: pending {len(customer.pending)}, {len(agent.pending)}; "
                f"missing {len(everything - set(customer.client_ids()))}, {len(everything - set(agent.client_ids()))}; "
                f"close codes {customer.close_codes}, {agent.close_codes}, {desk.close_codes}; desk {desk.queue}"
            ),
        )
        for party in (customer, agent, desk):
            await party.stop()
        await asyncio.gather(*tasks, desk_task)

        during = {
            client_id
            for party in (customer, agent)
            for client_id, sent in party.sent_at.items()
            if down_at <= sent <= up_at
        }
        for name, party in (("customer", customer), ("agent", agent)):
            ids = party.client_ids()
            report[name] = {
                "sent during the outage": len(during),
                "recovered": len(during & set(ids)),
                "lost": len(everything - set(ids)),
                "duplicated": len(ids) - len(set(ids)),
                "close codes": party.close_codes,
            }
        report["desk close codes"] = desk.close_codes

    try:
        asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    except BaseException:
        print(report, a.log()[-3000:], b.log()[-3000:], sep="\n----\n")
        raise
    print(report)
    for name in ("customer", "agent"):
        assert report[name]["sent during the outage"] > 0
        assert report[name]["recovered"] == report[name]["sent during the outage"]
        assert report[name]["lost"] == 0
        assert report[name]["duplicated"] == 0
        assert DELIVERY_LOST in report[name]["close codes"], report
    assert DELIVERY_LOST in report["desk close codes"]
