"""Only administrators decide who may do what: the back office, which looks after logins in the admin, cannot give
anyone a role, staff access or superuser status, nor take over a staff login by setting its password."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Account, Client, Worker

ROLE_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


def _staff(username: str, role: str) -> Account:
    worker = Worker.objects.create(surname=username, name="Анна", position=role)
    account = Account.objects.create_user(username=username, password=None, worker=worker, is_staff=True)
    account.groups.add(Group.objects.get(name=role))
    return account


@pytest.fixture
def account_admin():
    return admin.site._registry[Account]


def _as(rf, account: Account):
    request = rf.get("/admin/accounts/account/")
    request.user = account
    return request


def test_the_back_office_edits_a_customers_login_but_not_its_roles(db, rf, account_admin):
    back_office = _staff("office", roles.BACK_OFFICE)
    client = Client.objects.create(surname="Иванов", name="Иван", sex="M", birth_date=date(1980, 1, 1), email="i@ex.ru")
    customer = Account.objects.create_user(username="ivanov", password=None, client=client)
    request = _as(rf, back_office)
    form = account_admin.get_form(request, customer, change=True)
    assert ROLE_FIELDS.isdisjoint(form.base_fields), "the back office could make a customer's login staff"
    assert {"username", "email", "is_active"} <= set(form.base_fields)
    assert account_admin.has_change_permission(request, customer)


def test_the_back_office_cannot_edit_its_own_login(db, rf, account_admin):
    back_office = _staff("office", roles.BACK_OFFICE)
    request = _as(rf, back_office)
    own_form = account_admin.get_form(request, back_office, change=True)
    assert set(own_form.base_fields) <= {"password"}, "the back office could raise its own powers"  # a read-only hash
    assert not account_admin.has_change_permission(request, back_office)


def test_the_back_office_cannot_change_or_delete_a_staff_login(db, rf, account_admin):
    back_office = _staff("office", roles.BACK_OFFICE)
    administrator = _staff("chief", roles.ADMINISTRATORS)
    request = _as(rf, back_office)
    assert account_admin.has_view_permission(request, administrator)
    assert not account_admin.has_change_permission(request, administrator)
    assert not account_admin.has_delete_permission(request, administrator)


def test_an_administrator_gives_roles_but_not_superuser_status(db, rf, account_admin):
    administrator = _staff("chief", roles.ADMINISTRATORS)
    colleague = _staff("office", roles.BACK_OFFICE)
    request = _as(rf, administrator)
    form = account_admin.get_form(request, colleague, change=True)
    assert {"is_staff", "groups", "user_permissions"} <= set(form.base_fields)
    assert "is_superuser" not in form.base_fields
    assert account_admin.has_change_permission(request, colleague)
