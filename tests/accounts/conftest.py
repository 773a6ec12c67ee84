from __future__ import annotations

import pytest

from tests.accounts.factories import make_bank_account, make_customer


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; these tests sign in hundreds of times and test pages, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    return make_customer(username="ivanov")


@pytest.fixture
def other_customer(db):
    return make_customer(username="petrova")


@pytest.fixture
def customer_client(client, customer):
    """A browser signed in as ``customer``."""
    client.force_login(customer)
    return client


@pytest.fixture
def rub_account(customer):
    return make_bank_account(owner=customer, currency="RUB", balance="10000.00")


@pytest.fixture
def others_rub_account(other_customer):
    return make_bank_account(owner=other_customer, currency="RUB", balance="500.00")
