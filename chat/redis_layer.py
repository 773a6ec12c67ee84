"""The channel layer of several processes: channels_redis's pub/sub layer, with publishing pipelined.

channels_redis publishes one message at a time under a lock per Redis shard, each waiting for Redis's reply
before the next may start; the reply is read only when the process's event loop comes round to it, so a
process busy with hundreds of sockets publishes about once per turn of its loop. With 500 chat clients on two
processes (250 messages a second each) that fell behind: delivery p99 2.2 s while the same clients' acks, which
do not go through Redis, came back in milliseconds (docs/benchmarks.md). Here the messages that wait while a
publish is on its way go together, in order, in one pipeline: one round trip for all of them. Each sender
still waits until Redis has taken its own message, and hears of it if Redis failed.
"""

from __future__ import annotations

import asyncio

from channels_redis import pubsub
from channels_redis.utils import _wrap_close, decode_hosts


class PipelinedShard(pubsub.RedisSingleShardConnection):
    def __init__(self, host, channel_layer) -> None:
        super().__init__(host, channel_layer)
        self._outgoing: list[tuple[str, bytes, asyncio.Future]] = []
        self._publisher: asyncio.Task | None = None  # a loop keeps only a weak reference to its tasks

    async def publish(self, channel, message) -> None:
        sent = asyncio.get_running_loop().create_future()
        self._outgoing.append((channel, message, sent))
        if self._publisher is None:
            self._publisher = asyncio.create_task(self._publish_waiting())
        await sent

    async def _publish_waiting(self) -> None:
        try:
            while self._outgoing:
                batch, self._outgoing = self._outgoing, []
                try:
                    async with self._lock:  # the library's: subscribing and publishing keep their order
                        self._ensure_redis()
                        async with self._redis.pipeline(transaction=False) as pipeline:
                            for channel, message, _sent in batch:
                                pipeline.publish(channel, message)
                            await pipeline.execute()
                except Exception as error:  # every sender of the batch hears of it, as each would have
                    for _channel, _message, sent in batch:
                        if not sent.done():
                            sent.set_exception(error)
                    continue
                for _channel, _message, sent in batch:
                    if not sent.done():
                        sent.set_result(None)
        finally:
            self._publisher = None


class _LoopLayer(pubsub.RedisPubSubLoopLayer):
    def __init__(self, hosts=None, **kwargs) -> None:
        super().__init__(hosts, **kwargs)
        self._shards = [PipelinedShard(host, self) for host in decode_hosts(hosts)]


class RedisChannelLayer(pubsub.RedisPubSubChannelLayer):
    """``channels_redis.pubsub.RedisPubSubChannelLayer`` whose shards pipeline their publishing."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer
