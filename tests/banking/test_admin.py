"""The back office closes a bank account only through banking.services.close_bank_account."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import roles
from audit.models import AuditAction, AuditEvent
from banking.models import BankAccount
from banking.services import AccountClosed, deposit, open_bank_account, transfer
from tests.admin_forms import messages_of
from tests.factories import AccountFactory, ClientFactory

# On PostgreSQL too: the services lock rows, and PostgreSQL refuses some locks that SQLite ignores.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHANGELIST = reverse("admin:banking_bankaccount_changelist")


@pytest.fixture
def back_office(client):
    client.force_login(AccountFactory(username="office", roles=[roles.BACK_OFFICE], is_staff=True))
    return client


def close(back_office, *bank_accounts):
    return back_office.post(
        CHANGELIST,
        {"action": "close_bank_accounts", "_selected_action": [each.pk for each in bank_accounts]},
        follow=True,
    )


def test_an_account_holding_money_is_not_closed_and_an_empty_one_is_audited(back_office):
    owner = AccountFactory(username="customer", roles=[roles.CUSTOMERS], client=ClientFactory())
    full = open_bank_account(owner=owner, currency="RUB", opening_deposit=Decimal("1500.50"))
    empty = open_bank_account(owner=owner, currency="USD")
    page = back_office.get(reverse("admin:banking_bankaccount_change", args=[full.pk])).text
    assert 'name="is_closed"' not in page

    response = close(back_office, full, empty)

    assert "1 bank account closed." in messages_of(response)
    assert any("still holds 1,500.50 RUB" in text for text in messages_of(response))
    full.refresh_from_db()
    empty.refresh_from_db()
    assert (full.is_closed, empty.is_closed) == (False, True)
    [event] = AuditEvent.objects.filter(action=AuditAction.BANK_ACCOUNT_CLOSE)
    assert (event.target_id, event.actor_username) == (str(empty.pk), "office")

    again = close(back_office, empty)
    assert any("is already closed" in text for text in messages_of(again))
    with pytest.raises(AccountClosed):
        deposit(bank_account=empty, amount=Decimal("1"), description="salary")


def test_a_closed_account_receives_no_payment(back_office):
    owner = AccountFactory(username="customer", roles=[roles.CUSTOMERS], client=ClientFactory())
    payer = open_bank_account(owner=owner, currency="RUB", opening_deposit=Decimal("100"))
    payee = open_bank_account(owner=owner, currency="RUB")
    close(back_office, payee)
    with pytest.raises(AccountClosed):
        transfer(
            initiated_by=owner,
            payer_number=payer.number,
            payee_number=payee.number,
            amount="10",
            idempotency_key=uuid.uuid4(),
        )
    assert BankAccount.objects.get(pk=payer.pk).balance == Decimal("100.00")
