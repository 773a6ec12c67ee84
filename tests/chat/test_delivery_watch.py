"""The delivery watch closes a process's chat sockets when its channel layer stops delivering, and only then:
a process too busy to see its probe in time, while events still reach its sockets, keeps them open."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from chat import delivery


class HangingLayer(InMemoryChannelLayer):
    """A layer whose group messages stop arriving once ``hang`` is set, as over a Redis that no longer answers."""

    hang = False

    async def group_send(self, group, message):
        if not self.hang:
            await super().group_send(group, message)


class Socket:
    def __init__(self) -> None:
        self.lost = 0

    async def delivery_lost(self) -> None:
        self.lost += 1


@pytest.fixture
def quick_probes(monkeypatch):
    monkeypatch.setattr(delivery, "PROBE_INTERVAL", 0.05)
    monkeypatch.setattr(delivery, "PROBE_TIMEOUT", 0.3)


async def watched(*, events_arrive: bool) -> tuple[delivery.DeliveryWatch, Socket]:
    layer = HangingLayer()
    watch = delivery.DeliveryWatch(layer)
    socket = Socket()
    watch.sockets.add(socket)
    try:
        await asyncio.sleep(0.2)
        assert watch.live and socket.lost == 0  # the probes come back
        layer.hang = True
        for _ in range(20):  # a second: three probe timeouts
            if events_arrive:
                watch.delivered()  # what chat.sockets does for every event the layer hands a socket
            await asyncio.sleep(0.05)
    finally:
        for task in watch.tasks:
            task.cancel()
    return watch, socket


def test_a_layer_that_delivers_nothing_closes_the_sockets(quick_probes):
    watch, socket = asyncio.run(watched(events_arrive=False))
    assert not watch.live and socket.lost == 1


def test_a_late_probe_while_events_still_arrive_closes_nothing(quick_probes):
    watch, socket = asyncio.run(watched(events_arrive=True))
    assert watch.live and socket.lost == 0
