"""The payment service's rules that mutation testing found no test for (docs/mutation-testing.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from audit.models import AuditAction, AuditEvent
from banking.models import BankAccount, BankAccountKind, Receipt, Transfer
from banking.services import (
    AccountClosed,
    PaymentError,
    UnknownAccount,
    close_bank_account,
    deposit,
    open_bank_account,
    transfer,
)
from banking.signals import money_arrived
from tests.factories import BankAccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


def pay(customer, payer: BankAccount, payee: BankAccount, amount: str, key: uuid.UUID, **extra) -> Transfer:
    return transfer(
        initiated_by=customer,
        payer_number=payer.number,
        payee_number=payee.number,
        amount=amount,
        idempotency_key=key,
        **extra,
    )


def test_a_form_sent_again_after_it_emptied_the_account_returns_the_payment_made(
    customer, rub_account, others_rub_account
):
    """The repeat is answered from the payment made, before the rules: the money it spent is no refusal."""
    key = uuid.uuid4()
    made = pay(customer, rub_account, others_rub_account, "10000.00", key)
    assert pay(customer, rub_account, others_rub_account, "10000.00", key) == made
    assert Transfer.objects.count() == 1
    assert BankAccount.objects.get(pk=rub_account.pk).balance == Decimal("0.00")


def test_a_form_sent_again_after_the_payee_closed_returns_the_payment_made(customer, rub_account, others_rub_account):
    key = uuid.uuid4()
    made = pay(customer, rub_account, others_rub_account, "100.00", key)
    BankAccount.objects.filter(pk=others_rub_account.pk).update(is_closed=True)
    assert pay(customer, rub_account, others_rub_account, "100.00", key) == made


def test_a_payment_without_a_comment_is_described_by_its_accounts(customer, rub_account, others_rub_account):
    made = transfer(
        initiated_by=customer,
        payer_number=rub_account.number,
        payee_number=others_rub_account.number,
        amount="5.00",
        idempotency_key=uuid.uuid4(),
    )
    assert made.comment == ""
    descriptions = dict(Receipt.objects.filter(transfer=made).values_list("kind", "description"))
    assert descriptions == {
        "debit": f"Payment to {others_rub_account.number}",
        "credit": f"Payment from {rub_account.number}",
    }


def test_two_customers_may_use_the_same_form_key(customer, other_customer, rub_account, others_rub_account):
    """A key is unique per customer: another customer's payment under it is theirs, not a repeat."""
    key = uuid.uuid4()
    mine = pay(customer, rub_account, others_rub_account, "10.00", key)
    theirs = pay(other_customer, others_rub_account, rub_account, "10.00", key)
    assert mine != theirs
    assert Transfer.objects.count() == 2


def test_closing_an_account_refuses_one_holding_even_a_rouble_and_audits_the_empty_one(customer):
    clerk = StaffFactory(back_office=True)
    holding = BankAccountFactory(owner=customer, balance="1.00")
    with pytest.raises(PaymentError, match=r"still holds 1\.00 RUB"):
        close_bank_account(bank_account=holding, actor=clerk)
    assert not BankAccount.objects.get(pk=holding.pk).is_closed
    empty = BankAccountFactory(owner=customer, currency="USD")
    assert close_bank_account(bank_account=empty, actor=clerk) is empty
    assert empty.is_closed  # the caller's object too
    assert BankAccount.objects.get(pk=empty.pk).is_closed
    event = AuditEvent.objects.get(action=AuditAction.BANK_ACCOUNT_CLOSE)
    assert (event.actor_id, event.target_type, event.target_id) == (clerk.pk, "banking.BankAccount", str(empty.pk))
    assert event.summary == f"{empty.masked_number} (USD) closed"
    with pytest.raises(AccountClosed, match="already closed"):
        close_bank_account(bank_account=empty, actor=clerk)
    assert AuditEvent.objects.filter(action=AuditAction.BANK_ACCOUNT_CLOSE).count() == 1


@pytest.fixture
def arrivals():
    """What the ledger announces to the apps above it (outreach tells the payee), as they receive it."""
    heard: list[tuple[int | None, int | None]] = []

    def listen(*, receipt, **_kwargs) -> None:  # a transfer is named by its id, a deposit by its receipt's
        heard.append((receipt.transfer_id, None if receipt.transfer_id else receipt.pk))

    money_arrived.connect(listen)
    yield heard
    money_arrived.disconnect(listen)


def test_a_deposit_and_a_payment_announce_the_money_that_arrived(
    customer, rub_account, others_rub_account, arrivals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        received = deposit(bank_account=rub_account, amount=Decimal("1.00"), description="salary")
        made = pay(customer, rub_account, others_rub_account, "2.00", uuid.uuid4())
    assert arrivals == [(None, received.pk), (made.pk, None)]
    assert Receipt.objects.get(pk=received.pk).description == "salary"
    assert BankAccount.objects.get(pk=rub_account.pk).balance == Decimal("9999.00")  # 10 000 + 1 − 2


def test_a_long_comment_is_cut_to_what_the_transfer_and_its_receipts_keep(customer, rub_account, others_rub_account):
    made = pay(customer, rub_account, others_rub_account, "1.00", uuid.uuid4(), comment=" " + "я" * 300)
    assert made.comment == "я" * 200
    assert set(Receipt.objects.filter(transfer=made).values_list("description", flat=True)) == {"я" * 200}


def test_the_service_names_the_unknown_payee_account(customer, rub_account):
    with pytest.raises(UnknownAccount, match="There is no account 40817810000000000000"):
        pay(customer, rub_account, BankAccount(number=" 40817810000000000000 "), "1.00", uuid.uuid4())


def test_an_account_opened_with_a_deposit_holds_it_as_one_credit(customer):
    opened = open_bank_account(
        owner=customer, currency="EUR", kind=BankAccountKind.SAVINGS, opening_deposit=Decimal("250.50")
    )
    assert opened.balance == Decimal("250.50")  # the caller's object too
    stored = BankAccount.objects.get(pk=opened.pk)
    assert (stored.owner, stored.currency, stored.kind, stored.balance) == (
        customer,
        "EUR",
        BankAccountKind.SAVINGS,
        Decimal("250.50"),
    )
    assert stored.number.startswith("40817978") and len(stored.number) == 20
    [credit] = Receipt.objects.filter(bank_account=stored)
    assert (credit.kind, credit.amount, credit.description) == ("credit", Decimal("250.50"), "Opening deposit")
