"""The channel layer of several processes: messages published together go in one pipeline, in order, and every
sender hears of its own message's fate."""

from __future__ import annotations

import asyncio
import socket
import uuid

import pytest
from asgiref.sync import async_to_sync
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError

from chat.redis_layer import RedisChannelLayer

pytestmark = pytest.mark.redis


def test_messages_sent_at_once_arrive_in_order_in_one_round_trip(redis_url, monkeypatch):
    config = {"hosts": [redis_url], "prefix": f"test-{uuid.uuid4().hex[:8]}"}
    sender, receiver = RedisChannelLayer(**config), RedisChannelLayer(**config)  # as two processes
    pipelines: list[int] = []
    execute = Pipeline.execute

    async def counted(pipeline, *args, **kwargs):
        pipelines.append(len(pipeline.command_stack))
        return await execute(pipeline, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)

    async def scenario() -> list[int]:
        channel = await receiver.new_channel()
        await receiver.group_add("conversation", channel)
        sends = (sender.group_send("conversation", {"type": "chat.message", "n": n}) for n in range(100))
        await asyncio.gather(*sends)
        received = [(await asyncio.wait_for(receiver.receive(channel), 5))["n"] for _ in range(100)]
        await sender.flush()
        await receiver.flush()
        return received

    assert async_to_sync(scenario)() == list(range(100))
    assert pipelines == [100]


def test_every_sender_hears_that_redis_did_not_take_its_message_and_the_next_ones_are_tried_again():
    with socket.socket() as probe:  # a port nothing listens on: Redis is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    layer = RedisChannelLayer(hosts=[{"address": f"redis://127.0.0.1:{port}/0", "socket_connect_timeout": 1}])

    async def scenario() -> list[list]:
        rounds = []
        for _ in range(2):
            sends = (layer.group_send("conversation", {"type": "chat.message", "n": n}) for n in range(5))
            rounds.append(await asyncio.wait_for(asyncio.gather(*sends, return_exceptions=True), 5))
        return rounds

    for results in async_to_sync(scenario)():
        assert len(results) == 5
        assert all(isinstance(result, RedisConnectionError) for result in results)
