"""Whether this process's channel layer still delivers, and what the chat's sockets do when it stops.

The Redis pub/sub layer drops whatever is published while Redis (or this process's subscription) is
down, and tells nobody: publishing raises, and its receiving task only logs and retries. So each event
loop that serves chat sockets runs a ``DeliveryWatch``: every ``PROBE_INTERVAL`` seconds it publishes a
probe to a group of its own and waits for it to come back through the subscription. When a probe fails
(or anything in the process fails to publish), the watch closes every chat socket of the process with
close code 4503; their clients reconnect, and ``sync`` brings what they missed (docs/chat-protocol.md).
Until a probe comes back again, new sockets are refused with the same code.

The in-memory layer lives inside the process and cannot fail: it gets no watch.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Protocol

from channels.layers import InMemoryChannelLayer

logger = logging.getLogger(__name__)

PROBE_INTERVAL = 0.5  # seconds between probes
# A probe not back by then, with no other event delivered to this process meanwhile, means delivery stopped.
# Redis that is down is found at once (publishing raises); this is for one that hangs. A process too busy to
# see its probe in time still receives the chat's events: closing its sockets then (as a 1.5 s probe alone
# did under 200 sockets connecting at once) would only send every client back to reconnect.
PROBE_TIMEOUT = 3.0


class Socket(Protocol):
    async def delivery_lost(self) -> None: ...


class DeliveryWatch:
    """Probes one event loop's channel layer and closes its registered sockets when delivery stops."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.live = True
        self.sockets: set[Socket] = set()
        self.group = f"chat.watch.{uuid.uuid4().hex}"
        self.channel = f"chat.watch!{uuid.uuid4().hex}"
        self.echoed = 0
        self.echo = asyncio.Event()
        self.delivered_at = 0.0  # the loop's time of the last event the layer delivered to a socket
        self.closings: set[asyncio.Future] = set()
        self.tasks = (asyncio.ensure_future(self.listen()), asyncio.ensure_future(self.probe()))

    async def listen(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception:  # the subscription failed: the probe notices, and we listen again
                await asyncio.sleep(PROBE_INTERVAL)
                continue
            self.echoed = max(self.echoed, message.get("n", 0))
            self.echo.set()

    def delivered(self) -> None:
        self.delivered_at = asyncio.get_running_loop().time()

    async def probe(self) -> None:
        loop = asyncio.get_running_loop()
        sent = 0
        while True:
            sent += 1
            probed_at = loop.time()
            try:
                async with asyncio.timeout(PROBE_TIMEOUT):
                    await self.layer.group_add(self.group, self.channel)  # subscribes again if it was lost
                    await self.layer.group_send(self.group, {"type": "watch.probe", "n": sent})
                    while self.echoed < sent:
                        self.echo.clear()
                        await self.echo.wait()
                delivering = True
            except TimeoutError:
                delivering = self.delivered_at > probed_at  # late, but the subscription is alive
            except Exception:
                delivering = False
            await self.set_live(delivering)
            await asyncio.sleep(PROBE_INTERVAL)

    async def set_live(self, live: bool) -> None:
        if live == self.live:
            return
        self.live = live
        if live:
            logger.warning("chat: the channel layer delivers again")
            return
        logger.error("chat: the channel layer stopped delivering; closing %d chat sockets", len(self.sockets))
        for socket in list(self.sockets):
            await socket.delivery_lost()

    def lost(self) -> None:
        """Something in this process failed to publish: close the sockets now, without waiting for a probe."""
        closing = asyncio.ensure_future(self.set_live(False))
        self.closings.add(closing)
        closing.add_done_callback(self.closings.discard)


_watches: dict[asyncio.AbstractEventLoop, DeliveryWatch] = {}


def watch(layer) -> DeliveryWatch | None:
    """The running loop's watch of ``layer``, started on first use; None for the in-memory layer."""
    if isinstance(layer, InMemoryChannelLayer):
        return None
    loop = asyncio.get_running_loop()
    current = _watches.get(loop)
    if current is None or current.layer is not layer:
        if current is not None:  # the settings named another layer (tests): stop watching the old one
            for task in current.tasks:
                task.cancel()
        current = _watches[loop] = DeliveryWatch(layer)
    return current


def publish_failed() -> None:
    """Called in the event loop when a publish raised: this loop's watch (if any) closes its sockets."""
    current = _watches.get(asyncio.get_running_loop())
    if current is not None:
        current.lost()
