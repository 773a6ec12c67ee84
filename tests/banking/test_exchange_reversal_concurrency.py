"""Exchanges and reversal approvals at the same moment from several threads (each its own connection).

On PostgreSQL the rows are locked in primary-key order (the four accounts of an exchange, the reversal's row
before its two accounts); on SQLite the same tests run on a file copy of the test database, where IMMEDIATE
transactions queue the writers (see tests/banking/test_ledger_concurrency.py, whose helpers these are).
"""

from __future__ import annotations

import contextlib
import random
import uuid
from decimal import Decimal

import pytest

from banking.exchange import (
    DESK_USERNAME,
    DeskShort,
    exchange,
    exchange_desk_account,
    fund_exchange_desk,
    set_exchange_rate,
)
from banking.models import BankAccount, Exchange, Receipt, Reversal, ReversalStatus, Transfer
from banking.reversal import ReversalAlreadyDecided, approve_reversal, propose_reversal
from banking.services import IdempotencyKeyReused, InsufficientFunds, transfer
from tests.banking.test_ledger_concurrency import run_in_threads, shared_database  # noqa: F401  (a fixture)
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory

THREADS = 6
EXCHANGES_PER_THREAD = 10


def clerk():
    return StaffFactory(back_office=True, password=PASSWORD)


def totals() -> dict[str, Decimal]:
    return {c: sum(BankAccount.objects.filter(currency=c).values_list("balance", flat=True)) for c in ("RUB", "USD")}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_exchanges_keep_each_currency_whole(shared_database):  # noqa: F811
    back_office = clerk()
    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95.5"), set_by=back_office)
    fund_exchange_desk(currency="USD", amount=Decimal("40"), funded_by=back_office)  # runs short on purpose
    fund_exchange_desk(currency="RUB", amount=Decimal("3000"), funded_by=back_office)
    owners = [CustomerFactory(password=PASSWORD) for _n in range(3)]
    accounts = [
        (
            BankAccountFactory(owner=o, currency="RUB", balance="2000"),
            BankAccountFactory(owner=o, currency="USD", balance="20"),
        )
        for o in owners
    ]
    before = totals()

    def work(index: int) -> None:
        chooser = random.Random(index)
        for _n in range(EXCHANGES_PER_THREAD):
            owner_index = chooser.randrange(len(owners))
            roubles, dollars = accounts[owner_index]
            sell_from, buy_to = (roubles, dollars) if chooser.random() < 0.5 else (dollars, roubles)
            amount = (
                Decimal(chooser.randint(100, 60000)) / 100
                if sell_from is roubles
                else Decimal(chooser.randint(1, 900)) / 100
            )
            with contextlib.suppress(InsufficientFunds, DeskShort):  # refusals are part of the mix
                exchange(
                    initiated_by=owners[owner_index],
                    sell_from=sell_from.number,
                    buy_to=buy_to.number,
                    amount=amount,
                    rate_id=rate.pk,
                    idempotency_key=uuid.uuid4(),
                )

    assert run_in_threads(work, THREADS) == []
    assert Exchange.objects.count() > THREADS
    assert totals() == before  # every kopeck and cent the customers gave or got, the desk got or gave
    assert not BankAccount.objects.filter(balance__lt=0).exists()
    for bank_account in BankAccount.objects.all():
        receipts = Receipt.objects.filter(bank_account=bank_account).order_by("id")
        running = Decimal(0)
        for receipt in receipts:
            running += receipt.signed_amount
            assert receipt.balance_after == running
        assert running == bank_account.balance
    assert BankAccount.objects.filter(owner__username=DESK_USERNAME).count() == 2  # one desk account per currency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_confirmation_sent_five_times_at_once_exchanges_once(shared_database):  # noqa: F811
    back_office = clerk()
    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("100"), set_by=back_office)
    owner = CustomerFactory(password=PASSWORD)
    roubles = BankAccountFactory(owner=owner, currency="RUB", balance="1000")
    dollars = BankAccountFactory(owner=owner, currency="USD")
    fund_exchange_desk(currency="USD", amount=Decimal("100"), funded_by=back_office)
    key, made = uuid.uuid4(), []

    def confirm(_index: int) -> None:
        made.append(
            exchange(
                initiated_by=owner,
                sell_from=roubles.number,
                buy_to=dollars.number,
                amount="1000",  # all of it: a twin that ran the checks again would find no money left
                rate_id=rate.pk,
                idempotency_key=key,
            ).pk
        )

    assert run_in_threads(confirm, 5) == []
    assert len(made) == 5 and len(set(made)) == 1
    roubles.refresh_from_db()
    dollars.refresh_from_db()
    assert (roubles.balance, dollars.balance) == (Decimal("0.00"), Decimal("10.00"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_form_sent_at_once_for_two_exchanges_that_share_no_account_makes_one(shared_database):  # noqa: F811
    """Rows apart, neither request sees the other's under its locks: the form's unique key decides, and the loser
    is told the form was used, not shown a database error."""
    back_office = clerk()
    rates = [
        set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("100"), set_by=back_office),
        set_exchange_rate(base="GBP", quote="EUR", buy=Decimal("1.1"), sell=Decimal("1.25"), set_by=back_office),
    ]
    for currency in ("USD", "GBP"):
        fund_exchange_desk(currency=currency, amount=Decimal("1000"), funded_by=back_office)
    owner = CustomerFactory(password=PASSWORD)
    accounts = {c: BankAccountFactory(owner=owner, currency=c, balance="1000") for c in ("RUB", "USD", "EUR", "GBP")}
    pairs = [(accounts["RUB"], accounts["USD"]), (accounts["EUR"], accounts["GBP"])]
    before = totals()
    for _round in range(5):
        key = uuid.uuid4()

        def confirm(index: int, key: uuid.UUID = key) -> None:
            sell_from, buy_to = pairs[index]
            exchange(
                initiated_by=owner,
                sell_from=sell_from.number,
                buy_to=buy_to.number,
                amount="100",
                rate_id=rates[index].pk,
                idempotency_key=key,
            )

        assert [type(error) for error in run_in_threads(confirm, 2)] == [IdempotencyKeyReused]
        assert Exchange.objects.filter(idempotency_key=key).count() == 1
    assert Exchange.objects.count() == 5 and Transfer.objects.count() == 10
    assert totals() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_exchanges_in_a_currency_at_once_open_one_desk_account_for_it(shared_database):  # noqa: F811
    opened: list[int] = []
    assert run_in_threads(lambda _index: opened.append(exchange_desk_account(currency="EUR").pk), 6) == []
    assert len(set(opened)) == 1
    assert BankAccount.objects.filter(owner__username=DESK_USERNAME, currency="EUR").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_reverse_once(shared_database):  # noqa: F811
    owner = CustomerFactory(password=PASSWORD)
    payer = BankAccountFactory(owner=owner, balance="1000")
    payee = BankAccountFactory(owner=CustomerFactory(password=PASSWORD), balance="0")
    paid = transfer(
        initiated_by=owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount="400",
        idempotency_key=uuid.uuid4(),
    )
    reversal = propose_reversal(transfer_id=paid.pk, reason="paid by mistake", proposed_by=clerk())
    checkers = [clerk() for _n in range(4)]
    outcomes: list[str] = []

    def approve(index: int) -> None:
        try:
            approve_reversal(reversal_id=reversal.pk, approved_by=checkers[index])
        except ReversalAlreadyDecided:
            outcomes.append("refused")
        else:
            outcomes.append("approved")

    assert run_in_threads(approve, len(checkers)) == []
    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
    reversal.refresh_from_db()
    assert reversal.status == ReversalStatus.REVERSED
    assert Transfer.objects.count() == 2 and Reversal.objects.count() == 1
    payer.refresh_from_db()
    payee.refresh_from_db()
    assert (payer.balance, payee.balance) == (Decimal("1000.00"), Decimal("0.00"))
