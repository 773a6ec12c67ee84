"""Server processes the benchmarks load: daphne serving the project, and the bare websockets echo server."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(rb"Listening on TCP address 127\.0\.0\.1:(\d+)")
ECHO_LISTENING = re.compile(rb"echo listening on (\d+)")


class Server:
    """One process on 127.0.0.1 that prints the port it got (port 0 lets the system choose a free one)."""

    listening = LISTENING

    def __init__(self, command: list[str], env: dict, log_path: Path) -> None:
        self.command = command
        self.env = env
        self.log_path = log_path
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, *, timeout: float = 60) -> Server:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.listening.search(self.log_path.read_bytes())
            if found:
                self.port = int(found.group(1))
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.command} did not start; its log:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def daphne(env: dict, log_path: Path, application: str = "telemarketing.asgi:application") -> Server:
    """daphne as the README runs it: one process, HTTP and websockets, the project's ASGI application."""
    command = [sys.executable, "-m", "daphne", "-e", "tcp:port=0:interface=127.0.0.1", application]
    return Server(command, env, log_path)


class EchoServer(Server):
    listening = ECHO_LISTENING


def echo_server(env: dict, log_path: Path) -> Server:
    return EchoServer([sys.executable, "-m", "bench.echo_server"], env, log_path)
