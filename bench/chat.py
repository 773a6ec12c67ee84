"""Chat: websocket clients in pairs (a customer and the agent who claimed the customer's conversation),
each sending one message a second, against daphne; and the baseline, a bare ``websockets`` echo server.

Latency is measured from the moment a client sends a ``message`` frame to the moment the other side of
the pair receives it (delivery: stored in the database, then published through the channel layer), and to
the moment the sender gets its ``ack`` (its own round trip, the figure comparable with the echo). All
clients run as asyncio tasks of this one process (the ``websockets`` library); the report gives the share
of a core this process and each server used, which tells which side was the bottleneck.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from accounts.roles import CHAT_AGENTS
from bench import data
from bench.servers import daphne, echo_server
from bench.stats import CpuMeter, latency_summary
from chat import services
from tests.factories import session_key_for

CONNECT_CONCURRENCY = 25
DRAIN_SECONDS = 5.0  # default; "drain" in the parameters overrides it
TEXT = "Здравствуйте! Подскажите, пожалуйста, когда придёт перевод?"


@dataclass
class Tally:
    """What the clients of one run saw, in the measured window only."""

    sent: int = 0
    delivered: list[float] = field(default_factory=list)
    acked: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    dropped: int = 0  # connections the server closed or reset during the run
    window: tuple[float, float] = (0.0, 0.0)

    def counts(self, sent_at: float) -> bool:
        return self.window[0] <= sent_at < self.window[1]


def make_pairs(count: int) -> list[dict]:
    """``count`` customers, each in an active conversation claimed by an agent of their own, with sessions."""
    customers = data.customers(count, prefix="chat")
    agents = data.staff(count, prefix="chat", group=CHAT_AGENTS)
    pairs = []
    for customer, agent in zip(customers, agents, strict=True):
        conversation = services.start_conversation(customer=customer, topic="Перевод")
        services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        pairs.append(
            {
                "conversation": conversation.pk,
                "customer": session_key_for(customer),
                "agent": session_key_for(agent),
            }
        )
    connection.close()
    return pairs


async def _open(url: str, origin: str, session: str | None, gate: asyncio.Semaphore):
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    async with gate:
        try:
            socket = await connect(
                url,
                origin=origin,
                additional_headers=headers,
                proxy=None,
                open_timeout=60,
                compression=None,
                max_queue=None,
                ping_interval=None,
            )
            if session:  # the chat greets first; wait for it, so that the socket has joined the conversation
                while json.loads(await socket.recv())["type"] != "hello":
                    pass
        except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake):
            return None  # counted as a failed connection
    return socket


async def _reader(socket, me: str, tally: Tally, *, echo: bool) -> None:
    """Record the latency of every frame that closes a round trip: a peer's message, our ack, or our echo."""
    try:
        await _read_frames(socket, me, tally, echo=echo)
    except ConnectionClosed:
        tally.dropped += 1


async def _read_frames(socket, me: str, tally: Tally, *, echo: bool) -> None:
    async for raw in socket:
        received = time.perf_counter()
        frame = json.loads(raw)
        kind = frame["type"]
        if echo or kind in ("message", "ack"):
            client_id = frame["client_id"] if echo or kind == "ack" else frame["message"]["client_id"]
            sender, sent_at = client_id.rsplit("|", 1)
            sent_at = float(sent_at)
            if not tally.counts(sent_at):
                continue
            if echo or kind == "ack":
                tally.acked.append(received - sent_at)
            elif sender != me:
                tally.delivered.append(received - sent_at)
        elif kind == "error":
            tally.errors[frame["code"]] = tally.errors.get(frame["code"], 0) + 1


async def _writer(socket, me: str, tally: Tally, stop_at: float, rng: random.Random) -> None:
    """One message a second, starting at a random moment of the first second."""
    next_at = time.perf_counter() + rng.random()
    while True:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        if next_at >= stop_at:
            return
        sent_at = time.perf_counter()
        frame = {"type": "message", "client_id": f"{me}|{sent_at!r}", "text": TEXT}
        try:
            await socket.send(json.dumps(frame, ensure_ascii=False))
        except ConnectionClosed:
            return
        if tally.counts(sent_at):
            tally.sent += 1
        next_at += 1.0


async def _load(
    clients: list[tuple[str, str, str | None, str]],
    meter: CpuMeter,
    *,
    warmup: float,
    duration: float,
    echo: bool,
    drain: float,
):
    """Connect every client, let them write for warm-up + duration, and measure the window after the warm-up."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    connect_started = time.perf_counter()
    opened = await asyncio.gather(*(_open(url, origin, session, gate) for url, origin, session, _me in clients))
    connect_seconds = time.perf_counter() - connect_started
    connected = [(socket, client) for socket, client in zip(opened, clients, strict=True) if socket is not None]
    sockets = [socket for socket, _client in connected]
    clients = [client for _socket, client in connected]
    tally = Tally()
    now = time.perf_counter()
    tally.window = (now + warmup, now + warmup + duration)
    stop_at = tally.window[1]
    rng = random.Random(len(clients))
    readers = [
        asyncio.create_task(_reader(socket, me, tally, echo=echo))
        for socket, (_url, _origin, _session, me) in zip(sockets, clients, strict=True)
    ]
    writers = [
        asyncio.create_task(_writer(socket, me, tally, stop_at, rng))
        for socket, (_url, _origin, _session, me) in zip(sockets, clients, strict=True)
    ]
    await asyncio.sleep(max(0.0, tally.window[0] - time.perf_counter()))
    cpu_started = time.process_time()
    meter.start(time.perf_counter())
    await asyncio.gather(*writers)
    server_cpu = meter.stop(time.perf_counter())
    client_cpu = (time.process_time() - cpu_started) / duration
    await asyncio.sleep(drain)  # frames still on their way count; later than this they are lost
    for task in readers:
        task.cancel()
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)
    tally.errors["connect_failed"] = len(opened) - len(sockets)
    return tally, connect_seconds, {"client_process": round(client_cpu, 3), "servers": server_cpu}


def _summary(tally: Tally, *, clients: int, duration: float, echo: bool, connect_seconds: float, cpu: dict) -> dict:
    received = tally.acked if echo else tally.delivered  # each message has exactly one receiver to reach
    return {
        "clients": clients,
        "seconds": duration,
        "sent": tally.sent,
        "delivered": len(received),
        "lost": tally.sent - len(received),
        "messages_per_second": round(len(received) / duration, 1),
        "delivery": latency_summary(received),
        "round_trip": latency_summary(tally.acked),
        "errors": {code: n for code, n in tally.errors.items() if n},
        "dropped_connections": tally.dropped,
        "connect_seconds": round(connect_seconds, 2),
        "cpu": cpu,
    }


def _measure(servers, clients, *, warmup: float, duration: float, echo: bool, drain: float) -> dict:
    """CPU (as a share of one core) is taken over the measured window, for the servers and this process."""
    meter = CpuMeter([server.pid for server in servers])
    tally, connect_seconds, cpu = asyncio.run(
        _load(clients, meter, warmup=warmup, duration=duration, echo=echo, drain=drain)
    )
    return _summary(tally, clients=len(clients), duration=duration, echo=echo, connect_seconds=connect_seconds, cpu=cpu)


def run(parameters: dict) -> dict:
    """The chat with ``processes`` daphne processes (customers on the first, agents on the last)."""
    logs = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    processes = parameters["processes"]
    pairs = make_pairs(max(parameters["clients"]) // 2)
    env = dict(os.environ)
    started = [daphne(env, logs / f"daphne-{n}.log") for n in range(processes)]
    runs = []
    try:
        for server in started:
            server.start()
        customer_server, agent_server = started[0], started[-1]
        for count in parameters["clients"]:
            clients = []
            for n, pair in enumerate(pairs[: count // 2]):
                path = f"/ws/chat/conversations/{pair['conversation']}/"
                for server, side in ((customer_server, "customer"), (agent_server, "agent")):
                    # Production settings: the site is https behind its proxy, so that is the origin browsers send.
                    origin = f"https://127.0.0.1:{server.port}"
                    clients.append((f"ws://127.0.0.1:{server.port}{path}", origin, pair[side], f"{side}-{n}"))
            runs.append(
                _measure(
                    started,
                    clients,
                    warmup=parameters["warmup"],
                    duration=parameters["duration"],
                    echo=False,
                    drain=parameters.get("drain", DRAIN_SECONDS),
                )
            )
            for server in started:
                if server.process.poll() is not None:
                    raise RuntimeError(f"daphne stopped during the run:\n{server.log()[-3000:]}")
    finally:
        for server in started:
            server.stop()
    return {"vendor": connection.vendor, "processes": processes, "layer": parameters["layer"], "runs": runs}


def run_echo(parameters: dict) -> dict:
    """The baseline: the same number of clients, each sending one frame a second to a bare echo server."""
    logs = Path(tempfile.mkdtemp(prefix="bench-echo-"))
    runs = []
    with echo_server(dict(os.environ), logs / "echo.log") as server:
        for count in parameters["clients"]:
            url = f"ws://127.0.0.1:{server.port}/"
            clients = [
                (url, f"http://127.0.0.1:{server.port}", None, f"echo-{uuid.uuid4().hex[:6]}-{n}") for n in range(count)
            ]
            runs.append(
                _measure(
                    [server],
                    clients,
                    warmup=parameters["warmup"],
                    duration=parameters["duration"],
                    echo=True,
                    drain=parameters.get("drain", DRAIN_SECONDS),
                )
            )
    return {"runs": runs}
