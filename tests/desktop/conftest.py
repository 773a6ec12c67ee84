"""A real server and a real Tk window for the desktop program's tests.

The server is daphne on free ports (plain HTTP, and HTTPS with a certificate from a test authority) over a
migrated temporary SQLite database with a product manager in it; the window lives on an Xvfb display. Without
Xvfb these tests skip here, and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import trustme

from tests.migrated import copy_migrated_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "desktop"
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.desktop)


@pytest.fixture(scope="session")
def display():
    """An Xvfb display of its own for the session's windows."""
    if shutil.which("Xvfb") is None:
        message = "Xvfb is not installed (Debian package xvfb); the desktop program needs a display"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
        pytest.skip(message)
    number = next(n for n in range(91, 400) if not Path(f"/tmp/.X{n}-lock").exists())  # noqa: S108 (X's own)
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{number}").exists():  # noqa: S108 (where X puts its socket)
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb did not start: {server.stderr.read().decode()}")
            time.sleep(0.05)
        previous = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = f":{number}"
        yield f":{number}"
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server(tmp_path_factory, authority) -> dict:
    """daphne serving the whole project, over HTTP and HTTPS, with the seed data of tests/desktop/seed.py."""
    folder = tmp_path_factory.mktemp("desktop-server")
    certificate = authority.issue_cert("localhost", "127.0.0.1")
    certificate.private_key_and_cert_chain_pem.write_to_path(folder / "server.pem")
    authority.cert_pem.write_to_path(folder / "ca.pem")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="telemarketing.settings",
        DJANGO_DEBUG="true",
        # The manager has no authenticator enrolled; the token's second factor is tested in
        # tests/security/test_two_factor.py (a code is used once, so these windows cannot each sign in with one).
        DJANGO_STAFF_TWO_FACTOR="false",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    copy_migrated_database(folder / "db.sqlite3")
    subprocess.run(
        [*manage, "shell", "-c", "from tests.desktop.seed import seed; seed()"], cwd=ROOT, env=env, check=True
    )
    http_port, https_port = free_port(), free_port()
    pem = str(folder / "server.pem").replace(":", "\\:")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "daphne",
            "-e", f"tcp:{http_port}:interface=127.0.0.1",
            "-e", f"ssl:{https_port}:interface=127.0.0.1:privateKey={pem}:certKey={pem}",
            "telemarketing.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{http_port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
                    if json.load(answer)["status"] == "ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.2)
        yield {
            "url": url,
            "https_url": f"https://127.0.0.1:{https_port}",
            "ca_bundle": str(folder / "ca.pem"),
            "env": env,
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def window(display, server):
    """The program as a product manager starts it, in English, pointed at the test server."""
    import tkinter as tk

    from desktop_client.app import Application
    from desktop_client.i18n import Translator

    root = tk.Tk()
    app = Application(root, tr=Translator("en"), server=server["url"])
    root.update()
    yield app
    app.close()


def wait_until(app, condition, *, timeout: float = 20, what: str = "the window to change") -> None:
    """Let Tk run (events, the background calls' results) until the condition holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.root.update()
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def settle(app) -> None:
    """Wait for every background call to come back."""
    wait_until(app, lambda: app.background.idle, what="the server's answers")
    app.root.update()


def screenshot(app, name: str, widget=None) -> Path:
    """A PNG of the window (or of one dialog) as the person sees it, kept in test-artifacts/desktop/."""
    from PIL import ImageGrab

    widget = widget or app.root
    widget.update()
    time.sleep(0.1)
    widget.update()
    left, top = widget.winfo_rootx(), widget.winfo_rooty()
    box = (left, top, left + widget.winfo_width(), top + widget.winfo_height())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    ImageGrab.grab(bbox=box, xdisplay=os.environ["DISPLAY"]).save(path)
    return path


def sign_in(app, *, username: str = "manager", password: str | None = None) -> None:
    from tests.factories import PASSWORD

    frame = app.sign_in_frame
    frame.username.set(username)
    frame.password.set(PASSWORD if password is None else password)
    frame.button.invoke()
    settle(app)
