"""Only administrators decide who may do what: the back office, which looks after logins in the admin, cannot give
anyone a role, staff access or superuser status, nor take over a staff login by setting its password."""

from __future__ import annotations

import pytest
from django.contrib import admin

from accounts.models import Account
from tests.factories import CustomerFactory, StaffFactory

ROLE_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


@pytest.fixture
def account_admin():
    return admin.site._registry[Account]


def _as(rf, account: Account):
    request = rf.get("/admin/accounts/account/")
    request.user = account
    return request


def test_the_back_office_edits_a_customers_login_but_not_its_roles(db, rf, account_admin):
    back_office = StaffFactory(username="office", back_office=True)
    customer = CustomerFactory(username="ivanov")
    request = _as(rf, back_office)
    form = account_admin.get_form(request, customer, change=True)
    assert ROLE_FIELDS.isdisjoint(form.base_fields), "the back office could make a customer's login staff"
    assert {"username", "email", "is_active"} <= set(form.base_fields)
    assert account_admin.has_change_permission(request, customer)


def test_the_back_office_cannot_edit_its_own_login(db, rf, account_admin):
    back_office = StaffFactory(username="office", back_office=True)
    request = _as(rf, back_office)
    own_form = account_admin.get_form(request, back_office, change=True)
    assert set(own_form.base_fields) <= {"password"}, "the back office could raise its own powers"  # a read-only hash
    assert not account_admin.has_change_permission(request, back_office)


def test_the_back_office_cannot_change_or_delete_a_staff_login(db, rf, account_admin):
    back_office = StaffFactory(username="office", back_office=True)
    administrator = StaffFactory(username="chief", administrator=True)
    request = _as(rf, back_office)
    assert account_admin.has_view_permission(request, administrator)
    assert not account_admin.has_change_permission(request, administrator)
    assert not account_admin.has_delete_permission(request, administrator)


def test_an_administrator_gives_roles_but_not_superuser_status(db, rf, account_admin):
    administrator = StaffFactory(username="chief", administrator=True)
    colleague = StaffFactory(username="office", back_office=True)
    request = _as(rf, administrator)
    form = account_admin.get_form(request, colleague, change=True)
    assert {"is_staff", "groups", "user_permissions"} <= set(form.base_fields)
    assert "is_superuser" not in form.base_fields
    assert account_admin.has_change_permission(request, colleague)
