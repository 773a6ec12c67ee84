"""The exchange's rules as a customer or back office would notice them broken.

Written from the surviving mutants of ``banking/exchange.py`` (docs/mutation-testing.md): the rate shown, the
rate chosen, the edges of what is allowed (one cent bought, the desk's last cent, the largest amount, the
largest rate), both legs' receipts, the desk's accounts, the audit trail and a form's key.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditEvent
from banking.exchange import (
    DESK_USERNAME,
    MAX_RATE,
    InvalidRate,
    exchange,
    exchange_desk_account,
    fund_exchange_desk,
    quote_exchange,
    rate_text,
    set_exchange_rate,
)
from banking.models import BankAccount, Exchange, ExchangeRate, Receipt
from banking.services import MAX_AMOUNT
from tests.banking.test_exchange import balance, buy_dollars, desk
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory

NBSP = "\u00a0"


# --- the rate as it is shown ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        ("95.5", "RUB", f"95,50{NBSP}₽"),  # at least two decimals
        ("0.012345", "USD", f"0,012345{NBSP}$"),  # and all of them when there are more
        ("0.125", "EUR", f"0,125{NBSP}€"),
        ("1000", "KZT", f"1{NBSP}000,00{NBSP}₸"),  # a round rate keeps two, grouped by thousands
        ("12.5", "CHF", f"12,50{NBSP}CHF"),  # a currency without a sign of its own is named by its code
    ],
)
def test_a_rate_is_shown_with_all_its_decimals_and_at_least_two(value, currency, shown):
    with translation.override("ru"):
        assert rate_text(Decimal(value), currency) == shown


def test_the_customer_sees_the_price_of_one_unit_at_the_rate_the_bank_deals_at(customer, roubles, dollars, clerk):
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90.123456"), sell=Decimal("1095.5"), set_by=clerk)
    with translation.override("ru"):
        buying = quote_exchange(account=customer, sell_from=roubles.number, buy_to=dollars.number, amount="5000")
        selling = quote_exchange(account=customer, sell_from=dollars.number, buy_to=roubles.number, amount="1")
        assert buying.price == f"1{NBSP}$ = 1{NBSP}095,50{NBSP}₽"  # the bank sells the dollar
        assert selling.price == f"1{NBSP}$ = 90,123456{NBSP}₽"  # the bank buys it


# --- rates: which one is in force, and their bounds ---------------------------------------------------------------


def test_the_rate_in_force_is_the_one_valid_from_the_latest_moment_of_that_very_pair(
    customer, roubles, dollars, usd_rub, clerk
):
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("1"), sell=Decimal("2"), set_by=clerk, valid_from=hour_ago)
    for base, quote in (("EUR", "USD"), ("EUR", "RUB"), ("USD", "CNY"), ("RUB", "KZT")):  # pairs sharing a currency
        set_exchange_rate(base=base, quote=quote, buy=Decimal("3"), sell=Decimal("4"), set_by=clerk)
    for sell_from, buy_to in ((roubles, dollars), (dollars, roubles)):
        quote = quote_exchange(account=customer, sell_from=sell_from.number, buy_to=buy_to.number, amount="10")
        assert quote.rate == usd_rub  # set earlier than the backdated one, valid from a later moment


def test_a_rate_may_reach_the_largest_the_bank_keeps_but_neither_side_may_be_zero(clerk):
    rate = set_exchange_rate(base="USD", quote="RUB", buy=MAX_RATE, sell=MAX_RATE, set_by=clerk)
    assert ExchangeRate.objects.filter(pk=rate.pk).exists()  # not read back: SQLite holds 18 digits as a float
    with pytest.raises(InvalidRate, match="greater than zero"):
        set_exchange_rate(base="EUR", quote="RUB", buy=Decimal("1"), sell=Decimal("0"), set_by=clerk)
    assert ExchangeRate.objects.count() == 1


# --- the exchange desk ------------------------------------------------------------------------------------------


def test_the_desk_keeps_one_account_per_currency_of_its_own_apart_from_the_customers(customer):
    customers = {c: BankAccountFactory(owner=customer, currency=c) for c in ("USD", "EUR")}
    dollars_desk = exchange_desk_account(currency="USD")
    euro_desk = exchange_desk_account(currency="EUR")  # the desk's login exists by now; its euro account not
    assert (dollars_desk.currency, euro_desk.currency) == ("USD", "EUR")
    assert {dollars_desk.owner.username, euro_desk.owner.username} == {DESK_USERNAME}
    assert not {dollars_desk.pk, euro_desk.pk} & {a.pk for a in customers.values()}
    assert exchange_desk_account(currency="EUR") == euro_desk and exchange_desk_account(currency="USD") == dollars_desk
    assert dollars_desk.owner.get_full_name() == "Exchange desk"  # how back office finds it in the admin


def test_funding_the_desk_is_a_receipt_of_the_banks_own_money_audited_as_that_clerks(clerk):
    receipt = fund_exchange_desk(currency="USD", amount=Decimal("250.00"), funded_by=clerk)
    assert receipt.bank_account == desk("USD") and balance(desk("USD")) == Decimal("250.00")
    assert receipt.description == _("The bank's own funds for currency exchange")
    event = AuditEvent.objects.get(action=AuditAction.EXCHANGE)
    assert (event.actor_id, event.target_type, event.target_id) == (
        clerk.pk,
        "banking.BankAccount",
        str(desk("USD").pk),
    )
    assert event.summary == "exchange desk funded: 250.00 USD"


# --- the edges of an exchange -----------------------------------------------------------------------------------


def test_one_cent_bought_is_enough_to_exchange(customer, roubles, dollars, usd_rub):
    made = buy_dollars(customer, roubles, dollars, usd_rub, amount="0.96")  # 0.96 / 95.5 = 0.01005… $
    assert made.bought_leg.amount == Decimal("0.01") and balance(dollars) == Decimal("50.01")


def test_the_desk_may_sell_its_last_cent(customer, dollars, usd_rub):
    roubles = BankAccountFactory(owner=customer, currency="RUB", balance="95500")
    made = buy_dollars(customer, roubles, dollars, usd_rub, amount="95500")  # exactly the desk's 1 000 $
    assert made.bought_leg.amount == Decimal("1000.00")
    assert balance(desk("USD")) == Decimal("0.00") and balance(dollars) == Decimal("1050.00")


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite keeps a decimal as a float, and 18 digits do not survive the trip",
)
def test_the_largest_amount_the_bank_keeps_can_be_bought(customer, clerk):
    set_exchange_rate(base="EUR", quote="USD", buy=Decimal("1"), sell=Decimal("1"), set_by=clerk)
    fund_exchange_desk(currency="USD", amount=MAX_AMOUNT, funded_by=clerk)
    euros = BankAccountFactory(owner=customer, currency="EUR", balance=MAX_AMOUNT)
    dollars = BankAccountFactory(owner=customer, currency="USD")
    quote = quote_exchange(account=customer, sell_from=euros.number, buy_to=dollars.number, amount=MAX_AMOUNT)
    exchange(
        initiated_by=customer,
        sell_from=euros.number,
        buy_to=dollars.number,
        amount=MAX_AMOUNT,
        rate_id=quote.rate.pk,
        idempotency_key=uuid.uuid4(),
    )
    assert (balance(euros), balance(dollars)) == (Decimal("0.00"), MAX_AMOUNT)


# --- what an exchange leaves behind -------------------------------------------------------------------------------


def test_both_legs_and_all_four_receipts_say_what_was_exchanged(customer, roubles, dollars, usd_rub):
    made = buy_dollars(customer, roubles, dollars, usd_rub)
    description = "Currency exchange: 1,000.00\u00a0₽ → 10.47\u00a0$"
    assert (made.sold_leg.comment, made.bought_leg.comment) == (description, description)
    receipts = Receipt.objects.filter(transfer__in=[made.sold_leg, made.bought_leg])
    assert sorted((r.bank_account.number, r.kind, r.description) for r in receipts) == sorted(
        [
            (roubles.number, "debit", description),
            (desk("RUB").number, "credit", description),
            (desk("USD").number, "debit", description),
            (dollars.number, "credit", description),
        ]
    )


# --- a form's key -------------------------------------------------------------------------------------------------


def test_two_alike_exchanges_under_two_forms_are_both_made(customer, roubles, dollars, usd_rub):
    first = buy_dollars(customer, roubles, dollars, usd_rub, amount="100")
    second = buy_dollars(customer, roubles, dollars, usd_rub, amount="100")
    assert first.pk != second.pk and Exchange.objects.count() == 2
    assert balance(roubles) == Decimal("9800.00")


def test_a_forms_key_is_each_customers_own(customer, roubles, dollars, usd_rub):
    key = uuid.uuid4()
    mine = buy_dollars(customer, roubles, dollars, usd_rub, amount="100", key=key)
    someone = CustomerFactory(password=PASSWORD)
    their_roubles = BankAccountFactory(owner=someone, currency="RUB", balance="1000")
    their_dollars = BankAccountFactory(owner=someone, currency="USD")
    theirs = buy_dollars(someone, their_roubles, their_dollars, usd_rub, amount="955", key=key)
    assert theirs.pk != mine.pk and theirs.initiated_by == someone
    assert (balance(their_roubles), balance(their_dollars)) == (Decimal("45.00"), Decimal("10.00"))
    assert BankAccount.objects.get(pk=roubles.pk).balance == Decimal("9900.00")
