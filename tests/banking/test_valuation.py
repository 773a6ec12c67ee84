"""Holdings in roubles at the bank's buying rate, whichever way round the pair is quoted; money as customers read it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from banking.exchange import set_exchange_rate
from banking.valuation import in_roubles, total_in_roubles, valued_bank_accounts
from core.money import money, signed_money
from core.text import name_shown_to_others
from tests.factories import BankAccountFactory, CustomerFactory, StaffFactory


@pytest.mark.django_db
def test_each_holding_is_worth_what_the_bank_would_pay_for_it_now():
    clerk, customer = StaffFactory(), CustomerFactory()
    BankAccountFactory(owner=customer, currency="USD", balance="10.01")
    BankAccountFactory(owner=customer, currency="KZT", balance="1000")
    BankAccountFactory(owner=customer, currency="RUB", balance="5")
    past = timezone.now() - datetime.timedelta(hours=1)
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("95"), set_by=clerk, valid_from=past)
    # Quoted the other way round: tenge per rouble. Selling tenge, the customer buys roubles at the bank's selling rate.
    set_exchange_rate(base="RUB", quote="KZT", buy=Decimal("5"), sell=Decimal("5.5"), set_by=clerk, valid_from=past)
    # A newer rate that is not in force yet changes nothing.
    set_exchange_rate(
        base="USD", quote="RUB", buy=Decimal("1"), sell=Decimal("2"), set_by=clerk,
        valid_from=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    accounts = valued_bank_accounts(account=customer)
    assert [account.currency for account in accounts] == ["RUB", "KZT", "USD"]
    assert [in_roubles(account) for account in accounts] == [Decimal("5.00"), Decimal("181.81"), Decimal("900.90")]
    assert total_in_roubles(accounts).roubles == Decimal("1087.71")


@pytest.mark.django_db
def test_a_closed_account_does_not_count_and_a_currency_without_a_rate_is_named():
    customer = CustomerFactory()
    BankAccountFactory(owner=customer, currency="CHF", balance="3")
    closed = BankAccountFactory(owner=customer, currency="RUB", balance="0")
    type(closed).objects.filter(pk=closed.pk).update(is_closed=True, balance=Decimal("7"))
    total = total_in_roubles(valued_bank_accounts(account=customer))
    assert (total.roubles, total.unvalued) == (Decimal(0), ["CHF"])


@pytest.mark.parametrize(
    ("language", "amount", "currency", "shown"),
    [
        ("ru", Decimal("1234.5"), "RUB", "1\xa0234,50\xa0₽"),
        ("ru", Decimal("-1234567.891"), "USD", "\u22121\xa0234\xa0567,89\xa0$"),
        ("en", Decimal("1234.5"), "EUR", "1,234.50\xa0€"),
        ("en", Decimal("0"), "CHF", "0.00\xa0CHF"),
    ],
)
def test_amounts_read_as_a_russian_bank_writes_them(language, amount, currency, shown):
    with translation.override(language):
        assert money(amount, currency) == shown


def test_an_operation_shows_its_direction_and_a_missing_amount_a_dash():
    with translation.override("ru"):
        assert signed_money(Decimal("40"), "RUB") == "+40,00\xa0₽"
        assert signed_money(Decimal("-40"), "RUB") == "\u221240,00\xa0₽"
        assert money(None, "RUB") == "—"


def test_a_person_is_named_as_a_bank_shows_a_payee():
    assert name_shown_to_others(name="Иван", patronymic="Петрович", surname="Сидоров") == "Иван Петрович С."
    assert name_shown_to_others(name="Anna", patronymic="", surname="Smith") == "Anna S."
    assert name_shown_to_others(name=" Олег ", patronymic="", surname="") == "Олег"
