"""Real servers on loopback for the outbox tests: an SMTP server (aiosmtpd) and an SMSC.ru look-alike."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Keeps every e-mail it accepted; ``delay`` seconds before it answers each one, to widen the send window."""

    def __init__(self, *, delay: float = 0.0, port: int | None = None) -> None:
        self.received: list[Message] = []
        self.delay = delay
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [mail["Message-ID"] for mail in self.received]

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class SmscServer:
    """SMSC.ru's /sys/send.php as documented: form fields in, ``{"id", "cnt"}`` or ``{"error", "error_code"}`` out.

    ``answers`` maps a phone number to the error code to answer for it; ``login``/``psw`` must match.
    """

    def __init__(self, *, login: str = "bank", password: str = "secret") -> None:  # noqa: S107 (a test server)
        self.login, self.password = login, password
        self.requests: list[dict[str, str]] = []
        self.answers: dict[str, int] = {}
        # /sys/status.php: the status of each message id (as SMSC.ru numbers them; -1 waiting by default)
        self.statuses: dict[str, int] = {}
        self.status_requests: list[dict[str, str]] = []
        self.no_money = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path.startswith("/sys/status.php"):
                    owner.status_requests.append(form)
                    answer = owner.status_answer(form)
                else:
                    owner.requests.append(form)
                    answer = owner.answer(form)
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, form: dict[str, str]) -> dict:
        if form.get("fmt") != "3" or not form.get("phones") or not form.get("mes"):
            return {"error": "parameters error", "error_code": 1}
        if (form.get("login"), form.get("psw")) != (self.login, self.password):
            return {"error": "authorise error", "error_code": 2}
        if self.no_money:
            return {"error": "no money", "error_code": 3, "id": form.get("id")}
        code = self.answers.get(form["phones"])
        if code == 7:
            return {"error": "invalid number", "error_code": 7, "id": form.get("id")}
        return {"id": int(form["id"]), "cnt": 1}

    def status_answer(self, form: dict[str, str]) -> dict:
        if (form.get("login"), form.get("psw")) != (self.login, self.password):
            return {"error": "authorise error", "error_code": 2}
        if not form.get("id") or not form.get("phone"):
            return {"error": "parameters error", "error_code": 1}
        status = self.statuses.get(form["id"], -1)
        return {"status": status, "last_date": "01.12.2026 10:00:00", "last_timestamp": 1796112000}

    def __enter__(self) -> SmscServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
