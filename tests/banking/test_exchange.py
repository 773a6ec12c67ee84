"""Exchange between a customer's own accounts: amounts, rounding, rates, refusals, idempotency, the audit trail."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditAction, AuditEvent
from banking.exchange import (
    DESK_USERNAME,
    DeskShort,
    ExchangeError,
    InvalidRate,
    NoRate,
    StaleRate,
    convert,
    exchange,
    exchange_desk_account,
    quote_exchange,
    set_exchange_rate,
)
from banking.models import BankAccount, Exchange, ExchangeRate, Receipt, Transfer
from banking.services import AccountClosed, IdempotencyKeyReused, InsufficientFunds, UnknownAccount
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    return CustomerFactory(password=PASSWORD)


def balance(bank_account: BankAccount) -> Decimal:
    bank_account.refresh_from_db(fields=["balance"])
    return bank_account.balance


def desk(currency: str) -> BankAccount:
    return BankAccount.objects.get(owner__username=DESK_USERNAME, currency=currency)


def buy_dollars(customer, roubles, dollars, rate, amount="1000", key=None) -> Exchange:
    return exchange(
        initiated_by=customer,
        sell_from=roubles.number,
        buy_to=dollars.number,
        amount=amount,
        rate_id=rate.pk,
        idempotency_key=key or uuid.uuid4(),
    )


# --- rounding ---------------------------------------------------------------------------------------------------

rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("999999"), places=6)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999999999.99"), places=2)


@settings(max_examples=500, deadline=None)
@given(amount=amounts, buy=rates, spread=rates, base_is_sold=st.booleans())
def test_the_amount_bought_is_rounded_down_by_less_than_one_minor_unit(amount, buy, spread, base_is_sold):
    rate = ExchangeRate(base="USD", quote="RUB", buy=buy, sell=buy + spread)
    sold_currency = "USD" if base_is_sold else "RUB"
    bought = convert(rate=rate, sold_currency=sold_currency, amount=amount)
    exact = Fraction(amount) * Fraction(buy) if base_is_sold else Fraction(amount) / Fraction(buy + spread)
    assert bought == bought.quantize(Decimal("0.01"))  # whole kopecks or cents
    assert Fraction(bought) <= exact  # never in the customer's favour
    assert exact - Fraction(bought) < Fraction(1, 100)  # and by less than one minor unit


def currency_totals() -> dict[str, Decimal]:
    return {c: sum(BankAccount.objects.filter(currency=c).values_list("balance", flat=True)) for c in ("USD", "RUB")}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
    buy=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("200"), places=6),
    sell_dollars=st.booleans(),
)
def test_each_exchange_moves_what_was_quoted_and_keeps_each_currency_whole(amount, buy, sell_dollars):
    with transaction.atomic():
        clerk = StaffFactory(password=PASSWORD)
        ExchangeRate.objects.create(
            base="USD", quote="RUB", buy=buy, sell=buy * 2, set_by=clerk, valid_from=timezone.now()
        )
        for currency in ("USD", "RUB"):
            exchange_desk_account(currency=currency)
            BankAccount.objects.filter(owner__username=DESK_USERNAME).update(balance=Decimal("1000000"))
        owner = CustomerFactory(password=PASSWORD)
        accounts = {c: BankAccountFactory(owner=owner, currency=c, balance="5000") for c in ("USD", "RUB")}
        sold, bought = ("USD", "RUB") if sell_dollars else ("RUB", "USD")
        totals_before = currency_totals()
        try:
            quote = quote_exchange(
                account=owner, sell_from=accounts[sold].number, buy_to=accounts[bought].number, amount=amount
            )
        except ExchangeError:  # less than a kopeck or a cent to get: refused before anything moves
            assert convert(rate=ExchangeRate.objects.get(), sold_currency=sold, amount=amount) == 0
        else:
            made = exchange(
                initiated_by=owner,
                sell_from=accounts[sold].number,
                buy_to=accounts[bought].number,
                amount=amount,
                rate_id=quote.rate.pk,
                idempotency_key=uuid.uuid4(),
            )
            assert (made.sold_leg.amount, made.bought_leg.amount) == (quote.sold, quote.bought)
            assert balance(accounts[sold]) == Decimal("5000") - amount
            assert balance(accounts[bought]) == Decimal("5000") + quote.bought
        assert currency_totals() == totals_before  # the desk's account took or gave what the customer gave or took
        transaction.set_rollback(True)


# --- an exchange and what it leaves behind ----------------------------------------------------------------------


def test_buying_dollars_debits_roubles_credits_dollars_through_the_desk(customer, roubles, dollars, usd_rub):
    quote = quote_exchange(account=customer, sell_from=roubles.number, buy_to=dollars.number, amount="1 000,00")
    assert (quote.sold, quote.bought) == (Decimal("1000.00"), Decimal("10.47"))  # 1000 / 95.5 = 10.4712…
    assert quote.price == "1\u00a0$ = 95.50\u00a0₽"

    made = buy_dollars(customer, roubles, dollars, usd_rub)

    assert balance(roubles) == Decimal("9000.00")
    assert balance(dollars) == Decimal("60.47")
    assert balance(desk("RUB")) == Decimal("101000.00")
    assert balance(desk("USD")) == Decimal("989.53")
    debit = Receipt.objects.get(bank_account=roubles, transfer=made.sold_leg)
    credit = Receipt.objects.get(bank_account=dollars, transfer=made.bought_leg)
    assert (debit.kind, debit.amount, debit.balance_after) == ("debit", Decimal("1000.00"), Decimal("9000.00"))
    assert (credit.kind, credit.amount, credit.balance_after) == ("credit", Decimal("10.47"), Decimal("60.47"))
    assert debit.description == "Currency exchange: 1,000.00\u00a0₽ → 10.47\u00a0$"
    assert made.rate == usd_rub
    event = AuditEvent.objects.get(action=AuditAction.EXCHANGE, target_id=str(made.pk))
    assert event.actor_id == customer.pk and "1000.00 RUB → 10.47 USD" in event.summary


def test_selling_dollars_is_paid_at_the_buying_rate(customer, roubles, dollars, usd_rub):
    made = exchange(
        initiated_by=customer,
        sell_from=dollars.number,
        buy_to=roubles.number,
        amount="12.34",
        rate_id=usd_rub.pk,
        idempotency_key=uuid.uuid4(),
    )
    assert made.bought_leg.amount == Decimal("1110.60")  # 12.34 × 90
    assert (balance(dollars), balance(roubles)) == (Decimal("37.66"), Decimal("11110.60"))


def test_the_desk_is_opened_once_on_first_use_and_cannot_sign_in(db):
    first = exchange_desk_account(currency="EUR")
    assert exchange_desk_account(currency="EUR") == first
    assert first.owner.username == DESK_USERNAME
    assert not first.owner.is_active and not first.owner.has_usable_password()
    assert first.owner.client_id is None and first.owner.worker_id is None


# --- idempotency --------------------------------------------------------------------------------------------------


def test_a_confirmation_sent_again_exchanges_once(customer, roubles, dollars, usd_rub):
    key = uuid.uuid4()
    first = buy_dollars(customer, roubles, dollars, usd_rub, key=key)
    again = buy_dollars(customer, roubles, dollars, usd_rub, key=key)
    assert again.pk == first.pk
    assert Exchange.objects.count() == 1 and Transfer.objects.count() == 2
    assert (balance(roubles), balance(dollars)) == (Decimal("9000.00"), Decimal("60.47"))


def test_a_confirmation_sent_again_after_the_rate_and_the_money_are_gone_returns_the_exchange(
    customer, roubles, dollars, usd_rub, clerk
):
    key = uuid.uuid4()
    first = buy_dollars(customer, roubles, dollars, usd_rub, amount="10000", key=key)
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("91"), sell=Decimal("96"), set_by=clerk)
    assert buy_dollars(customer, roubles, dollars, usd_rub, amount="10000", key=key).pk == first.pk
    assert balance(roubles) == Decimal("0.00")


def test_the_same_form_for_another_exchange_is_refused(customer, roubles, dollars, usd_rub):
    key = uuid.uuid4()
    buy_dollars(customer, roubles, dollars, usd_rub, amount="100", key=key)
    with pytest.raises(IdempotencyKeyReused):
        buy_dollars(customer, roubles, dollars, usd_rub, amount="200", key=key)
    assert balance(roubles) == Decimal("9900.00")


# --- refusals change nothing -------------------------------------------------------------------------------------


def assert_nothing_moved(roubles, dollars) -> None:
    assert (balance(roubles), balance(dollars)) == (Decimal("10000.00"), Decimal("50.00"))
    assert Exchange.objects.count() == 0 and Transfer.objects.count() == 0


def test_not_enough_money_is_refused(customer, roubles, dollars, usd_rub):
    with pytest.raises(InsufficientFunds, match=re.escape("Not enough money: the balance is 10,000.00\u00a0₽")):
        buy_dollars(customer, roubles, dollars, usd_rub, amount="10000.01")
    assert_nothing_moved(roubles, dollars)


def test_a_rate_changed_since_the_confirmation_page_is_refused(customer, roubles, dollars, usd_rub, clerk):
    quote = quote_exchange(account=customer, sell_from=roubles.number, buy_to=dollars.number, amount="1000")
    newer = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("91"), sell=Decimal("97"), set_by=clerk)
    with pytest.raises(StaleRate, match="rate has changed"):
        buy_dollars(customer, roubles, dollars, quote.rate)
    assert_nothing_moved(roubles, dollars)
    assert buy_dollars(customer, roubles, dollars, newer).bought_leg.amount == Decimal("10.30")  # 1000 / 97


def test_a_rate_set_for_later_is_not_in_force_yet(customer, roubles, dollars, usd_rub, clerk):
    set_exchange_rate(
        base="USD", quote="RUB", buy=Decimal("1"), sell=Decimal("1"), set_by=clerk,
        valid_from=timezone.now() + datetime.timedelta(hours=1),
    )  # fmt: skip
    assert quote_exchange(account=customer, sell_from=roubles.number, buy_to=dollars.number, amount="1").rate == usd_rub


def test_the_desk_cannot_sell_more_than_it_holds(customer, roubles, dollars, usd_rub):
    big = BankAccountFactory(owner=customer, currency="RUB", balance="200000")
    with pytest.raises(DeskShort, match="cannot sell that much USD"):
        buy_dollars(customer, big, dollars, usd_rub, amount="100000")  # 1047.12 $ > 1000 $
    assert balance(big) == Decimal("200000.00") and Transfer.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ("no_rate", NoRate, "does not exchange EUR for USD"),
        ("same_currency", ExchangeError, "Both accounts are in RUB"),
        ("others_account", UnknownAccount, "You have no account"),
        ("closed", AccountClosed, "is closed"),
        ("too_small", ExchangeError, "too small"),
    ],
)
def test_exchanges_the_bank_refuses(customer, roubles, dollars, usd_rub, change, error, message):
    source, target, amount = roubles, dollars, "100"
    if change == "no_rate":
        source = BankAccountFactory(owner=customer, currency="EUR", balance="10")
    elif change == "same_currency":
        target = BankAccountFactory(owner=customer, currency="RUB")
    elif change == "others_account":
        target = BankAccountFactory(owner=CustomerFactory(password=PASSWORD), currency="USD")
    elif change == "closed":
        BankAccount.objects.filter(pk=dollars.pk).update(is_closed=True)
    else:
        amount = "0.95"  # 0.0099 $
    with pytest.raises(error, match=message):
        buy_dollars(customer, source, target, usd_rub, amount=amount)
    assert Exchange.objects.count() == 0 and Transfer.objects.count() == 0


# --- rates ------------------------------------------------------------------------------------------------------


def test_setting_a_rate_is_audited_and_keeps_the_earlier_ones(clerk, usd_rub):
    newer = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("91.25"), sell=Decimal("96"), set_by=clerk)
    assert ExchangeRate.objects.filter(base="USD", quote="RUB").count() == 2
    usd_rub.refresh_from_db()
    assert (usd_rub.buy, usd_rub.sell) == (Decimal("90"), Decimal("95.5"))
    event = AuditEvent.objects.get(action=AuditAction.EXCHANGE_RATE, target_id=str(newer.pk))
    assert event.actor_id == clerk.pk and "USD/RUB: buy 91.25, sell 96" in event.summary


@pytest.mark.parametrize(
    ("base", "quote", "buy", "sell", "message"),
    [
        ("RUB", "USD", "0.01", "0.02", "quoted as USD/RUB"),
        ("USD", "RUB", "96", "95", "selling rate cannot be below"),
        ("USD", "USD", "1", "1", "two different currencies"),
        ("USD", "RUB", "0", "1", "greater than zero"),
        ("USD", "RUB", "1.0000001", "2", "six digits"),
        ("XXX", "RUB", "1", "2", "Unknown currency"),
    ],
)
def test_rates_the_service_refuses(clerk, usd_rub, base, quote, buy, sell, message):
    with pytest.raises(InvalidRate, match=message):
        set_exchange_rate(base=base, quote=quote, buy=Decimal(buy), sell=Decimal(sell), set_by=clerk)
    assert ExchangeRate.objects.count() == 1


def test_the_database_refuses_a_selling_rate_below_the_buying_rate(clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(
            base="USD", quote="RUB", buy=Decimal("96"), sell=Decimal("95"), set_by=clerk, valid_from=timezone.now()
        )
