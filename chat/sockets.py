"""What every chat websocket shares: close codes, frame parsing and rate limits, the database-outage guard,
and ``ChatSocket``, the base of the chat's consumers (protocol: docs/chat-protocol.md)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from chat import delivery, events, selectors, services
from chat.database import in_database_thread
from core.db_availability import is_database_unavailable
from core.text import is_clean_json

logger = logging.getLogger(__name__)
R = TypeVar("R")


class CloseCode:
    """Close codes sent after the handshake, so every client can tell why (documented in the protocol)."""

    NOT_AUTHENTICATED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    # The database cannot be reached, or live delivery stopped (the channel layer failed):
    # reconnect with backoff, then sync.
    UNAVAILABLE = 4503


class DatabaseUnavailableClose:
    """Wraps the websocket stack: when the database cannot be reached while a socket connects (reading its
    session and user, or its conversation), the socket is closed with 4503 instead of failing with 1011."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        accepted = False

        async def send_noting_accept(message):
            nonlocal accepted
            accepted = accepted or message["type"] == "websocket.accept"
            await send(message)

        try:
            return await self.app(scope, receive, send_noting_accept)
        except Exception as error:
            if scope["type"] != "websocket" or not is_database_unavailable(error):
                raise
            logger.warning("database unavailable for websocket %s: %s", scope.get("path"), error)
            if not accepted:  # a close before the handshake would reach the client as 403
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CloseCode.UNAVAILABLE})


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as ``https://bank.example:8443``; None if it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def site_origin(scope) -> tuple[str, str, int] | None:
    """The origin the socket was opened at: the scheme of the connection (wss: https; https wherever the session
    cookie is Secure; behind the TLS proxy, the forwarded scheme when DJANGO_BEHIND_TLS_PROXY trusts it) and the
    Host header, which must be an allowed host."""
    headers = {name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])}
    # daphne puts no scheme in a websocket's scope; a site whose session cookie is Secure (production) is
    # served over https only, so that is its origin's scheme there.
    secure = scope.get("scheme") in ("wss", "https") or settings.SESSION_COOKIE_SECURE
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name = proxy_header[0].removeprefix("HTTP_").replace("_", "-").lower()
        secure = secure or headers.get(name, "").split(",")[0].strip() == proxy_header[1]
    host, port = split_domain_port(headers.get("host", ""))
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if secure else "http"
    return scheme, host.strip("[]"), int(port) if port else DEFAULT_PORTS[scheme]


def origin_allowed(scope) -> bool:
    """Scheme, host and port of the ``Origin`` header equal the site's own (or one of CSRF_TRUSTED_ORIGINS),
    as for a form post: ``http://bank.example`` cannot open a socket of ``https://bank.example``, nor can
    another port of the same host."""
    origins = [value for name, value in scope.get("headers", []) if name.lower() == b"origin"]
    if len(origins) != 1:
        return False
    origin = _origin_of(origins[0].decode("latin1"))
    if origin is None:
        return False
    origin = (origin[0], origin[1].strip("[]"), origin[2])
    trusted = {_origin_of(url) for url in settings.CSRF_TRUSTED_ORIGINS}
    return origin in trusted or origin == site_origin(scope)


class SameOriginOnly:
    """Refuses, during the handshake (HTTP 403), a websocket whose Origin is not the site's own."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)


# A text frame longer than this is refused before it is parsed. A 4,000-character message fits
# with room for JSON escapes; anything bigger is not a frame of this protocol.
MAX_FRAME_CHARS = 32_000


class TokenBucket:
    """Allows ``burst`` frames at once and ``rate`` per second after that, per connection."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class FrameError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _language_of(scope) -> str:
    requested = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    if requested and translation.check_for_language(requested):
        return requested
    return settings.LANGUAGE_CODE


def _second_factor_passed(scope, user) -> bool:
    """Staff sockets need the session's second factor, as the staff pages do (portal.middleware)."""
    if not settings.STAFF_TWO_FACTOR_REQUIRED or user.is_customer:
        return True
    return bool(scope.get("session", {}).get(DEVICE_ID_SESSION_KEY))


def positive_int(frame: dict, field: str, *, default: int | None = None) -> int:
    value = frame.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError("bad_frame", _("The field “%(field)s” must be a whole number.") % {"field": field})
    return value


class ChatSocket(AsyncWebsocketConsumer):
    """Frame parsing, rate limiting and error frames shared by the chat's sockets."""

    rate_per_second = 5.0
    burst = 20
    frame_handlers: dict[str, str] = {}
    # Frames whose handlers begin with ``self.database`` (the session is checked there, in the same call);
    # every other frame's session is checked before its handler runs.
    database_frames: frozenset[str] = frozenset()

    async def __call__(self, scope, receive, send):
        """Channels makes the socket's own channel before the handshake; if the channel layer fails there
        (or is known not to deliver), refuse with 4503 instead of the HTTP 500 that the error would become."""
        self.watch = delivery.watch(get_channel_layer(self.channel_layer_alias))
        self.dispatching = False
        self.gone = False  # the client went away mid-reply: nothing more is sent
        if self.watch is None or self.watch.live:
            try:
                await super().__call__(scope, receive, send)
                return
            except Exception as error:
                if self.dispatching:
                    raise
                logger.warning("chat: refusing a socket, the channel layer failed: %r", error)
                self.watch.lost()
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CloseCode.UNAVAILABLE})

    async def dispatch(self, message):
        """As Channels' own, without its trip to the thread-sensitive thread before every handler to close that
        thread's expired connections: the chat's database work runs on its own threads (chat.database), which
        close theirs after every call. That trip cost a thread hop for every frame and event of every socket."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if self.watch is not None and not message["type"].startswith("websocket."):
            self.watch.delivered()  # an event came through the channel layer: it delivers, however late
        await handler(message)

    async def websocket_connect(self, message):
        self.dispatching = True
        self.language = _language_of(self.scope)
        self.limiter = TokenBucket(rate=self.rate_per_second, burst=self.burst)
        self.closing = False
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        user = self.scope.get("user")
        if user is not None and user.is_authenticated and not _second_factor_passed(self.scope, user):
            await self.refuse(CloseCode.NOT_AUTHENTICATED)
            return
        if user is not None and user.is_authenticated:
            # A password change or reset of this login closes its sockets at once (chat.signals).
            await self.channel_layer.group_add(events.login_group(user.pk), self.channel_name)
        with translation.override(self.language):
            await super().websocket_connect(message)

    async def websocket_disconnect(self, message):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self.channel_layer.group_discard(events.login_group(user.pk), self.channel_name)
        await super().websocket_disconnect(message)

    async def login_ended(self, event: dict) -> None:
        await self.close(code=CloseCode.NOT_AUTHENTICATED)

    async def refuse(self, code: int) -> None:
        """Accept, then close with the code: a close before the handshake would reach the client as 403."""
        await self.accept()
        await self.close(code=code)

    async def join(self, *groups: str) -> bool:
        """Subscribe to the groups before accepting; if the channel layer is not delivering, refuse with 4503."""
        if self.watch is not None and not self.watch.live:
            await self.refuse(CloseCode.UNAVAILABLE)
            return False
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as error:
            logger.warning("chat: refusing a socket, the channel layer failed: %r", error)
            if self.watch is not None:
                self.watch.lost()
            await self.refuse(CloseCode.UNAVAILABLE)
            return False
        if self.watch is not None:
            self.watch.sockets.add(self)
        return True

    async def leave(self, *groups: str) -> None:
        if self.watch is not None:
            self.watch.sockets.discard(self)
        try:
            for group in groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception as error:  # the layer is down: there is nothing to leave until it is back
            logger.warning("chat: could not leave the groups of a closed socket: %r", error)

    async def publish(self, call, *args) -> None:
        """A best-effort channel-layer call (presence, typing): if it fails, delivery has stopped, and the
        socket is closed with 4503 so that its client reconnects and catches up."""
        try:
            await call(*args)
        except Exception as error:
            logger.warning("chat: the channel layer failed: %r", error)
            if self.watch is not None:
                self.watch.lost()
            else:
                await self.delivery_lost()

    async def delivery_lost(self) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=CloseCode.UNAVAILABLE)

    async def send_frame(self, frame: dict) -> None:
        """Send a frame, unless the client has gone: a socket found closing (daphne raises autobahn's
        ``Disconnected``; the ASGI specification lets a server raise an ``OSError``) sends nothing more, and
        the frame's work, already done and stored, ends quietly (its disconnect follows)."""
        if self.gone:
            return
        try:
            await self.send(text_data=json.dumps(frame, ensure_ascii=False))
        except (Disconnected, OSError):
            self.gone = True

    async def send_error(self, code: str, message: str, *, frame: dict | None = None) -> None:
        error = {"type": "error", "code": code, "message": message}
        if isinstance(frame, dict):
            for echoed in ("type", "client_id"):
                if isinstance(frame.get(echoed), str):
                    error["in_reply_to" if echoed == "type" else echoed] = frame[echoed]
        await self.send_frame(error)

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            allowed = self.limiter.allow()  # every frame counts, good or bad
            frame = None
            try:
                try:
                    frame = self.parse(text_data)
                except FrameError:
                    if allowed:
                        raise
                if not allowed:
                    raise FrameError("rate_limited", _("Too many frames: slow down."))
                if frame["type"] not in self.database_frames and not await in_database_thread(self.session_current)():
                    raise services.SessionEnded()
                await getattr(self, self.frame_handlers[frame["type"]])(frame)
            except services.SessionEnded as ended:
                await self.send_error(ended.code, str(ended), frame=frame)
                self.closing = True
                await self.close(code=CloseCode.NOT_AUTHENTICATED)
            except FrameError as error:
                await self.send_error(error.code, error.message, frame=frame)
            except services.ChatError as error:
                await self.send_error(error.code, str(error), frame=frame)
            except Exception:
                logger.exception("chat frame failed")
                await self.send_error("server_error", _("Something went wrong; please try again."), frame=frame)

    def session_current(self) -> bool:
        """Whether the session the socket was opened with still signs its user in: not logged out, not
        expired, the password not changed since (checked on every frame, so the socket ends with the session)."""
        return selectors.session_is_current(session_key=self.session_key, user=self.scope.get("user"))

    def signed_in(self) -> selectors.SignIn:
        """The session and password this socket was opened with, for a service that checks them itself (a socket
        without a session matches none)."""
        return selectors.SignIn(session_key=self.session_key or "", password=self.scope["user"].password)

    async def database(self, function: Callable[..., R], /, **kwargs) -> R:
        """``function(**kwargs)`` on the chat's database threads, in one call with the frame's session check
        (one trip to the database thread instead of two; a message checks its session in its own UPDATE)."""
        return await in_database_thread(self._if_session_current)(function, kwargs)

    def _if_session_current(self, function: Callable[..., R], kwargs: dict) -> R:
        if not self.session_current():
            raise services.SessionEnded()
        return function(**kwargs)

    def parse(self, text_data) -> dict:
        if text_data is None:
            raise FrameError("bad_frame", _("Frames must be JSON text, not binary."))
        if len(text_data) > MAX_FRAME_CHARS:
            raise FrameError("too_large", _("The frame is too large."))
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            raise FrameError("bad_json", _("The frame is not valid JSON.")) from None
        if not is_clean_json(frame):
            raise FrameError("bad_text", _("The text contains characters that cannot be sent."))
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise FrameError("bad_frame", _("A frame must be a JSON object with a “type”."))
        if frame["type"] not in self.frame_handlers:
            raise FrameError("unknown_type", _("Unknown frame type “%(type)s”.") % {"type": frame["type"][:50]})
        return frame

    async def on_ping(self, frame: dict) -> None:
        await self.send_frame({"type": "pong"})
