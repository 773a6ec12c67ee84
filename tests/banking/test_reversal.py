"""Reversal (storno) with maker–checker: who may propose and approve, what moves, claims, one per transfer."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from audit.models import AuditAction, AuditEvent
from banking.exchange import exchange, fund_exchange_desk, set_exchange_rate
from banking.models import Receipt, Reversal, ReversalStatus, Transfer
from banking.reversal import (
    CannotReverse,
    MakerCannotApprove,
    ReversalAlreadyDecided,
    ReversalAlreadyProposed,
    ReversalNotAllowed,
    approve_reversal,
    propose_reversal,
)
from banking.services import transfer
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff(role: str = roles.BACK_OFFICE):
    account = StaffFactory(is_staff=True, password=PASSWORD)
    account.groups.add(Group.objects.get(name=role))
    return account


@pytest.fixture
def maker(db):
    return staff()


@pytest.fixture
def checker(db):
    return staff()


@pytest.fixture
def payment(db):
    """1 500,00 ₽ paid by one customer to another (who had 100,00 ₽ before)."""
    payer_owner = CustomerFactory(password=PASSWORD)
    payer = BankAccountFactory(owner=payer_owner, balance="2000")
    payee = BankAccountFactory(owner=CustomerFactory(password=PASSWORD), balance="100")
    return transfer(
        initiated_by=payer_owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount="1500",
        idempotency_key=uuid.uuid4(),
        comment="rent",
    )


def balances(made: Transfer) -> tuple[Decimal, Decimal]:
    made.payer.refresh_from_db(fields=["balance"])
    made.payee.refresh_from_db(fields=["balance"])
    return made.payer.balance, made.payee.balance


def test_approved_reversal_writes_opposite_receipts_on_both_statements(payment, maker, checker):
    proposed = propose_reversal(transfer_id=payment.pk, reason="  paid twice  by mistake ", proposed_by=maker)
    assert (proposed.status, proposed.reason) == (ReversalStatus.PROPOSED, "paid twice by mistake")
    assert balances(payment) == (Decimal("500.00"), Decimal("1600.00"))  # a proposal moves nothing

    reversal = approve_reversal(reversal_id=proposed.pk, approved_by=checker)

    assert reversal.status == ReversalStatus.REVERSED
    assert (reversal.decided_by, reversal.decided_at is not None) == (checker, True)
    assert balances(payment) == (Decimal("2000.00"), Decimal("100.00"))
    back = reversal.reversing_transfer
    assert (back.payer, back.payee, back.amount) == (payment.payee, payment.payer, payment.amount)
    payer_side = Receipt.objects.get(bank_account=payment.payer, transfer=back)
    payee_side = Receipt.objects.get(bank_account=payment.payee, transfer=back)
    assert (payer_side.kind, payer_side.balance_after) == ("credit", Decimal("2000.00"))
    assert (payee_side.kind, payee_side.balance_after) == ("debit", Decimal("100.00"))
    assert payer_side.description.startswith(f"Reversal of payment No. {payment.pk} of ")
    assert payer_side.description.endswith("1,500.00\u00a0₽: paid twice by mistake")
    # The original and its receipts are as they were.
    original = Transfer.objects.get(pk=payment.pk)
    assert (original.amount, original.comment) == (Decimal("1500.00"), "rent")
    assert sorted(payment.receipts.values_list("kind", "amount")) == [
        ("credit", Decimal("1500.00")),
        ("debit", Decimal("1500.00")),
    ]
    events = AuditEvent.objects.filter(target_type="banking.Reversal", target_id=str(reversal.pk))
    assert sorted(events.values_list("action", "actor_id")) == [
        (AuditAction.REVERSAL_DECIDE, checker.pk),
        (AuditAction.REVERSAL_PROPOSE, maker.pk),
    ]


def test_the_proposer_cannot_approve(payment, maker):
    reversal = propose_reversal(transfer_id=payment.pk, reason="fraud", proposed_by=maker)
    with pytest.raises(MakerCannotApprove):
        approve_reversal(reversal_id=reversal.pk, approved_by=maker)
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.PROPOSED
    assert balances(payment) == (Decimal("500.00"), Decimal("1600.00"))


def test_the_database_refuses_the_proposer_as_approver(payment, maker):
    reversal = propose_reversal(transfer_id=payment.pk, reason="fraud", proposed_by=maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reversal.objects.filter(pk=reversal.pk).update(
            status=ReversalStatus.CLAIM, decided_by=maker, decided_at=timezone.now()
        )


def test_a_payee_who_spent_the_money_makes_the_reversal_a_claim(payment, maker, checker):
    payee = payment.payee
    transfer(
        initiated_by=payee.owner,
        payer_number=payee.number,
        payee_number=payment.payer.number,
        amount="1000",
        idempotency_key=uuid.uuid4(),
    )
    reversal = propose_reversal(transfer_id=payment.pk, reason="paid twice", proposed_by=maker)
    decided = approve_reversal(reversal_id=reversal.pk, approved_by=checker)
    assert decided.status == ReversalStatus.CLAIM
    assert decided.reversing_transfer is None
    assert balances(payment) == (Decimal("1500.00"), Decimal("600.00"))  # nothing moved
    assert Transfer.objects.count() == 2
    assert "approved as a claim" in AuditEvent.objects.get(action=AuditAction.REVERSAL_DECIDE).summary
    with pytest.raises(ReversalAlreadyDecided):
        approve_reversal(reversal_id=reversal.pk, approved_by=staff())


def test_one_reversal_per_transfer(payment, maker, checker):
    first = propose_reversal(transfer_id=payment.pk, reason="paid twice", proposed_by=maker)
    with pytest.raises(ReversalAlreadyProposed):
        propose_reversal(transfer_id=payment.pk, reason="again", proposed_by=checker)
    approve_reversal(reversal_id=first.pk, approved_by=checker)
    with pytest.raises(ReversalAlreadyDecided):
        approve_reversal(reversal_id=first.pk, approved_by=staff())
    assert balances(payment) == (Decimal("2000.00"), Decimal("100.00"))  # reversed once
    with pytest.raises(IntegrityError), transaction.atomic():
        Reversal.objects.create(original=payment, reason="by hand", proposed_by=checker)


def test_a_reversal_itself_and_an_exchange_leg_cannot_be_reversed(payment, maker, checker):
    reversal = approve_reversal(
        reversal_id=propose_reversal(transfer_id=payment.pk, reason="paid twice", proposed_by=maker).pk,
        approved_by=checker,
    )
    with pytest.raises(CannotReverse, match="itself a reversal"):
        propose_reversal(transfer_id=reversal.reversing_transfer_id, reason="undo", proposed_by=maker)

    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95"), set_by=maker)
    fund_exchange_desk(currency="USD", amount=Decimal("100"), funded_by=maker)
    owner = payment.payer.owner
    dollars = BankAccountFactory(owner=owner, currency="USD")
    made = exchange(
        initiated_by=owner,
        sell_from=payment.payer.number,
        buy_to=dollars.number,
        amount="950",
        rate_id=rate.pk,
        idempotency_key=uuid.uuid4(),
    )
    with pytest.raises(CannotReverse, match="leg of a currency exchange"):
        propose_reversal(transfer_id=made.bought_leg_id, reason="undo", proposed_by=maker)


@pytest.mark.parametrize("role", [roles.CHAT_AGENTS, roles.TELEMARKETING_AGENTS, roles.PRODUCT_MANAGERS])
def test_only_back_office_proposes_and_approves(payment, maker, role):
    outsider = staff(role)
    with pytest.raises(ReversalNotAllowed):
        propose_reversal(transfer_id=payment.pk, reason="fraud", proposed_by=outsider)
    with pytest.raises(ReversalNotAllowed):
        propose_reversal(transfer_id=payment.pk, reason="fraud", proposed_by=payment.payer.owner)
    reversal = propose_reversal(transfer_id=payment.pk, reason="fraud", proposed_by=maker)
    with pytest.raises(ReversalNotAllowed):
        approve_reversal(reversal_id=reversal.pk, approved_by=outsider)
    assert Reversal.objects.get().status == ReversalStatus.PROPOSED


@pytest.mark.parametrize(
    ("transfer_id", "reason", "message"), [(None, " ", "Give the reason"), (0, "x", "no transfer")]
)
def test_a_proposal_needs_a_transfer_and_a_reason(payment, maker, transfer_id, reason, message):
    with pytest.raises(CannotReverse, match=message):
        propose_reversal(
            transfer_id=payment.pk if transfer_id is None else transfer_id, reason=reason, proposed_by=maker
        )
    assert Reversal.objects.count() == 0
