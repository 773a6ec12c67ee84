"""The channel layer of a single process (the demo, a laptop, the one-process benchmarks).

Channels' ``InMemoryChannelLayer`` looks through every channel and every group membership of the process for
expired ones on each ``receive`` and ``group_send``: with hundreds of sockets that is thousands of entries
for every frame delivered, the largest share of the chat's CPU per message in the profile
(docs/benchmarks.md). Messages expire after a minute and memberships after a day, so this layer does that
clean-up at most once a second.

It also copies each message it queues, as Channels' does (a receiver that changes its message must not change
another's), but with a copy made for the JSON-like data messages hold: ``copy.deepcopy`` took a tenth of the
chat process's CPU on PostgreSQL (profiled), for its memo and its dispatch on every value. Everything else is
Channels' own.
"""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

CLEAN_INTERVAL = 1.0  # seconds
_IMMUTABLE = (str, int, float, bool, bytes, type(None))


def copy_message(value: Any) -> Any:
    """A copy sharing nothing mutable with ``value``: dicts and lists copied level by level, immutable leaves
    shared, anything else (a set, an object) by ``deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {key: copy_message(item) for key, item in value.items()}
    if kind is list:
        return [copy_message(item) for item in value]
    if isinstance(value, _IMMUTABLE):
        return value
    if kind is tuple:
        return tuple(copy_message(item) for item in value)
    return deepcopy(value)


class ProcessChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.cleaned_at >= CLEAN_INTERVAL:
            self.cleaned_at = now
            super()._clean_expired()

    async def send(self, channel, message):
        """As Channels' own, with ``copy_message`` for its ``deepcopy``."""
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        try:
            queue.put_nowait((time.time() + self.expiry, copy_message(message)))
        except asyncio.queues.QueueFull:
            raise ChannelFull(channel) from None
