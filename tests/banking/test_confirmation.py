"""Paying in two steps at the service: the preview, when a one-time code is needed, the code's rules."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from banking.confirmation import (
    CodeExpired,
    CodeRequired,
    NoMoreCodes,
    TooManyTries,
    WrongCode,
    code_needed,
    confirm_with_code,
    one_time_code,
    pay,
    payment_policy,
    preview_payment,
    renew_code,
    rouble_worth,
    set_code_threshold,
    start_challenge,
)
from banking.exchange import set_exchange_rate
from banking.models import BankAccount, PaymentChallenge, Transfer
from banking.services import (
    AccountClosed,
    CurrencyMismatch,
    IdempotencyKeyReused,
    InsufficientFunds,
    PaymentError,
    SameAccount,
    UnknownAccount,
    transfer,
)
from core.text import name_shown_to_others
from tests.factories import BankAccountFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def balances(*accounts: BankAccount) -> list[Decimal]:
    return [BankAccount.objects.get(pk=account.pk).balance for account in accounts]


def paid_once_before(customer, payer: BankAccount, payee: BankAccount) -> None:
    transfer(
        initiated_by=customer,
        payer_number=payer.number,
        payee_number=payee.number,
        amount="1.00",
        idempotency_key=uuid.uuid4(),
    )


def challenge_for(customer, payer: BankAccount, payee: BankAccount, amount: str = "100.00") -> PaymentChallenge:
    return start_challenge(
        initiated_by=customer,
        payer_number=payer.number,
        recipient=payee.number,
        amount=amount,
        idempotency_key=uuid.uuid4(),
    )


@pytest.mark.parametrize(
    ("name", "patronymic", "surname", "shown"),
    [
        ("Иван", "Петрович", "Сидоров", "Иван Петрович С."),
        ("Анна", "", "Ким", "Анна К."),
        (" Олег ", " Игоревич", " Жуков", "Олег Игоревич Ж."),
        ("Exchange desk", "", "", "Exchange desk"),
    ],
)
def test_a_recipient_is_named_as_a_bank_names_them(name, patronymic, surname, shown):
    assert name_shown_to_others(name=name, patronymic=patronymic, surname=surname) == shown


def test_the_preview_names_the_recipient_and_the_balance_after_and_moves_nothing(customer, rub_account):
    recipient = CustomerFactory(client__name="Иван", client__patronymic="Петрович", client__surname="Сидоров")
    payee = BankAccountFactory(owner=recipient, balance="5.00")
    preview = preview_payment(
        initiated_by=customer, payer_number=rub_account.number, recipient=payee.number, amount="1 500,50"
    )
    assert preview.recipient_name == "Иван Петрович С."
    assert (preview.amount, preview.balance_after) == (Decimal("1500.50"), Decimal("8499.50"))
    assert balances(rub_account, payee) == [Decimal("10000.00"), Decimal("5.00")]
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("through", ["transfer", "preview"])
def test_the_service_itself_refuses_to_pay_from_someone_elses_account(
    customer, rub_account, others_rub_account, through
):
    """Not only the form: a caller naming another customer's account (a template, a phone payment) is refused."""
    payee = BankAccountFactory(balance="0")
    with pytest.raises(UnknownAccount, match=f"You have no account {others_rub_account.number}"):
        if through == "transfer":
            transfer(
                initiated_by=customer,
                payer_number=others_rub_account.number,
                payee_number=payee.number,
                amount="10",
                idempotency_key=uuid.uuid4(),
            )
        else:
            preview_payment(
                initiated_by=customer, payer_number=others_rub_account.number, recipient=payee.number, amount="10"
            )
    assert balances(others_rub_account, payee) == [Decimal("500.00"), Decimal("0.00")]


def test_the_preview_refuses_what_the_payment_would_refuse(customer, rub_account, other_customer):
    usd = BankAccountFactory(owner=other_customer, currency="USD")
    closed = BankAccountFactory(owner=other_customer)
    BankAccount.objects.filter(pk=closed.pk).update(is_closed=True)
    cases = [
        (rub_account.number, SameAccount),
        (usd.number, CurrencyMismatch),
        (closed.number, AccountClosed),
        ("40817810000000000000", UnknownAccount),
    ]
    for recipient, refusal in cases:
        with pytest.raises(refusal):
            preview_payment(initiated_by=customer, payer_number=rub_account.number, recipient=recipient, amount="1")
    payee = BankAccountFactory(owner=other_customer)
    with pytest.raises(InsufficientFunds, match=r"10,000\.00 RUB"):
        preview_payment(
            initiated_by=customer, payer_number=rub_account.number, recipient=payee.number, amount="10000.01"
        )


def test_a_first_payment_to_someone_else_needs_a_code_and_the_next_ones_below_the_threshold_do_not(
    customer, rub_account, others_rub_account
):
    assert code_needed(initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal("1"))
    paid_once_before(customer, rub_account, others_rub_account)
    for amount, needed in (("10000.00", False), ("10000.01", True)):
        assert (
            code_needed(initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal(amount))
            is needed
        )


def test_payments_between_ones_own_accounts_never_need_a_code(customer, rub_account):
    own = BankAccountFactory(owner=customer)
    assert not code_needed(initiated_by=customer, payer=rub_account, payee=own, amount=Decimal("9999999"))


def test_back_office_sets_the_threshold_and_it_is_audited(customer, rub_account, others_rub_account):
    clerk = StaffFactory(back_office=True)
    paid_once_before(customer, rub_account, others_rub_account)
    assert payment_policy().code_threshold == Decimal("10000.00")
    set_code_threshold(amount=Decimal("500.00"), actor=clerk)
    assert payment_policy().code_threshold == Decimal("500.00")
    assert code_needed(initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal("500.01"))
    assert not code_needed(initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal("500.00"))
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert event.summary == "one-time code threshold: 10000.00 → 500.00 RUB"
    with pytest.raises(PaymentError, match="cannot be negative"):
        set_code_threshold(amount=Decimal("-1"), actor=clerk)
    assert payment_policy().code_threshold == Decimal("500.00")


def test_other_currencies_count_at_the_banks_selling_rate(customer, other_customer):
    clerk = StaffFactory(back_office=True)
    assert rouble_worth(amount=Decimal("100"), currency="USD") is None  # no rate: always a code
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("100"), set_by=clerk)
    set_exchange_rate(base="RUB", quote="CNY", buy=Decimal("0.05"), sell=Decimal("0.08"), set_by=clerk)
    assert rouble_worth(amount=Decimal("100.01"), currency="USD") == Decimal("10001.00")
    assert rouble_worth(amount=Decimal("500"), currency="CNY") == Decimal("10000")  # 500 ÷ 0.05 ₽ per ¥
    assert rouble_worth(amount=Decimal("7"), currency="RUB") == Decimal("7")
    dollars = BankAccountFactory(owner=customer, currency="USD", balance="1000")
    payee = BankAccountFactory(owner=other_customer, currency="USD")
    paid_once_before(customer, dollars, payee)
    assert not code_needed(initiated_by=customer, payer=dollars, payee=payee, amount=Decimal("100.00"))
    assert code_needed(initiated_by=customer, payer=dollars, payee=payee, amount=Decimal("100.01"))


def test_pay_refuses_a_payment_that_needs_a_code_and_makes_one_that_does_not(customer, rub_account, others_rub_account):
    payment = {
        "initiated_by": customer,
        "payer_number": rub_account.number,
        "recipient": others_rub_account.number,
        "amount": "100",
    }
    with pytest.raises(CodeRequired):
        pay(**payment, idempotency_key=uuid.uuid4())
    assert not Transfer.objects.exists()
    paid_once_before(customer, rub_account, others_rub_account)
    key = uuid.uuid4()
    made = pay(**payment, idempotency_key=key)
    assert (made.amount, made.payee_id) == (Decimal("100.00"), others_rub_account.pk)
    set_code_threshold(amount=Decimal("1"), actor=StaffFactory(back_office=True))
    assert pay(**payment, idempotency_key=key) == made  # sent again: the payment made, not a code
    with pytest.raises(IdempotencyKeyReused):
        pay(**{**payment, "amount": "99"}, idempotency_key=key)
    assert balances(rub_account) == [Decimal("9899.00")]


def test_the_right_code_pays_once(customer, rub_account, others_rub_account):
    challenge = challenge_for(customer, rub_account, others_rub_account, "250.00")
    code = one_time_code(challenge)
    assert len(code) == 6 and code.isdigit()
    made = confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=f" {code[:3]} {code[3:]} ")
    again = confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code="nothing")
    assert made == again
    assert (made.amount, made.payer_id, made.payee_id) == (Decimal("250.00"), rub_account.pk, others_rub_account.pk)
    assert balances(rub_account, others_rub_account) == [Decimal("9750.00"), Decimal("750.00")]
    challenge.refresh_from_db()
    assert challenge.confirmed_at is not None
    with pytest.raises(PaymentError, match="already been made"):
        renew_code(initiated_by=customer, challenge_id=challenge.pk)


def test_the_code_is_bound_to_the_payment_and_never_stored(customer, rub_account, others_rub_account):
    first = challenge_for(customer, rub_account, others_rub_account, "100.00")
    twin = PaymentChallenge(
        initiated_by=customer, payer=rub_account, payee=others_rub_account, amount=Decimal("100.01"), salt=first.salt
    )
    assert one_time_code(first) != one_time_code(twin)
    row = PaymentChallenge.objects.filter(pk=first.pk).values().get()
    assert one_time_code(first) not in "".join(str(value) for value in row.values())


def test_wrong_codes_use_up_the_tries_and_the_third_cancels_the_payment(customer, rub_account, others_rub_account):
    challenge = challenge_for(customer, rub_account, others_rub_account)
    wrong = f"{(int(one_time_code(challenge)) + 1) % 1_000_000:06d}"
    for left in (2, 1):
        with pytest.raises(WrongCode, match=f"Tries left: {left}"):
            confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=wrong)
    with pytest.raises(TooManyTries, match="this payment is cancelled"):
        confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=wrong)
    with pytest.raises(TooManyTries):  # even the right code, now
        confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=one_time_code(challenge))
    with pytest.raises(TooManyTries):
        renew_code(initiated_by=customer, challenge_id=challenge.pk)
    assert not Transfer.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED).count() == 1


def test_a_code_expires_after_five_minutes(customer, rub_account, others_rub_account):
    challenge = challenge_for(customer, rub_account, others_rub_account)
    assert timedelta(minutes=4, seconds=59) < challenge.expires_at - timezone.now() <= timedelta(minutes=5)
    PaymentChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now())
    with pytest.raises(CodeExpired, match="Ask for a new one"):
        confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=one_time_code(challenge))
    assert not Transfer.objects.exists()
    renewed = renew_code(initiated_by=customer, challenge_id=challenge.pk)
    assert confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=one_time_code(renewed))


def test_a_new_code_replaces_the_old_one_keeps_the_tries_and_is_limited(customer, rub_account, others_rub_account):
    challenge = challenge_for(customer, rub_account, others_rub_account)
    old_code, old_key = one_time_code(challenge), challenge.delivery_key
    with pytest.raises(WrongCode, match="Tries left: 2"):
        confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code="not a code")
    renewed = renew_code(initiated_by=customer, challenge_id=challenge.pk)
    assert (renewed.sends, renewed.tries_left) == (2, 2)
    assert renewed.delivery_key != old_key and renewed.delivery_key.startswith("pay-")
    with pytest.raises(WrongCode, match="Tries left: 1"):  # a new salt: the old code matches one time in a million
        confirm_with_code(initiated_by=customer, challenge_id=challenge.pk, code=old_code)
    renew_code(initiated_by=customer, challenge_id=challenge.pk)
    with pytest.raises(NoMoreCodes, match="Codes sent for this payment: 3"):
        renew_code(initiated_by=customer, challenge_id=challenge.pk)


def test_a_challenge_is_its_customers_alone(customer, other_customer, rub_account, others_rub_account):
    challenge = challenge_for(customer, rub_account, others_rub_account)
    for attempt in (
        lambda: confirm_with_code(
            initiated_by=other_customer, challenge_id=challenge.pk, code=one_time_code(challenge)
        ),
        lambda: renew_code(initiated_by=other_customer, challenge_id=challenge.pk),
    ):
        with pytest.raises(PaymentChallenge.DoesNotExist):
            attempt()
    assert not Transfer.objects.exists()


def test_the_same_confirmation_gets_the_same_challenge_and_another_payment_under_its_key_is_refused(
    customer, rub_account, others_rub_account
):
    key = uuid.uuid4()
    payment = {"initiated_by": customer, "payer_number": rub_account.number, "recipient": others_rub_account.number}
    first = start_challenge(**payment, amount="100", idempotency_key=key)
    assert start_challenge(**payment, amount="100.00", idempotency_key=key) == first
    with pytest.raises(IdempotencyKeyReused):
        start_challenge(**payment, amount="101", idempotency_key=key)
    assert PaymentChallenge.objects.count() == 1
