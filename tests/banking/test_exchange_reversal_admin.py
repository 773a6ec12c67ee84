"""Back office in the admin: rates are set through the service, reversals proposed and approved by two people."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts import roles
from audit.models import AuditAction, AuditEvent
from banking.models import ExchangeRate, Reversal, ReversalStatus
from banking.services import transfer
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(role=roles.BACK_OFFICE):
    account = StaffFactory(is_staff=True, password=PASSWORD)
    account.groups.add(Group.objects.get(name=role))
    browser = Client()
    browser.force_login(account)
    return account, browser


@pytest.fixture
def payment(db):
    owner = CustomerFactory(password=PASSWORD)
    payer = BankAccountFactory(owner=owner, balance="1000")
    payee = BankAccountFactory(owner=CustomerFactory(password=PASSWORD), balance="0")
    return transfer(
        initiated_by=owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount="300",
        idempotency_key=uuid.uuid4(),
    )


def test_a_rate_is_added_through_the_service_and_never_edited(db):
    clerk, browser = signed_in()
    form = {"base": "USD", "quote": "RUB", "buy": "90.10", "sell": "95.25", "valid_from_0": "", "valid_from_1": ""}
    assert browser.post("/admin/banking/exchangerate/add/", form).status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.buy, rate.sell, rate.set_by) == (Decimal("90.10"), Decimal("95.25"), clerk)
    assert AuditEvent.objects.filter(action=AuditAction.EXCHANGE_RATE, actor_id=clerk.pk).count() == 1
    refused = browser.post("/admin/banking/exchangerate/add/", {**form, "buy": "96"})
    assert refused.status_code == 200 and "selling rate cannot be below" in refused.text
    assert ExchangeRate.objects.count() == 1
    page = browser.get(f"/admin/banking/exchangerate/{rate.pk}/change/")
    assert page.status_code == 200 and 'name="buy"' not in page.text  # shown, not editable


def test_proposed_by_one_approved_by_another_in_the_admin(payment):
    maker, maker_browser = signed_in()
    checker, checker_browser = signed_in()
    assert maker_browser.get(f"/admin/banking/reversal/add/?original={payment.pk}").status_code == 200
    answer = maker_browser.post("/admin/banking/reversal/add/", {"original": payment.pk, "reason": "paid twice"})
    assert answer.status_code == 302
    reversal = Reversal.objects.get()
    assert reversal.proposed_by == maker

    action = {"action": "approve", "_selected_action": [reversal.pk]}
    refused = maker_browser.post("/admin/banking/reversal/", action, follow=True)
    assert "approved by someone other than the person who proposed it" in refused.text
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.PROPOSED

    approved = checker_browser.post("/admin/banking/reversal/", action, follow=True)
    assert f"Transfer No. {payment.pk} is reversed." in approved.text
    reversal.refresh_from_db()
    assert (reversal.status, reversal.decided_by) == (ReversalStatus.REVERSED, checker)
    again = checker_browser.post("/admin/banking/reversal/add/", {"original": payment.pk, "reason": "again"})
    assert again.status_code == 200 and "already has a reversal" in again.text


def test_a_claim_is_shown_as_such(payment):
    payee = payment.payee
    transfer(
        initiated_by=payee.owner,
        payer_number=payee.number,
        payee_number=payment.payer.number,
        amount="300",
        idempotency_key=uuid.uuid4(),
    )
    _maker, maker_browser = signed_in()
    _checker, checker_browser = signed_in()
    maker_browser.post("/admin/banking/reversal/add/", {"original": payment.pk, "reason": "fraud"})
    reversal = Reversal.objects.get()
    answer = checker_browser.post(
        "/admin/banking/reversal/", {"action": "approve", "_selected_action": [reversal.pk]}, follow=True
    )
    assert "The reversal is recorded as a claim." in answer.text
    assert "claim against the payee" in checker_browser.get("/admin/banking/reversal/").text
    assert Reversal.objects.get().status == ReversalStatus.CLAIM


def test_an_administrator_may_approve_but_a_product_manager_sees_nothing(payment):
    _maker, maker_browser = signed_in()
    maker_browser.post("/admin/banking/reversal/add/", {"original": payment.pk, "reason": "fraud"})
    _pm, pm_browser = signed_in(roles.PRODUCT_MANAGERS)
    assert pm_browser.get("/admin/banking/reversal/").status_code == 403
    _admin, admin_browser = signed_in(roles.ADMINISTRATORS)
    reversal = Reversal.objects.get()
    admin_browser.post("/admin/banking/reversal/", {"action": "approve", "_selected_action": [reversal.pk]})
    assert Reversal.objects.get().status == ReversalStatus.REVERSED
