"""The channel layer of a single process (the demo, a laptop, the one-process benchmarks).

Channels' ``InMemoryChannelLayer`` looks through every channel and every group membership of the process for
expired ones on each ``receive`` and ``group_send``: with hundreds of sockets that is thousands of entries
for every frame delivered, the largest share of the chat's CPU per message in the profile
(docs/benchmarks.md). Messages expire after a minute and memberships after a day, so this layer does that
clean-up at most once a second; everything else is Channels' own.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer

CLEAN_INTERVAL = 1.0  # seconds


class ProcessChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.cleaned_at >= CLEAN_INTERVAL:
            self.cleaned_at = now
            super()._clean_expired()
