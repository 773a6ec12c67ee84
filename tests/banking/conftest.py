import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(fast_password_hashing) -> None:
    """The ledger, payments and statements: tests that sign in hundreds of times, not tests of hashing."""
