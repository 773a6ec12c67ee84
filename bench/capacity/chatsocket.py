"""The chat's websocket protocol (docs/chat-protocol.md) on the ``websockets`` client, timed into Locust.

Locust has no websocket user; this wraps ``websockets.sync.client`` (its threads are gevent greenlets under
Locust's monkey-patching) and reports to Locust's ``request`` event, so that websocket figures sit in the
same statistics as the pages:

- ``chat: connect`` — handshake to the server's ``hello``;
- ``chat: stored`` — a ``message`` frame sent to its ``ack`` (the message is in the database);
- ``chat: delivered`` — sent to the moment the other side's socket receives it live (one process runs all
  the simulated people, so one clock times both ends; the sender's time travels in ``client_id``).

What the sockets saw is also kept in ``TALLY`` for the correctness check: every message sent and
acknowledged, duplicates received, and, for each conversation its customer saw from start to close, the
message numbers (``seq``) that never arrived live.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

RUN_TAG = uuid.uuid4().hex[:8]  # marks this run's client ids


@dataclass
class Tally:
    sent: list[str] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)
    received_twice: int = 0
    conversations_finished: int = 0
    conversations_unfinished: int = 0
    missing_seqs: int = 0
    errors: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "run_tag": RUN_TAG,
            "sent": len(self.sent),
            "acked": len(self.acked),
            "unacked": sorted(set(self.sent) - self.acked),
            "received_twice": self.received_twice,
            "conversations_finished": self.conversations_finished,
            "conversations_unfinished": self.conversations_unfinished,
            "missing_seqs": self.missing_seqs,
            "errors": dict(self.errors),
        }


TALLY = Tally()
BENIGN_ERRORS = {"already_claimed"}  # agents racing for a waiting conversation: one wins, as designed


class ChatSocket:
    """One open socket: a conversation's or the agent desk's. ``on_frame`` sees every frame it receives."""

    def __init__(self, events, *, role: str, on_frame: Callable[[dict], None] | None = None) -> None:
        self.events = events
        self.role = role
        self.on_frame = on_frame or (lambda frame: None)
        self.socket = None
        self.live_ids: set[int] = set()
        self.live_seqs: set[int] = set()
        self.closed_status = False
        self.close_code: int | None = None

    def _fire(self, name: str, started: float, *, exception: Exception | None = None, length: int = 0) -> None:
        self.events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.time() - started) * 1000,
            response_length=length,
            exception=exception,
            context={},
        )

    def open(self, url: str, *, origin: str, session: str) -> dict:
        """Connect with the session cookie and wait for the greeting (``hello``, or ``desk`` on the desk)."""
        started = time.time()
        try:
            self.socket = connect(
                url,
                origin=origin,
                additional_headers={"Cookie": f"sessionid={session}"},
                open_timeout=30,
                proxy=None,
                compression=None,
            )
            while True:
                frame = json.loads(self.socket.recv(timeout=30))
                if frame["type"] in ("hello", "desk"):
                    break
        except (OSError, TimeoutError, ConnectionClosed) as error:
            self._fire("chat: connect", started, exception=error)
            raise
        self._fire("chat: connect", started)
        return frame

    def send(self, frame: dict) -> None:
        assert self.socket is not None
        self.socket.send(json.dumps(frame, ensure_ascii=False))

    def send_message(self, text: str) -> str:
        client_id = f"{RUN_TAG}|{uuid.uuid4().hex[:12]}|{time.time()!r}"
        TALLY.sent.append(client_id)
        self.send({"type": "message", "client_id": client_id, "text": text})
        return client_id

    def read_forever(self) -> None:
        """Read until the socket closes; run it in a greenlet of its own."""
        assert self.socket is not None
        try:
            for raw in self.socket:
                frame = json.loads(raw)
                self._account(frame)
                self.on_frame(frame)
        except ConnectionClosed:
            pass
        self.close_code = self.socket.close_code

    def _account(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "ack":
            # The tab that sent a message gets it in its ack only (docs/chat-protocol.md): it arrived live.
            self.live_ids.add(frame["message"]["id"])
            self.live_seqs.add(frame["message"]["seq"])
            client_id = frame["client_id"]
            if client_id.startswith(RUN_TAG) and client_id not in TALLY.acked:
                TALLY.acked.add(client_id)
                self._fire("chat: stored", float(client_id.rsplit("|", 1)[1]))
        elif kind == "message":
            message = frame["message"]
            if message["id"] in self.live_ids:
                TALLY.received_twice += 1
            self.live_ids.add(message["id"])
            self.live_seqs.add(message["seq"])
            client_id = message.get("client_id") or ""
            if message["sender"]["role"] != self.role and client_id.startswith(RUN_TAG):
                self._fire("chat: delivered", float(client_id.rsplit("|", 1)[1]), length=len(message["text"]))
        elif kind == "status":
            self.closed_status = frame["conversation"]["status"] == "closed"
        elif kind == "error" and frame.get("code") not in BENIGN_ERRORS:
            TALLY.errors[frame.get("code", "?")] += 1
            self.events.request.fire(
                request_type="WS",
                name=f"chat: {frame.get('in_reply_to') or 'frame'}",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"error frame {frame.get('code')}: {frame.get('message')}"),
                context={},
            )

    def missing_seqs(self) -> int:
        """Message numbers below the highest seen that never arrived live on this socket."""
        return len(set(range(1, max(self.live_seqs, default=0) + 1)) - self.live_seqs)

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
