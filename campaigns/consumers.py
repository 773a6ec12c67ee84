"""The supervisor's wallboard over a websocket: the figures again every few seconds, rendered for the page.

Staff with the results permission only (and, for staff, the session's second factor, as on the staff
pages); the figures come from ``campaigns.wallboard``, counted by the database.
"""

from __future__ import annotations

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from campaigns.wallboard import wallboard

RESULTS = "campaigns.view_campaign_results"
NOT_AUTHENTICATED, FORBIDDEN = 4401, 4403


def _language_of(scope) -> str:
    requested = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    if requested and translation.check_for_language(requested):
        return requested
    return settings.LANGUAGE_CODE


def render_wallboard(language: str) -> str:
    """The wallboard's live part as HTML, in the viewer's language (the page shows the same fragment)."""
    with translation.override(language):
        return render_to_string("campaigns/_wallboard.html", {"board": wallboard()})


class WallboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        self.sender: asyncio.Task | None = None
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=NOT_AUTHENTICATED)
            return
        allowed = await database_sync_to_async(user.has_perm)(RESULTS)
        second_factor = not settings.STAFF_TWO_FACTOR_REQUIRED or bool(
            self.scope.get("session", {}).get(DEVICE_ID_SESSION_KEY)
        )
        if not (allowed and second_factor):
            await self.accept()
            await self.close(code=FORBIDDEN)
            return
        await self.accept()
        self.sender = asyncio.create_task(self.send_every(_language_of(self.scope)))

    async def send_every(self, language: str) -> None:
        while True:
            html = await database_sync_to_async(render_wallboard)(language)
            await self.send_json({"type": "wallboard", "html": html})
            await asyncio.sleep(settings.WALLBOARD_REFRESH_SECONDS)

    async def receive_json(self, content, **kwargs):
        """Nothing to ask: the figures come by themselves."""

    async def disconnect(self, code):
        if self.sender is not None:
            self.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sender
