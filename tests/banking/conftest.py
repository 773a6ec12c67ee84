import pytest

from tests.factories import PASSWORD, BankAccountFactory, StaffFactory, usd_rub_desk


@pytest.fixture(autouse=True)
def _fast_password_hashing(fast_password_hashing) -> None:
    """The ledger, payments and statements: tests that sign in hundreds of times, not tests of hashing."""


# The exchange's fixtures, shared by its tests and its rule tests.


@pytest.fixture
def clerk(db):
    return StaffFactory(back_office=True, password=PASSWORD)


@pytest.fixture
def usd_rub(clerk):
    return usd_rub_desk(clerk=clerk)


@pytest.fixture
def roubles(customer):
    return BankAccountFactory(owner=customer, currency="RUB", balance="10000.00")


@pytest.fixture
def dollars(customer):
    return BankAccountFactory(owner=customer, currency="USD", balance="50.00")
