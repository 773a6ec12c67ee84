"""daphne's own TLS endpoint, in production mode, with a certificate made for the test."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trustme

from telemarketing.serve import daphne_arguments, site_address

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, authority):
    """A production-mode daphne serving HTTPS on one port and plain HTTP on another."""
    folder = tmp_path_factory.mktemp("tls")
    certificate = authority.issue_cert("localhost", "127.0.0.1")
    certificate.cert_chain_pems[0].write_to_path(folder / "cert.pem")
    for blob in certificate.cert_chain_pems[1:]:
        blob.write_to_path(folder / "cert.pem", append=True)
    certificate.private_key_pem.write_to_path(folder / "key.pem")
    https_port, http_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="tls-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DJANGO_TLS_CERT_FILE=str(folder / "cert.pem"),
        DJANGO_TLS_KEY_FILE=str(folder / "key.pem"),
        DJANGO_TLS_PORT=str(https_port),
        DJANGO_PORT=str(http_port),
        DJANGO_TASK_WORKERS="0",
    )
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "telemarketing.serve"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(https_port, process, log)
        yield {"https": https_port, "http": http_port, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=10)


def https_get(port: int, path: str, context: ssl.SSLContext) -> http.client.HTTPResponse:
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=10)
    connection.request("GET", path)
    return connection.getresponse()


def test_https_succeeds_with_the_certificate_trusted_and_sends_production_headers(tls_server, authority):
    context = ssl.create_default_context()
    authority.configure_trust(context)
    response = https_get(tls_server["https"], "/healthz", context)
    assert response.status == 200, tls_server["log"].read_text()[-3000:]
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")


def test_https_fails_when_the_certificate_is_not_trusted(tls_server):
    with pytest.raises(ssl.SSLCertVerificationError):
        https_get(tls_server["https"], "/healthz", ssl.create_default_context())


def test_wss_handshake_succeeds_with_the_certificate_trusted_and_fails_without(tls_server, authority):
    """A websocket over daphne's TLS endpoint: an anonymous socket is accepted, then closed with 4401 (sign in first),
    which proves the TLS and websocket handshakes both went through."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = f"wss://localhost:{tls_server['https']}/ws/chat/agent/"
    origin = f"https://localhost:{tls_server['https']}"
    context = ssl.create_default_context()
    authority.configure_trust(context)
    with connect(url, ssl=context, origin=origin, open_timeout=10) as websocket:
        assert websocket.response.status_code == 101
        with pytest.raises(ConnectionClosed) as closed:
            websocket.recv(timeout=10)
    assert closed.value.rcvd.code == 4401
    with pytest.raises(ssl.SSLCertVerificationError):
        connect(url, ssl=ssl.create_default_context(), origin=origin, open_timeout=10)


CBC_SUITES = (
    "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
    "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:AES128-SHA:AES256-SHA"
)


def tls12_context(authority: trustme.CA, ciphers: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(ciphers + ":@SECLEVEL=0")
    return context


def test_tls_1_2_offers_only_aead_suites_and_tls_1_3_works(tls_server, authority):
    with pytest.raises(ssl.SSLError):
        https_get(tls_server["https"], "/healthz", tls12_context(authority, CBC_SUITES))
    aead = https_get(tls_server["https"], "/healthz", tls12_context(authority, "ECDHE+AESGCM:ECDHE+CHACHA20"))
    assert aead.status == 200
    modern = ssl.create_default_context()
    authority.configure_trust(modern)
    modern.minimum_version = ssl.TLSVersion.TLSv1_3
    assert https_get(tls_server["https"], "/healthz", modern).status == 200


def test_plain_http_redirects_to_https(tls_server):
    connection = http.client.HTTPConnection("localhost", tls_server["http"], timeout=10)
    connection.request("GET", "/admin/login/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://localhost:{tls_server['http']}/admin/login/"


def test_serve_arguments_from_the_environment():
    assert daphne_arguments({}) == ["-e", "tcp:8000:interface=127.0.0.1", "telemarketing.asgi:application"]
    with pytest.raises(SystemExit, match="both"):
        daphne_arguments({"DJANGO_TLS_CERT_FILE": "/etc/cert.pem"})
    with pytest.raises(SystemExit, match="not found"):
        daphne_arguments({"DJANGO_TLS_CERT_FILE": "/nonexistent/c.pem", "DJANGO_TLS_KEY_FILE": "/nonexistent/k"})
    assert "--proxy-headers" in daphne_arguments({"DJANGO_BEHIND_TLS_PROXY": "true"})


def test_the_address_to_open_follows_the_endpoints():
    assert site_address({}) == "http://127.0.0.1:8000/"
    assert site_address({"DJANGO_BIND": "0.0.0.0", "DJANGO_PORT": "9000"}) == "http://127.0.0.1:9000/"  # noqa: S104
    assert site_address({"DJANGO_BIND": "::1"}) == "http://[::1]:8000/"
    assert site_address({"DJANGO_TLS_CERT_FILE": "c.pem", "DJANGO_TLS_KEY_FILE": "k.pem"}) == "https://127.0.0.1:8443/"
