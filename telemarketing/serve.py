"""Start daphne (HTTP and websockets) with endpoints taken from the environment.

    python -m telemarketing.serve

DJANGO_BIND (default 127.0.0.1) and DJANGO_PORT (default 8000) give the plain HTTP endpoint.
DJANGO_TLS_CERT_FILE and DJANGO_TLS_KEY_FILE (PEM) add daphne's own HTTPS/WSS endpoint on DJANGO_TLS_PORT
(default 8443), TLS 1.2 with AEAD suites only (Mozilla "intermediate") or TLS 1.3;
DJANGO_HTTP_DISABLED=true then leaves only that one. DJANGO_BEHIND_TLS_PROXY=true makes
daphne take the client address from the proxy's X-Forwarded-For.

DJANGO_TASK_WORKERS (default 1) background workers (``manage.py run_worker``: queued tasks and periodic
jobs) start beside daphne and stop with it; production may set 0 and run workers as services of their own.

daphne's access log (one line per request, with the query string) goes through the "daphne.access" logger
instead of straight to stdout, so the LOGGING configuration, and its mask of secrets, applies to it too.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def _escape(value: str) -> str:
    """Twisted endpoint strings separate fields with colons; escape them inside values."""
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=")


def daphne_arguments(environ: Mapping[str, str]) -> list[str]:
    bind = environ.get("DJANGO_BIND", "127.0.0.1")
    arguments: list[str] = []
    certificate, key = environ.get("DJANGO_TLS_CERT_FILE"), environ.get("DJANGO_TLS_KEY_FILE")
    if bool(certificate) != bool(key):
        raise SystemExit("Set both DJANGO_TLS_CERT_FILE and DJANGO_TLS_KEY_FILE to serve HTTPS, or neither.")
    if certificate and key:
        for path in (certificate, key):
            if not Path(path).is_file():
                raise SystemExit(f"TLS file not found: {path}")
        arguments += [
            "-e",
            f"ssl:{int(environ.get('DJANGO_TLS_PORT', '8443'))}:interface={_escape(bind)}"
            f":privateKey={_escape(key)}:certKey={_escape(certificate)}",
        ]
    http_disabled = environ.get("DJANGO_HTTP_DISABLED", "").lower() in ("1", "true", "yes")
    if not (http_disabled and arguments):
        arguments += ["-e", f"tcp:{int(environ.get('DJANGO_PORT', '8000'))}:interface={_escape(bind)}"]
    if environ.get("DJANGO_BEHIND_TLS_PROXY", "").lower() in ("1", "true", "yes"):
        arguments.append("--proxy-headers")
    return [*arguments, "telemarketing.asgi:application"]


def site_address(environ: Mapping[str, str]) -> str:
    """The address a person opens: HTTPS when daphne serves TLS itself, else plain HTTP."""
    host = environ.get("DJANGO_BIND", "127.0.0.1")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104  (a bind-all address is not one to open)
    host = f"[{host}]" if ":" in host else host
    if environ.get("DJANGO_TLS_CERT_FILE"):
        return f"https://{host}:{int(environ.get('DJANGO_TLS_PORT', '8443'))}/"
    return f"http://{host}:{int(environ.get('DJANGO_PORT', '8000'))}/"


# Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and authenticated encryption (AES-GCM, ChaCha20-Poly1305)
# only, no CBC. TLS 1.3 suites are all AEAD; TLS 1.0 and 1.1 are refused (Twisted's minimum is TLS 1.2).
TLS12_AEAD_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
)


def offer_only_aead_ciphers() -> None:
    """daphne's ``ssl:`` endpoint string has no cipher option, and Twisted builds its TLS context with its module
    default cipher list (which includes CBC suites); that default is the one place to set it, before listening."""
    from twisted.internet import _sslverify

    _sslverify.defaultCiphers = _sslverify.OpenSSLAcceptableCiphers.fromOpenSSLCipherString(
        "TLS13-AES-256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES-128-GCM-SHA256:" + TLS12_AEAD_CIPHERS
    )


class AccessLogToLogging:
    """A stream for daphne's access log that hands each line to a logger, to be masked and written like any record."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def write(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.logger.info(line)

    def flush(self) -> None:
        pass


def start_workers(environ: Mapping[str, str]) -> list[subprocess.Popen]:
    """The background workers of this server; they get Ctrl-C with it (same process group) and are stopped after it."""
    count = int(environ.get("DJANGO_TASK_WORKERS", "1"))
    base_dir = Path(__file__).resolve().parent.parent
    return [
        subprocess.Popen([sys.executable, str(base_dir / "manage.py"), "run_worker", "--no-reload"], cwd=base_dir)  # noqa: S603
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    """Ask each worker to finish its task (SIGTERM), then kill the ones still running after 30 seconds."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def main() -> None:
    from daphne.access import AccessLogGenerator
    from daphne.cli import CommandLineInterface
    from daphne.server import Server

    class LoggedAccessServer(Server):
        def __init__(self, *, action_logger=None, **options) -> None:
            if action_logger is not None:
                action_logger = AccessLogGenerator(AccessLogToLogging(logging.getLogger("daphne.access")))
            super().__init__(action_logger=action_logger, **options)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")
    arguments = daphne_arguments(os.environ)
    offer_only_aead_ciphers()
    print(f"Open {site_address(os.environ)} in a browser (Ctrl+C stops the server).", flush=True)
    interface = CommandLineInterface()
    interface.server_class = LoggedAccessServer
    workers = start_workers(os.environ)
    try:
        interface.run(arguments)
    finally:
        stop_workers(workers)


if __name__ == "__main__":
    sys.exit(main())
