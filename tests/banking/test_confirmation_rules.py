"""Confirmation and one-time-code rules that mutation testing found no test for (docs/mutation-testing.md)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from audit.models import AuditAction, AuditEvent
from banking.confirmation import (
    CodeError,
    code_needed,
    confirm_with_code,
    one_time_code,
    pay,
    payment_policy,
    preview_payment,
    renew_code,
    set_code_threshold,
    start_challenge,
)
from banking.models import CODE_TRIES, BankAccount, PaymentChallenge, Receipt
from banking.services import UnknownAccount, transfer
from tests.factories import AccountFactory, BankAccountFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

PHONE = "+79031447602"


def paid_before(initiated_by, payer: BankAccount, payee: BankAccount) -> None:
    transfer(
        initiated_by=initiated_by,
        payer_number=payer.number,
        payee_number=payee.number,
        amount="1.00",
        idempotency_key=uuid.uuid4(),
    )


def test_a_phone_typed_as_bare_digits_finds_the_customer(customer, rub_account):
    payee = BankAccountFactory(owner=CustomerFactory(client__phone=PHONE))
    preview = preview_payment(
        initiated_by=customer, payer_number=rub_account.number, recipient="79031447602", amount="1"
    )
    assert (preview.payee, preview.recipient) == (payee, PHONE)


def test_twenty_digits_that_are_not_ascii_are_no_account_number(customer, rub_account):
    with pytest.raises(UnknownAccount, match="20-digit account number or their phone number"):
        preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient="٠" * 20, amount="1")


def test_the_main_account_is_the_first_opened_not_the_first_created(customer, rub_account):
    owner = CustomerFactory(client__phone=PHONE)
    created_first, main = BankAccountFactory(owner=owner), BankAccountFactory(owner=owner)
    BankAccount.objects.filter(pk=main.pk).update(opened_at=created_first.opened_at - datetime.timedelta(days=1))
    preview = preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient=PHONE, amount="1")
    assert preview.payee == main


def test_a_phone_two_customers_share_is_refused(customer, rub_account):
    for _ in range(2):
        BankAccountFactory(owner=CustomerFactory(client__phone=PHONE))
    with pytest.raises(UnknownAccount, match="Several customers have this phone number"):
        preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient=PHONE, amount="1")


def test_a_payee_without_a_client_card_is_named_by_their_login(customer, rub_account):
    login = AccountFactory(first_name="Olga", last_name="Smirnova")
    payee = BankAccountFactory(owner=login)
    preview = preview_payment(
        initiated_by=customer, payer_number=rub_account.number, recipient=payee.number, amount="1"
    )
    assert preview.recipient_name == "Olga S."


def test_only_the_customers_own_earlier_payment_to_this_payee_spares_the_code(
    customer, other_customer, rub_account, others_rub_account
):
    paid_before(other_customer, others_rub_account, BankAccountFactory(owner=other_customer))
    someone_else_paid = BankAccountFactory()
    someone = CustomerFactory()
    paid_before(someone, BankAccountFactory(owner=someone, balance="5"), someone_else_paid)
    paid_before(customer, rub_account, BankAccountFactory())  # another payee
    for payee in (others_rub_account, someone_else_paid):
        assert code_needed(initiated_by=customer, payer=rub_account, payee=payee, amount=Decimal("1"))


def test_a_threshold_of_zero_asks_a_code_for_every_payment_to_others(customer, rub_account, others_rub_account):
    paid_before(customer, rub_account, others_rub_account)
    set_code_threshold(amount=Decimal("0"), actor=StaffFactory(back_office=True))
    assert payment_policy().code_threshold == Decimal("0")
    assert code_needed(initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal("0.01"))


def test_a_payment_without_a_comment_has_none(customer, rub_account):
    own = BankAccountFactory(owner=customer)
    made = pay(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=own.number,
        amount="3",
        idempotency_key=uuid.uuid4(),
    )
    assert made.comment == ""
    assert Receipt.objects.get(transfer=made, bank_account=own).description == f"Payment from {rub_account.number}"


def test_the_preview_keeps_the_first_200_characters_of_a_comment(customer, rub_account, others_rub_account):
    preview = preview_payment(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=others_rub_account.number,
        amount="1",
        comment="ж" * 250,
    )
    assert preview.comment == "ж" * 200


def test_a_change_of_the_threshold_is_audited_as_that_clerks_change_of_the_policy():
    clerk = StaffFactory(back_office=True)
    policy = set_code_threshold(amount=Decimal("700.00"), actor=clerk)
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert (event.actor_id, event.target_type, event.target_id) == (clerk.pk, "banking.PaymentPolicy", str(policy.pk))


def test_a_customer_with_two_payments_waiting_for_a_code_confirms_each_with_its_own(
    customer, rub_account, others_rub_account
):
    first, second = (
        start_challenge(
            initiated_by=customer,
            payer_number=rub_account.number,
            recipient=others_rub_account.number,
            amount=amount,
            idempotency_key=uuid.uuid4(),
        )
        for amount in ("10.00", "20.00")
    )
    renewed = renew_code(initiated_by=customer, challenge_id=second.pk)
    assert (renewed.pk, renewed.sends) == (second.pk, 2)
    made = confirm_with_code(initiated_by=customer, challenge_id=second.pk, code=one_time_code(renewed))
    assert made.amount == Decimal("20.00")
    first.refresh_from_db()
    assert (first.sends, first.confirmed_at) == (1, None)


def test_a_code_entered_again_returns_that_payment_whatever_else_was_paid_under_the_same_key(
    customer, other_customer, rub_account, others_rub_account
):
    key = uuid.uuid4()
    theirs = transfer(
        initiated_by=other_customer,
        payer_number=others_rub_account.number,
        payee_number=rub_account.number,
        amount="5.00",
        idempotency_key=key,
    )
    paid_before(customer, rub_account, BankAccountFactory())  # another payment of this customer
    challenge = start_challenge(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=others_rub_account.number,
        amount="7.00",
        idempotency_key=key,
    )
    made = confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=one_time_code(challenge))
    again = confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code="")
    assert again == made != theirs
    assert again.amount == Decimal("7.00")


def test_a_payment_cancelled_by_wrong_codes_is_audited_as_that_customers_on_that_challenge(
    customer, rub_account, others_rub_account
):
    challenge = start_challenge(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=others_rub_account.number,
        amount="10.00",
        idempotency_key=uuid.uuid4(),
    )
    wrong = f"{(int(one_time_code(challenge)) + 1) % 1_000_000:06d}"
    for _ in range(CODE_TRIES):
        with pytest.raises(CodeError):
            confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=wrong)
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_FAILED)
    assert (event.actor_id, event.target_type, event.target_id) == (
        customer.pk,
        "banking.PaymentChallenge",
        str(challenge.pk),
    )


def test_a_confirmed_payment_keeps_its_comment(customer, rub_account):
    own = BankAccountFactory(owner=customer)
    made = pay(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=own.number,
        amount="3",
        idempotency_key=uuid.uuid4(),
        comment="за обед",
    )
    assert made.comment == "за обед"


def test_challenges_are_each_customers_own_and_carry_a_delivery_key_that_fits_its_column(
    customer, other_customer, rub_account, others_rub_account
):
    key = uuid.uuid4()
    mine = start_challenge(
        initiated_by=customer,
        payer_number=rub_account.number,
        recipient=others_rub_account.number,
        amount="10.00",
        idempotency_key=key,
    )
    theirs = start_challenge(
        initiated_by=other_customer,
        payer_number=others_rub_account.number,
        recipient=rub_account.number,
        amount="20.00",
        idempotency_key=key,
    )
    assert mine != theirs
    assert (mine.comment, theirs.amount) == ("", Decimal("20.00"))
    limit = PaymentChallenge._meta.get_field("delivery_key").max_length
    for challenge in (mine, renew_code(initiated_by=customer, challenge_id=mine.pk)):
        assert challenge.delivery_key.startswith("pay-") and len(challenge.delivery_key) <= limit


def test_a_phone_leads_only_to_an_open_account_in_the_currency_paid_of_an_active_customer(customer, rub_account):
    owner = CustomerFactory(client__phone=PHONE)
    BankAccountFactory(owner=owner, currency="USD")
    closed = BankAccountFactory(owner=owner)
    BankAccount.objects.filter(pk=closed.pk).update(is_closed=True)
    with pytest.raises(UnknownAccount, match="No customer of the bank with this phone number has an account in RUB"):
        preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient=PHONE, amount="1")
    gone = CustomerFactory(client__phone="+79031447603", is_active=False)
    BankAccountFactory(owner=gone)
    with pytest.raises(UnknownAccount, match="No customer of the bank"):
        preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient="+79031447603", amount="1")


def test_a_preview_without_a_comment_has_none(customer, rub_account, others_rub_account):
    preview = preview_payment(
        initiated_by=customer, payer_number=rub_account.number, recipient=others_rub_account.number, amount="1"
    )
    assert preview.comment == ""
