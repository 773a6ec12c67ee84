"""The login backend reads a signed-in account with its client, and still lets no deactivated login in."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from accounts.backends import AccountBackend
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_comes_with_their_client_in_one_query(django_assert_num_queries):
    customer = CustomerFactory(client__name="Анна")
    with django_assert_num_queries(1):
        account = AccountBackend().get_user(customer.pk)
        assert account.client.name == "Анна"
    assert async_to_sync(AccountBackend().aget_user)(customer.pk).client.name == "Анна"


def test_staff_have_no_client_and_a_deactivated_or_missing_login_is_nobody():
    staff = StaffFactory()
    assert AccountBackend().get_user(staff.pk).client is None
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    for user_id in (staff.pk, staff.pk + 1000):
        assert AccountBackend().get_user(user_id) is None
        assert async_to_sync(AccountBackend().aget_user)(user_id) is None
