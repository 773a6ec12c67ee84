"""Secrets never reach the logs: the main flows run against a real daphne (``python -m telemarketing.serve``) logging
at DEBUG through the project's own LOGGING, and nothing it writes (stdout and stderr, access log included) holds a
password, a token, a session id, a CSRF token or a full account number."""

from __future__ import annotations

import http.cookiejar
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.core.test_tls import free_port, wait_for_port
from tests.migrated import copy_migrated_database

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Log-Secret-Pass-7319"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A migrated, seeded SQLite file and a daphne over it, at DEBUG; yields its address and its log file."""
    folder = tmp_path_factory.mktemp("log-secrets")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_DEBUG="true",
        DJANGO_LOG_LEVEL="DEBUG",
        DJANGO_PORT=str(port),
        PYTHONUNBUFFERED="1",
        # The seeded manager has no authenticator; codes in logs are tests/core/test_log_masking.py's.
        DJANGO_STAFF_TWO_FACTOR="false",
    )
    manage = [sys.executable, "manage.py"]
    copy_migrated_database(folder / "db.sqlite3")
    subprocess.run(
        [*manage, "seed_demo", "--size", "small", "--password", PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "telemarketing.serve"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, log)
        yield {"url": f"http://127.0.0.1:{port}", "log": log, "database": folder / "db.sqlite3", "process": process}
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them; answers of any status are returned, not raised."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())
        self.open = opener.open

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    def request(self, method: str, path: str, *, form=None, json_body=None, headers=None) -> tuple[int, str]:
        headers = dict(headers or {})
        data = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **form}
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310  (http on loopback)
        try:
            with self.open(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _numbers(database: Path) -> tuple[str, str]:
    """The demo customer's rouble account, and another customer's, by their full numbers."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT b.number, a.username FROM banking_bankaccount b JOIN accounts_account a ON a.id = b.owner_id"
            " WHERE b.currency = 'RUB' AND a.client_id IS NOT NULL ORDER BY a.username = 'demo_customer' DESC, b.id"
        ).fetchall()
    payer = next(number for number, username in rows if username == "demo_customer")
    payee = next(number for number, username in rows if username != "demo_customer")
    return payer, payee


def test_the_main_flows_leave_no_secret_in_the_logs(server):
    browser = Browser(server["url"])
    payer, payee = _numbers(server["database"])

    # Sign-in: a wrong password first (it is logged as a failure), then the right one.
    assert browser.request("GET", "/login/")[0] == 200
    csrf_token = browser.cookie("csrftoken")
    wrong_password = PASSWORD + "-wrong"
    assert browser.request("POST", "/login/", form={"username": "demo_customer", "password": wrong_password})[0] == 200
    assert browser.request("POST", "/login/", form={"username": "demo_customer", "password": PASSWORD})[0] == 302
    session_id = browser.cookie("sessionid")

    # A payment between two customers' accounts, by full numbers, and its receipt.
    payment = {"payer": payer, "recipient": payee, "amount": "12.34", "idempotency_key": str(uuid.uuid4())}
    status, _page = browser.request("POST", "/payments/new/", form=payment)
    assert status == 200 and 'id="payment-confirm-form"' in _page, _page[:2000]
    status, _page = browser.request("POST", "/payments/confirm/", form=payment)  # paid, or its one-time code sent
    assert status == 302, _page[:2000]
    # Requests that django.request logs as warnings, one of them carrying a secret in its address.
    assert browser.request("GET", f"/bank-accounts/987654/?account={payee}")[0] == 404
    assert browser.request("GET", "/staff/")[0] == 403

    # The management API: a failed and a successful sign-in, calls with the bearer token, one with it in the address.
    api = Browser(server["url"])
    assert api.request("POST", "/api/v1/auth/token", json_body={"username": "demo_pm", "password": wrong_password})[0]
    status, body = api.request("POST", "/api/v1/auth/token", json_body={"username": "demo_pm", "password": PASSWORD})
    assert status == 201, body
    token = json.loads(body)["token"]
    assert api.request("GET", "/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})[0] == 200
    assert api.request("GET", "/api/v1/nothing-here", headers={"Authorization": f"Bearer {token}"})[0] == 404
    assert api.request("GET", f"/api/v1/surveys?access_token={token}")[0] == 401

    log = _log_after_requests(server)
    assert "Not Found: /bank-accounts/987654/" in log, "django.request's warnings must be in the captured output"
    assert "POST /login/" in log, "the access log must be in the captured output"
    secrets = {
        "the password": PASSWORD,
        "the wrong password": wrong_password,
        "the API token": token,
        "the session id": session_id,
        "the CSRF token": csrf_token,
        "the payer's account number": payer,
        "the payee's account number": payee,
    }
    leaked = {name: _line_with(log, secret) for name, secret in secrets.items() if secret in log}
    assert not leaked, "secrets in the log:\n" + "\n".join(f"{name}: {line}" for name, line in leaked.items())
    assert f"…{payee[-4:]}" in log, "a masked account number keeps its last four digits, so people can still tell it"


def _log_after_requests(server) -> str:
    """What the server wrote, once it has written its last access-log line."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = server["log"].read_text(errors="replace")
        if "access_token" in text:
            return text
        time.sleep(0.05)
    return server["log"].read_text(errors="replace")


def _line_with(log: str, secret: str) -> str:
    return next(line for line in log.splitlines() if secret in line)[:300]


def test_every_log_handler_masks_secrets():
    """Whichever logger a record goes to, every handler it can reach under LOGGING masks it first (Django's own
    default handlers, which would not, are not among them)."""
    import logging

    from telemarketing.log_masking import MaskSecretsFilter

    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    unmasked = [
        f"{logger.name}: {handler!r}"
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")  # pytest's own capture, not part of the project
        and not isinstance(handler, logging.NullHandler)
        and not any(isinstance(each, MaskSecretsFilter) for each in handler.filters)
    ]
    assert not unmasked, "handlers that write records unmasked:\n" + "\n".join(unmasked)
