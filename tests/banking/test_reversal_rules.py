"""Reversal rules that mutation testing found no test for (docs/mutation-testing.md)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from banking.exchange import exchange, fund_exchange_desk, set_exchange_rate
from banking.models import BankAccount, Receipt, ReversalStatus, Transfer
from banking.reversal import _REVERSAL_KEYS, REASON_MAX_LENGTH, CannotReverse, approve_reversal, propose_reversal
from banking.services import AccountClosed, transfer
from banking.signals import money_arrived
from tests.factories import BankAccountFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(fast_password_hashing) -> None:
    """Staff and customers by the dozen: not a test of hashing."""


def back_office():
    return StaffFactory(back_office=True)


def paid(amount: str = "300.00", payee_balance: str = "0") -> Transfer:
    """A payment from one customer to another whose balance before it was ``payee_balance``."""
    owner = CustomerFactory()
    payer = BankAccountFactory(owner=owner, balance=amount)
    payee = BankAccountFactory(owner=CustomerFactory(), balance=payee_balance)
    return transfer(
        initiated_by=owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount=amount,
        idempotency_key=uuid.uuid4(),
    )


def reversed_by(made: Transfer, maker, checker):
    return approve_reversal(
        reversal_id=propose_reversal(transfer_id=made.pk, reason="paid twice", proposed_by=maker).pk,
        approved_by=checker,
    )


def test_a_reason_of_exactly_the_longest_length_is_accepted():
    made, maker = paid(), back_office()
    with pytest.raises(CannotReverse, match="too long"):
        propose_reversal(transfer_id=made.pk, reason="x" * (REASON_MAX_LENGTH + 1), proposed_by=maker)
    proposed = propose_reversal(transfer_id=made.pk, reason="x" * REASON_MAX_LENGTH, proposed_by=maker)
    assert len(proposed.reason) == REASON_MAX_LENGTH


def test_a_pending_reversal_of_one_payment_does_not_block_another():
    maker = back_office()
    first, second = paid(), paid()
    propose_reversal(transfer_id=first.pk, reason="fraud", proposed_by=maker)
    assert propose_reversal(transfer_id=second.pk, reason="fraud", proposed_by=maker).original == second


def test_the_sold_leg_of_an_exchange_cannot_be_reversed_either():
    clerk, owner = back_office(), CustomerFactory()
    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95"), set_by=clerk)
    fund_exchange_desk(currency="USD", amount=Decimal("100"), funded_by=clerk)
    roubles = BankAccountFactory(owner=owner, balance="950")
    dollars = BankAccountFactory(owner=owner, currency="USD")
    made = exchange(
        initiated_by=owner,
        sell_from=roubles.number,
        buy_to=dollars.number,
        amount="950",
        rate_id=rate.pk,
        idempotency_key=uuid.uuid4(),
    )
    with pytest.raises(CannotReverse, match="leg of a currency exchange"):
        propose_reversal(transfer_id=made.sold_leg_id, reason="undo", proposed_by=clerk)


def test_a_payee_holding_exactly_the_amount_gives_it_back():
    made = paid(amount="300.00", payee_balance="0")  # the payee holds exactly the 300,00 ₽ paid
    reversal = reversed_by(made, back_office(), back_office())
    assert reversal.status == ReversalStatus.REVERSED
    assert BankAccount.objects.get(pk=made.payee_id).balance == Decimal("0.00")
    assert BankAccount.objects.get(pk=made.payer_id).balance == Decimal("300.00")


def test_one_checker_approves_many_reversals():
    """Each reversing transfer has its own key, derived from its reversal: two never collide."""
    maker, checker = back_office(), back_office()
    first, second = reversed_by(paid(), maker, checker), reversed_by(paid(), maker, checker)
    assert {first.status, second.status} == {ReversalStatus.REVERSED}
    assert first.reversing_transfer.idempotency_key != second.reversing_transfer.idempotency_key
    assert first.reversing_transfer.initiated_by == checker


def test_the_reversal_receipt_names_the_date_of_the_payment():
    made = paid()
    reversal = reversed_by(made, back_office(), back_office())
    day = timezone.localtime(made.created_at).strftime("%d.%m.%Y")
    receipt = Receipt.objects.get(transfer=reversal.reversing_transfer, bank_account_id=made.payer_id)
    assert f"Reversal of payment No. {made.pk} of {day}, " in receipt.description


@pytest.mark.parametrize("side", ["payer_id", "payee_id"])
def test_no_reversal_moves_money_to_or_from_a_closed_account(side):
    made, maker, checker = paid(), back_office(), back_office()
    proposed = propose_reversal(transfer_id=made.pk, reason="fraud", proposed_by=maker)
    BankAccount.objects.filter(pk=getattr(made, side)).update(is_closed=True)
    with pytest.raises(AccountClosed):
        approve_reversal(reversal_id=proposed.pk, approved_by=checker)
    proposed.refresh_from_db()
    assert proposed.status == ReversalStatus.PROPOSED
    assert Transfer.objects.count() == 1


def test_a_long_reason_is_cut_to_what_the_transfer_and_the_receipts_hold_and_the_payer_is_told(
    django_capture_on_commit_callbacks,
):
    made = paid()
    heard: list[int] = []

    def listen(*, receipt, **_kwargs) -> None:
        heard.append(receipt.transfer_id)

    money_arrived.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reversal = reversed_by_reason(made, "x" * REASON_MAX_LENGTH)
    finally:
        money_arrived.disconnect(listen)
    back = reversal.reversing_transfer
    assert len(back.comment) == 200
    assert [len(text) for text in back.receipts.values_list("description", flat=True)] == [255, 255]
    assert heard == [back.pk]  # the payer hears the money came back


def reversed_by_reason(made: Transfer, reason: str):
    proposed = propose_reversal(transfer_id=made.pk, reason=reason, proposed_by=back_office())
    return approve_reversal(reversal_id=proposed.pk, approved_by=back_office())


def test_a_claim_is_audited_as_the_checkers_decision_on_that_reversal():
    made = paid(amount="300.00")
    BankAccount.objects.filter(pk=made.payee_id).update(balance=Decimal("299.99"))  # spent a kopeck of it
    checker = back_office()
    claim = reversed_by(made, back_office(), checker)
    assert claim.status == ReversalStatus.CLAIM
    event = AuditEvent.objects.get(action=AuditAction.REVERSAL_DECIDE)
    assert (event.actor_id, event.target_type, event.target_id) == (checker.pk, "banking.Reversal", str(claim.pk))
    assert event.summary == (
        f"reversal of transfer #{made.pk} approved as a claim: the payee's balance 299.99 is below 300.00"
    )


def test_the_receipt_names_the_day_the_payment_was_made_not_the_day_it_is_reversed():
    made = paid()
    Transfer.objects.filter(pk=made.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    made.refresh_from_db()
    reversal = reversed_by(made, back_office(), back_office())
    day = timezone.localtime(made.created_at).strftime("%d.%m.%Y")
    assert day != timezone.localtime().strftime("%d.%m.%Y")
    assert f" of {day}, " in reversal.reversing_transfer.comment


def test_the_reversing_transfer_is_keyed_by_its_reversal_so_it_can_be_paid_once():
    checker = back_office()
    reversal = reversed_by(paid(), back_office(), checker)
    key = uuid.uuid5(_REVERSAL_KEYS, str(reversal.pk))
    assert Transfer.objects.get(initiated_by=checker, idempotency_key=key) == reversal.reversing_transfer
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            payer=reversal.reversing_transfer.payer,
            payee=reversal.reversing_transfer.payee,
            amount=Decimal("1.00"),
            initiated_by=checker,
            idempotency_key=key,
        )
