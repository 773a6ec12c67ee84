import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from banking.exchange import fund_exchange_desk, set_exchange_rate
from tests.factories import PASSWORD, BankAccountFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(fast_password_hashing) -> None:
    """The ledger, payments and statements: tests that sign in hundreds of times, not tests of hashing."""


# The exchange's fixtures, shared by its tests and its rule tests.


@pytest.fixture
def clerk(db):
    account = StaffFactory(is_staff=True, password=PASSWORD)
    account.groups.add(Group.objects.get(name=roles.BACK_OFFICE))
    return account


@pytest.fixture
def usd_rub(clerk):
    """The bank buys a dollar for 90.00 ₽ and sells one for 95.50 ₽; its desk holds 1 000 $ and 100 000 ₽."""
    rate = set_exchange_rate(
        base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95.5"), set_by=clerk,
        valid_from=timezone.now() - datetime.timedelta(minutes=1),
    )  # fmt: skip
    fund_exchange_desk(currency="USD", amount=Decimal("1000"), funded_by=clerk)
    fund_exchange_desk(currency="RUB", amount=Decimal("100000"), funded_by=clerk)
    return rate


@pytest.fixture
def roubles(customer):
    return BankAccountFactory(owner=customer, currency="RUB", balance="10000.00")


@pytest.fixture
def dollars(customer):
    return BankAccountFactory(owner=customer, currency="USD", balance="50.00")
