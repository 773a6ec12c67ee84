"""A real daphne whose database is not answering, or down and back: 503s said plainly, then recovery.

The faults are real sockets made here: a port that accepts connections and never answers (a "black
hole"), and a proxy in front of PostgreSQL that can cut every connection and refuse new ones.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from desktop_client.api import ApiClient, ServiceUnavailable
from desktop_client.i18n import Translator
from telemarketing.views import HEALTHZ_DEADLINE_SECONDS
from tests.chat.live import Daphne, server_environment
from tests.core.load import customer_session, make_customers, postgres_url

pytestmark = pytest.mark.processes


class BlackHole:
    """A TCP port that accepts every connection and never sends a byte."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=200)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for accepted in self.accepted:
            accepted.close()


class SwitchableProxy:
    """Forwards TCP to PostgreSQL; ``down()`` cuts every connection and refuses new ones until ``up()``."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=200)
        self.port = self.listener.getsockname()[1]
        self.is_down = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return
            if self.is_down:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()

    def down(self) -> None:
        self.is_down = True
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.open.clear()

    def up(self) -> None:
        self.is_down = False

    def close(self) -> None:
        self.down()
        self.listener.close()


def threads_and_sockets(pid: int) -> tuple[int, int]:
    threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
    sockets = 0
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            sockets += os.readlink(descriptor).startswith("socket:")
        except OSError:
            continue
    return threads, sockets


def test_healthz_answers_503_soon_after_its_deadline_when_the_database_never_answers(tmp_path):
    hole = BlackHole()
    env = server_environment(tmp_path / "unused.sqlite3")
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{hole.port}/telemarketing",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_POOL_MAX_SIZE="4",
    )
    server = Daphne(env, tmp_path, "black-hole").start()
    pid = server.process.pid
    try:

        def probe() -> float:
            started = time.monotonic()
            response = requests.get(f"{server.http}/healthz", timeout=10)
            elapsed = time.monotonic() - started
            assert response.status_code == 503
            # "Timeout" while the probe waits; the pool's OperationalError when it gave up on connecting.
            assert response.json()["status"] == "unavailable"
            return elapsed

        slowest = max(probe() for _ in range(3))
        baseline = threads_and_sockets(pid)
        # A load balancer probing: one probe every 0.25 s, some of them at once.
        for _ in range(8):
            burst = [threading.Thread(target=lambda: probe()) for _ in range(3)]
            for thread in burst:
                thread.start()
            slowest = max(slowest, probe())
            for thread in burst:
                thread.join()
            time.sleep(0.25)
        # A request's thread may still be finishing as the last answer arrives; nothing may stay past the
        # driver's connect timeout (3 s), whereas a pile-up would keep a thread per probe.
        settled_by = time.monotonic() + 5
        after = threads_and_sockets(pid)
        while after[0] > baseline[0] + 3 and time.monotonic() < settled_by:
            time.sleep(0.25)
            after = threads_and_sockets(pid)
    finally:
        server.stop()
        hole.close()
    print(f"\n/healthz with a black-hole database: slowest {slowest:.2f} s; threads, sockets {baseline} → {after}")
    # The probe gives up after HEALTHZ_DEADLINE_SECONDS (1 s); the rest is the request's own way through a
    # machine that may be busy. Without the deadline, a probe waited for the driver's whole connect timeout.
    assert slowest < HEALTHZ_DEADLINE_SECONDS + 1.5
    assert after[0] <= baseline[0] + 3
    assert after[1] <= baseline[1] + 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_shows_503_everywhere_and_the_same_server_recovers(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("run with DATABASE_URL pointing at PostgreSQL")
    database = settings.DATABASES["default"]
    proxy = SwitchableProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    env = server_environment(tmp_path / "unused.sqlite3")
    env.update(DATABASE_URL=postgres_url().replace(f":{database['PORT'] or 5432}/", f":{proxy.port}/"))
    env.update(DATABASE_CONNECT_TIMEOUT="2", DATABASE_POOL_MAX_SIZE="4")
    [customer] = make_customers(env, 1)
    server = Daphne(env, tmp_path, "outage").start()
    browser = customer_session(server.http, customer["session"])
    desktop = ApiClient(server.http, tr=Translator("ru"), timeout=10)
    try:
        assert browser.get(f"{server.http}/", timeout=10).status_code == 200

        proxy.down()
        page = browser.get(f"{server.http}/", timeout=10)
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "30"
        assert "Service temporarily unavailable" in page.text
        browser.cookies.set("django_language", "ru", domain="127.0.0.1")
        assert "Сервис временно недоступен" in browser.get(f"{server.http}/payments/new/", timeout=10).text
        api = requests.post(
            f"{server.http}/api/v1/auth/token",
            json={"username": "pm", "password": "x"},
            headers={"Accept-Language": "en"},
            timeout=10,
        )
        assert api.status_code == 503
        assert api.json() == {
            "error": "The service is temporarily unavailable; try again in a minute.",
            "details": {},
        }
        with pytest.raises(ServiceUnavailable) as refused:
            desktop.sign_in("pm", "x")
        assert refused.value.explained() == "Сервис временно недоступен; попробуйте ещё раз через минуту."
        with (
            connect(
                f"{server.ws}/ws/chat/agent/",
                additional_headers={"Cookie": f"sessionid={customer['session']}", "Origin": server.http},
                open_timeout=10,
            ) as socket_,
            pytest.raises(ConnectionClosed) as closed,
        ):
            socket_.recv(timeout=10)
        assert closed.value.rcvd.code == 4503
        assert requests.get(f"{server.http}/healthz", timeout=10).status_code == 503

        proxy.up()
        deadline = time.monotonic() + 15
        while (status := browser.get(f"{server.http}/", timeout=10).status_code) != 200:
            assert time.monotonic() < deadline, f"still {status} 15 s after the database came back"
            time.sleep(0.5)
        assert requests.get(f"{server.http}/healthz", timeout=10).json()["status"] == "ok"
        assert server.process.poll() is None  # the same process
    finally:
        server.stop()
        proxy.close()
