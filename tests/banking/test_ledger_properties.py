"""Property: for any sequence of payments, refused ones included, the ledger adds up.

Every balance equals its opening balance plus the credits minus the debits written for it, the
balances follow a simple model of what each payment should do, and a refused payment changes nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking.models import BankAccount, Receipt, Transfer
from banking.services import PaymentError, transfer
from tests.factories import BankAccountFactory, CustomerFactory

# Three accounts in roubles (two customers) and one in dollars, so every kind of refusal can happen.
CURRENCIES = ["RUB", "RUB", "RUB", "USD"]

amounts = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2).map(str),
    st.sampled_from(["0", "-1", "0.001", "abc", "1e400", "", "1 000,5"]),
)
payments = st.lists(
    st.tuples(
        st.integers(0, len(CURRENCIES) - 1),  # payer
        st.integers(0, len(CURRENCIES) - 1),  # payee
        amounts,
        st.booleans(),  # send it again with the key of the previous payment
    ),
    max_size=25,
)
openings = st.lists(
    st.decimals(min_value=Decimal(0), max_value=Decimal(500), places=2),
    min_size=len(CURRENCIES),
    max_size=len(CURRENCIES),
)


def expected_outcome(model, accounts, payer, payee, amount):
    """What the bank's rules say a payment should do: the new balances, or None when it is refused."""
    try:
        value = Decimal("".join(amount.split()).replace(",", "."))
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e16") or value != value.quantize(Decimal("0.01")):
        return None
    if payer == payee or accounts[payer].currency != accounts[payee].currency or model[payer] < value:
        return None
    changed = list(model)
    changed[payer] -= value
    changed[payee] += value
    return changed


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=openings, sequence=payments)
def test_balances_are_openings_plus_credits_minus_debits(opening, sequence):
    with transaction.atomic():
        owners = [CustomerFactory(), CustomerFactory()]
        accounts = [
            BankAccountFactory(owner=owners[n % 2], currency=currency, balance=opening[n])
            for n, currency in enumerate(CURRENCIES)
        ]
        model = [account.balance for account in accounts]
        used: dict[tuple[int, uuid.UUID], tuple] = {}  # (initiator, key) -> what that payment was
        last_key = None
        for payer, payee, amount, replay in sequence:
            owner = owners[payer % 2]
            # "replay": the key of the previous form, as when a form is sent again (maybe changed).
            key = last_key if replay and last_key else uuid.uuid4()
            details = (payer, payee, amount)
            earlier = used.get((owner.pk, key))
            if earlier is None:
                expected = expected_outcome(model, accounts, payer, payee, amount)
            else:
                expected = model if earlier == details else None  # paid already, or a reused form
            receipts_before = Receipt.objects.count()
            try:
                transfer(
                    initiated_by=owner,
                    payer_number=accounts[payer].number,
                    payee_number=accounts[payee].number,
                    amount=amount,
                    idempotency_key=key,
                )
            except PaymentError:
                assert expected is None
                assert Receipt.objects.count() == receipts_before
            else:
                assert expected is not None
                model = expected
                used.setdefault((owner.pk, key), details)
            last_key = key
            balances = list(
                BankAccount.objects.filter(pk__in=[a.pk for a in accounts])
                .order_by("pk")
                .values_list("balance", flat=True)
            )
            assert balances == [model[n] for n in sorted(range(len(accounts)), key=lambda n: accounts[n].pk)]
        for account, opened_with in zip(accounts, opening, strict=True):
            account.refresh_from_db()
            credits = sum(
                r.amount for r in Receipt.objects.filter(bank_account=account, kind="credit", transfer__isnull=False)
            )
            debits = sum(r.amount for r in Receipt.objects.filter(bank_account=account, kind="debit"))
            assert account.balance == opened_with + credits - debits
            assert account.balance >= 0
        assert (
            Receipt.objects.filter(transfer__payer__in=accounts).count()
            == 2 * Transfer.objects.filter(payer__in=accounts).count()
        )
        transaction.set_rollback(True)
