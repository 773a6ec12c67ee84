"""The servers a capacity run loads, started as production starts them (``python -m telemarketing.serve``,
``manage.py run_worker``), with an SMTP sink that receives the outbox's e-mail.

- ``embedded``: the README's default: one daphne process with one task worker beside it, SQLite file,
  in-memory channel layer.
- ``production`` (``production-N`` for N daphne processes, 2 by default): nginx from Debian in front of N
  daphne processes (``least_conn``; websockets upgraded, as in docs/deployment.md) and 2 task workers,
  PostgreSQL, Redis (pub/sub channel layer). nginx listens on plain HTTP and tells daphne the request came
  over HTTPS (``X-Forwarded-Proto``), as the TLS-terminating proxy does: TLS itself is not measured (it runs
  in nginx's C code, and the load generator would pay for it on the same two cores). ``proxy_next_upstream
  off`` for websockets: with nginx's default, one websocket handshake that a daphne process reset marked
  that process down for 10 s (``max_fails=1``), and with both marked down every request got 502.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.environments import POSTGRES_URL, REPO, base_environment, migrate, reachable

REDIS_URL = "redis://127.0.0.1:6379/7"  # this benchmark's own Redis database
DATABASE = "bench_telemarketing_capacity"

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream telemarketing {{
        least_conn;
        {upstreams}
        keepalive 32;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      '';
    }}
    server {{
        listen 127.0.0.1:{port};
        location /ws/ {{
            proxy_pass http://telemarketing;
            proxy_next_upstream off;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 1h;
        }}
        location / {{
            proxy_pass http://telemarketing;
            proxy_http_version 1.1;
            proxy_set_header Connection '';
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


@dataclass
class Shape:
    """One deployment on this machine: its processes (by role, for the CPU figures), its address, its env."""

    name: str
    workdir: Path
    daphnes: int = 1
    workers: int = 1
    server_database: bool = False
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    port: int = 0
    smtp_port: int = 0
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def named(cls, name: str, workdir: Path) -> Shape:
        if name == "embedded":
            return cls(name, workdir)
        if name.startswith("production"):
            daphnes = int(name.split("-", 1)[1]) if "-" in name else 2
            return cls(name, workdir, daphnes=daphnes, workers=2, server_database=True)
        raise ValueError(f"unknown shape {name!r}: embedded, production or production-N")

    @property
    def label(self) -> str:
        if not self.server_database:
            return "embedded default: 1 daphne + 1 worker, SQLite, in-memory channel layer"
        return f"production: nginx + {self.daphnes} daphne + {self.workers} workers, PostgreSQL, Redis"

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}" if self.server_database else self.host

    @property
    def websocket_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def can_run(self) -> str | None:
        """Why this shape cannot run here, or None."""
        if not self.server_database:
            return None
        if not reachable(POSTGRES_URL, 5432):
            return f"PostgreSQL is not reachable at {POSTGRES_URL}"
        if not reachable(REDIS_URL, 6379):
            return f"Redis is not reachable at {REDIS_URL}"
        if not shutil.which("nginx"):
            return "nginx is not installed (Debian: apt-get install nginx-light)"
        return None

    def prepare(self, smtp_port: int) -> dict[str, str]:
        """A fresh, migrated database; returns the environment every process of the shape gets."""
        self.smtp_port = smtp_port
        env = base_environment()
        env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), EMAIL_USE_TLS="false", DJANGO_LOG_LEVEL="WARNING")
        if self.server_database:
            self._postgres(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            self._postgres(f'CREATE DATABASE "{DATABASE}"')
            env.update(
                DATABASE_URL=f"{POSTGRES_URL}/{DATABASE}",
                REDIS_URL=REDIS_URL,
                CHANNELS_REDIS_PREFIX=f"capacity-{uuid.uuid4().hex[:8]}",
                DJANGO_BEHIND_TLS_PROXY="true",
            )
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.workdir / 'capacity.sqlite3'}"
        migrate(env)
        self.env = env
        return env

    def start(self) -> None:
        daphne_ports = []
        for n in range(self.daphnes):
            port = free_port()
            log = self.workdir / f"daphne-{n}.log"
            env = {**self.env, "DJANGO_PORT": str(port), "DJANGO_TASK_WORKERS": "0"}
            process = self._spawn([sys.executable, "-m", "telemarketing.serve"], env, log)
            self.processes[f"daphne-{n + 1}"] = process
            wait_for_port(port, process, log)
            daphne_ports.append(port)
        for n in range(self.workers):
            command = [sys.executable, "manage.py", "run_worker", "--no-reload", "-v", "0"]
            self.processes[f"worker-{n + 1}"] = self._spawn(command, self.env, self.workdir / f"worker-{n}.log")
        if self.server_database:
            self.port = free_port()
            upstreams = "\n        ".join(f"server 127.0.0.1:{port};" for port in daphne_ports)
            conf = self.workdir / "nginx.conf"
            conf.write_text(NGINX_CONF.format(dir=self.workdir, upstreams=upstreams, port=self.port))
            log = self.workdir / "nginx.log"
            nginx = self._spawn(["nginx", "-p", str(self.workdir), "-c", str(conf), "-g", "daemon off;"], {}, log)
            self.processes["nginx"] = nginx
            wait_for_port(self.port, nginx, log)
        else:
            self.port = daphne_ports[0]

    def _spawn(self, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        with log.open("wb") as out:
            return subprocess.Popen(command, cwd=REPO, env=env or None, stdout=out, stderr=subprocess.STDOUT)

    def stopped(self) -> list[str]:
        """Processes that ended while they should be serving, with the end of their log."""
        return [
            f"{name} exited with {process.returncode}"
            for name, process in self.processes.items()
            if process.poll() is not None
        ]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.processes.clear()

    def discard(self) -> None:
        if self.server_database:
            self._postgres(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    @staticmethod
    def _postgres(statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            connection.execute(statement)
