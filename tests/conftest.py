"""Shared fixtures; and the rule that, under CI=true, tests needing PostgreSQL or Redis never skip."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache

from tests import tsql_shadow
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory

# The test process makes no pool (its idle connections would keep the test database from being dropped);
# the live servers the tests start are given the pool they test.
os.environ.setdefault("DATABASE_POOL_MAX_SIZE", "0")
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int) -> None:
    """Skip with the reason when a server is absent here; in CI its absence is a failure."""
    if reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if IN_CI:
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(message)


def pytest_configure(config) -> None:
    tsql_shadow.register(config)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        url = f"postgres://{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
        if not reachable(url, 5432):
            message = f"PostgreSQL is not reachable at {url}"
            if IN_CI:
                pytest.exit(f"{message}, and CI=true requires it", returncode=3)
            config.option.markexpr = "postgres and not postgres"  # nothing to run: report it below
            config.issue_config_time_warning(pytest.PytestWarning(f"{message}: PostgreSQL tests skipped"), 2)


# A test that needs a server database is marked "serverdb" (or, as before, "postgres"): each marker
# implies the other, so CI's `-m postgres` and scripts/test-sqlserver's `-m serverdb` select the same tests.
SERVER_DATABASE_MARKERS = ("serverdb", "postgres")


# Under pytest-xdist (`--dist loadgroup`, as scripts/test runs the suite) the tests that start real processes
# run one after another on one worker, so that two timing-sensitive servers never share the cores; the rest
# goes module by module, keeping a module's fixtures in one process.
REAL_PROCESS_MARKERS = ("processes", "browser", "desktop")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SERVER_DATABASE_MARKERS):
            for name in SERVER_DATABASE_MARKERS:
                if item.get_closest_marker(name) is None:
                    item.add_marker(name)
        if any(item.get_closest_marker(name) for name in REAL_PROCESS_MARKERS):
            item.add_marker(pytest.mark.xdist_group("real processes"))
        else:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", REDIS_URL, 6379)
    return REDIS_URL


@pytest.fixture(autouse=True)
def _english_by_default(settings) -> None:
    """Tests read the English messages unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the database is rolled back between tests and its ids come again,
    so a page fragment cached by one test must not be found by the next."""
    cache.clear()


@pytest.fixture
def fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; tests that sign in or make logins by the hundred are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    """A customer of the bank who signs in with PASSWORD."""
    return CustomerFactory(username="ivanov", password=PASSWORD)


@pytest.fixture
def other_customer(db):
    return CustomerFactory(username="petrova", password=PASSWORD)


@pytest.fixture
def customer_client(client, customer):
    """A browser signed in as ``customer``."""
    client.force_login(customer)
    return client


@pytest.fixture
def rub_account(customer):
    return BankAccountFactory(owner=customer, currency="RUB", balance="10000.00")


@pytest.fixture
def others_rub_account(other_customer):
    return BankAccountFactory(owner=other_customer, currency="RUB", balance="500.00")
