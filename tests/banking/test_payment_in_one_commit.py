"""A payment and everything it writes commit together: the ledger rows, its audit event and the payee's e-mail
(its outbox rows; the run that sends it is queued once they are committed); the idempotency key is read only when a
payment is refused, and a payment sent again is still paid once."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from audit.models import AuditAction, AuditEvent
from banking.models import Receipt, ReceiptKind, Transfer
from banking.services import AccountClosed, IdempotencyKeyReused, close_bank_account, transfer
from banking.signals import money_arrived
from outreach.models import Delivery, Notification, NotificationKind
from tests.factories import BankAccountFactory, ClientFactory, CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def accounts():
    payer = BankAccountFactory(balance="300")
    payee = BankAccountFactory(owner=CustomerFactory(client=ClientFactory(email="boris@example.com")))
    return payer, payee


def pay(payer, payee, amount: str, key: uuid.UUID) -> Transfer:
    return transfer(
        initiated_by=payer.owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount=amount,
        idempotency_key=key,
    )


def mail_to(payee) -> list[Delivery]:
    return list(
        Delivery.objects.filter(notification__account=payee.owner, notification__kind=NotificationKind.MONEY_ARRIVED)
    )


def test_the_payees_e_mail_is_written_in_the_payments_transaction_and_queued_once_it_commits(accounts):
    payer, payee = accounts
    DBTaskResult.objects.all().delete()  # no delivery run waiting
    with transaction.atomic():
        made = pay(payer, payee, "100", uuid.uuid4())
        [delivery] = mail_to(payee)  # already there, before the commit
        assert delivery.address == "boris@example.com"
        assert AuditEvent.objects.filter(action=AuditAction.PAYMENT, target_id=str(made.pk)).exists()
        assert not DBTaskResult.objects.exists()  # a run queued now could start before the e-mail is committed
    assert DBTaskResult.objects.count() == 1

    pay(payer, payee, "50", uuid.uuid4())  # that run has not started yet: it sends this e-mail too
    assert len(mail_to(payee)) == 2 and DBTaskResult.objects.count() == 1


def test_a_payment_rolled_back_leaves_no_e_mail_and_no_task(accounts):
    payer, payee = accounts
    tasks_before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        pay(payer, payee, "100", uuid.uuid4())
        raise RuntimeError("the caller's transaction fails after the payment")
    assert mail_to(payee) == [] and Notification.objects.filter(account=payee.owner).count() == 0
    assert DBTaskResult.objects.count() == tasks_before
    assert Transfer.objects.count() == 0


def test_a_failing_receiver_is_logged_its_writes_undone_and_the_payment_made(accounts, caplog):
    payer, payee = accounts

    def broken_receiver(sender, *, receipt, **kwargs):
        AuditEvent.objects.create(action=AuditAction.PAYMENT, summary="written by the failing receiver")
        Receipt.objects.create(
            bank_account=receipt.bank_account, kind=ReceiptKind.CREDIT, amount=Decimal("-1"), balance_after=0
        )

    money_arrived.connect(broken_receiver, dispatch_uid="test.broken_receiver")
    try:
        with caplog.at_level(logging.ERROR, logger="banking.signals"):
            made = pay(payer, payee, "100", uuid.uuid4())
    finally:
        money_arrived.disconnect(dispatch_uid="test.broken_receiver")
    payee.refresh_from_db()
    assert payee.balance == Decimal("100.00") and made.receipts.count() == 2
    assert not AuditEvent.objects.filter(summary="written by the failing receiver").exists()
    assert "A receiver of money_arrived failed" in caplog.text


def test_a_payment_sent_again_after_it_emptied_the_account_returns_the_payment_made(accounts):
    payer, payee = accounts
    key = uuid.uuid4()
    made = pay(payer, payee, "300", key)
    assert pay(payer, payee, "300", key) == made  # not "not enough money"
    payer.refresh_from_db()
    close_bank_account(bank_account=payer, actor=payer.owner)
    assert pay(payer, payee, "300", key) == made  # not "the account is closed"
    with pytest.raises(IdempotencyKeyReused):
        pay(payer, payee, "200", key)
    with pytest.raises(AccountClosed):
        pay(payer, payee, "1", uuid.uuid4())  # a new payment is refused as before
    assert Transfer.objects.count() == 1 and len(mail_to(payee)) == 1
