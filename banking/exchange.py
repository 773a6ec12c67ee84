"""Exchange between a customer's own accounts in two currencies, at the rates back office sets.

The counterparty of every exchange is the bank's exchange desk: a login of the bank's own
(``DESK_USERNAME``: no client, no worker, no usable password, inactive, so nobody signs in with it) holding
one bank account per currency. The service makes the login and each of its accounts on first use, so the
desk needs no data migration, no setting and no step in a deployment; back office sees the desk's accounts
in the admin like any other, and puts the bank's own money on them with ``fund_exchange_desk``. The desk's
accounts obey every rule of the ledger, the CHECK that a balance is never negative included: the desk cannot
sell more of a currency than it holds (``DeskShort``), which is the bank's open-position limit.

An exchange is two transfers made in one transaction, each with its two receipts: the customer's money to the
desk's account in that currency, and the desk's money in the other currency to the customer. The customer
names the amount to sell; the amount bought is rounded down to the minor unit, so the rounding is in the
bank's favour and by less than one minor unit (every currency the bank keeps has two decimals in ISO 4217,
like the money columns).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from banking.currencies import Currency
from banking.ledger import post_transfer
from banking.models import BankAccount, Exchange, ExchangeRate, Receipt
from banking.services import (
    MAX_AMOUNT,
    AccountClosed,
    IdempotencyKeyReused,
    InsufficientFunds,
    PaymentError,
    UnknownAccount,
    deposit,
    open_bank_account,
    parse_amount,
)
from core.money import CURRENCY_SIGNS, money

DESK_USERNAME = "bank-exchange-desk"
MINOR_UNIT = Decimal("0.01")
MAX_RATE = Decimal("999999999999.999999")  # what DecimalField(18, 6) holds


class ExchangeError(PaymentError):
    """An exchange or a rate was refused; the message says why."""


class NoRate(ExchangeError):
    pass


class StaleRate(ExchangeError):
    pass


class DeskShort(ExchangeError):
    pass


class InvalidRate(ExchangeError):
    pass


@dataclass(frozen=True)
class Quote:
    """What an exchange would do now: the customer sells ``sold`` and gets ``bought`` at ``rate``."""

    sell_from: BankAccount
    buy_to: BankAccount
    rate: ExchangeRate
    sold: Decimal
    bought: Decimal

    @property
    def price(self) -> str:
        """The rate as the customer reads it: "1 $ = 95,50 ₽", the price of one unit of the base currency."""
        unit_price = self.rate.sell if self.rate.base == self.buy_to.currency else self.rate.buy
        return f"1\u00a0{CURRENCY_SIGNS.get(self.rate.base, self.rate.base)} = {rate_text(unit_price, self.rate.quote)}"


def rate_text(value: Decimal, currency: str) -> str:
    """A rate with all its decimals, at least two: "95,50 ₽", "0,012345 $"."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{CURRENCY_SIGNS.get(currency, currency)}"


def convert(*, rate: ExchangeRate, sold_currency: str, amount: Decimal) -> Decimal:
    """The amount bought for ``amount`` of ``sold_currency``, rounded down to the minor unit.

    When the customer sells the base currency the bank buys it (``amount × buy``); when the customer buys the
    base currency the bank sells it (``amount ÷ sell``). Both are computed with 60 significant digits, rounding
    toward zero, so the result is never above the exact value and less than one minor unit below it.
    """
    with localcontext() as context:
        context.prec = 60
        context.rounding = ROUND_FLOOR
        exact = amount * rate.buy if rate.base == sold_currency else amount / rate.sell
        return exact.quantize(MINOR_UNIT, rounding=ROUND_FLOOR)


def rate_in_force(*, sold_currency: str, bought_currency: str, at: datetime.datetime | None = None) -> ExchangeRate:
    """The newest rate of the pair (quoted either way round) that is valid at ``at`` (now by default)."""
    found = (
        ExchangeRate.objects.filter(valid_from__lte=at or timezone.now())
        .filter(Q(base=sold_currency, quote=bought_currency) | Q(base=bought_currency, quote=sold_currency))
        .order_by("-valid_from", "-id")
        .first()
    )
    if found is None:
        raise NoRate(
            _("The bank does not exchange %(sold)s for %(bought)s now.")
            % {"sold": sold_currency, "bought": bought_currency}
        )
    return found


def set_exchange_rate(
    *,
    base: str,
    quote: str,
    buy: Decimal,
    sell: Decimal,
    set_by: Account,
    valid_from: datetime.datetime | None = None,
) -> ExchangeRate:
    """Back office sets the rate of a pair from a moment on (now by default); the earlier rates stay as they were.

    A pair is quoted one way round only (USD/RUB, never also RUB/USD), so that a rate in force is never
    ambiguous.
    """
    for code in (base, quote):
        if code not in Currency.values:
            raise InvalidRate(_("Unknown currency %(code)s.") % {"code": code})
    if base == quote:
        raise InvalidRate(_("A rate needs two different currencies."))
    if not (0 < buy <= MAX_RATE and 0 < sell <= MAX_RATE):
        raise InvalidRate(_("A rate must be greater than zero and below a trillion."))
    if buy != buy.quantize(Decimal("0.000001")) or sell != sell.quantize(Decimal("0.000001")):
        raise InvalidRate(_("A rate can have at most six digits after the decimal point."))
    if sell < buy:
        raise InvalidRate(_("The bank's selling rate cannot be below its buying rate."))
    with transaction.atomic():
        if ExchangeRate.objects.filter(base=quote, quote=base).exists():
            raise InvalidRate(
                _("This pair is quoted as %(base)s/%(quote)s; enter its rate that way round.")
                % {"base": quote, "quote": base}
            )
        try:
            with transaction.atomic():
                rate = ExchangeRate.objects.create(
                    base=base, quote=quote, buy=buy, sell=sell, valid_from=valid_from or timezone.now(), set_by=set_by
                )
        except IntegrityError:
            raise InvalidRate(_("This pair already has a rate from that moment.")) from None
        record_event(
            actor=set_by,
            action=AuditAction.EXCHANGE_RATE,
            target=rate,
            summary=f"{base}/{quote}: buy {buy}, sell {sell}, from {rate.valid_from.isoformat()}",
        )
    return rate


def exchange_desk_account(*, currency: str) -> BankAccount:
    """The desk's account in ``currency``, opened (with the desk's login) the first time it is needed."""
    found = BankAccount.objects.filter(owner__username=DESK_USERNAME, currency=currency).order_by("pk").first()
    if found is not None:
        return found
    with transaction.atomic():
        desk, _created = Account.objects.get_or_create(
            username=DESK_USERNAME,
            defaults={"is_active": False, "password": make_password(None), "first_name": "Exchange desk"},
        )
        Account.objects.select_for_update().get(pk=desk.pk)  # two first exchanges open one account, not two
        found = BankAccount.objects.filter(owner=desk, currency=currency).order_by("pk").first()
        return found or open_bank_account(owner=desk, currency=currency)


def fund_exchange_desk(*, currency: str, amount: Decimal, funded_by: Account) -> Receipt:
    """Back office puts the bank's own money on the desk's account in ``currency`` (audited)."""
    with transaction.atomic():
        receipt = deposit(
            bank_account=exchange_desk_account(currency=currency),
            amount=amount,
            description=_("The bank's own funds for currency exchange"),
        )
        record_event(
            actor=funded_by,
            action=AuditAction.EXCHANGE,
            target=receipt.bank_account,
            summary=f"exchange desk funded: {receipt.amount} {currency}",
        )
    return receipt


def _customer_accounts(*, account: Account, sell_from: str, buy_to: str) -> tuple[BankAccount, BankAccount]:
    found = {a.number: a for a in BankAccount.objects.filter(owner=account, number__in=[sell_from, buy_to])}
    for number in (sell_from, buy_to):
        if number not in found:
            raise UnknownAccount(_("You have no account %(number)s.") % {"number": number})
    return found[sell_from], found[buy_to]


def _check(*, sell_from: BankAccount, buy_to: BankAccount, sold: Decimal, bought: Decimal) -> None:
    """The rules an exchange is refused by, at the quote and again on the locked rows."""
    for bank_account in (sell_from, buy_to):
        if bank_account.is_closed:
            raise AccountClosed(_("Account %(number)s is closed.") % {"number": bank_account.number})
    if bought < MINOR_UNIT:
        raise ExchangeError(_("The amount is too small to exchange: you would get less than one kopeck or cent."))
    if bought > MAX_AMOUNT:
        raise ExchangeError(_("The amount is too large."))
    if sell_from.balance < sold:
        raise InsufficientFunds(
            _("Not enough money: the balance is %(balance)s.")
            % {"balance": money(sell_from.balance, sell_from.currency)}
        )


def quote_exchange(*, account: Account, sell_from: str, buy_to: str, amount: str | Decimal) -> Quote:
    """What exchanging ``amount`` from one of the customer's accounts to another would give at today's rate."""
    sold = parse_amount(amount)
    if sell_from == buy_to:
        raise ExchangeError(_("Choose two different accounts."))
    source, target = _customer_accounts(account=account, sell_from=sell_from, buy_to=buy_to)
    if source.currency == target.currency:
        raise ExchangeError(
            _("Both accounts are in %(currency)s; choose accounts in two currencies.") % {"currency": source.currency}
        )
    rate = rate_in_force(sold_currency=source.currency, bought_currency=target.currency)
    bought = convert(rate=rate, sold_currency=source.currency, amount=sold)
    _check(sell_from=source, buy_to=target, sold=sold, bought=bought)
    return Quote(sell_from=source, buy_to=target, rate=rate, sold=sold, bought=bought)


def exchange(
    *,
    initiated_by: Account,
    sell_from: str,
    buy_to: str,
    amount: str | Decimal,
    rate_id: int,
    idempotency_key: uuid.UUID,
) -> Exchange:
    """Make the exchange the customer confirmed, at the rate they were shown (``rate_id``).

    Refused with ``StaleRate`` when another rate has come into force since. The four rows (the customer's two
    accounts and the desk's two) are locked in the order of their primary keys, like a payment's. A repeated
    idempotency key returns the exchange already made instead of exchanging twice.
    """
    sold = parse_amount(amount)
    done = _already_made(initiated_by=initiated_by, idempotency_key=idempotency_key)
    if done is not None:  # a confirmation sent again: whatever the balances and rates are now, it is done
        return _same_or_refuse(done, sell_from=sell_from, buy_to=buy_to, sold=sold)
    quote = quote_exchange(account=initiated_by, sell_from=sell_from, buy_to=buy_to, amount=sold)
    desk_sells_from = exchange_desk_account(currency=quote.sell_from.currency)
    desk_buys_to = exchange_desk_account(currency=quote.buy_to.currency)
    try:
        with transaction.atomic():
            locked = {
                row.pk: row
                for row in BankAccount.objects.select_for_update()
                .filter(pk__in=[quote.sell_from.pk, quote.buy_to.pk, desk_sells_from.pk, desk_buys_to.pk])
                .order_by("pk")
            }
            source, target = locked[quote.sell_from.pk], locked[quote.buy_to.pk]
            desk_in, desk_out = locked[desk_sells_from.pk], locked[desk_buys_to.pk]
            # Looked for again under the locks: a twin request that held them first has committed by now.
            done = _already_made(initiated_by=initiated_by, idempotency_key=idempotency_key)
            if done is not None:
                return _same_or_refuse(done, sell_from=sell_from, buy_to=buy_to, sold=sold)
            rate = rate_in_force(sold_currency=source.currency, bought_currency=target.currency)
            if rate.pk != rate_id:
                raise StaleRate(_("The exchange rate has changed. Check the new amounts and confirm again."))
            bought = convert(rate=rate, sold_currency=source.currency, amount=quote.sold)
            _check(sell_from=source, buy_to=target, sold=quote.sold, bought=bought)
            if desk_out.balance < bought:
                raise DeskShort(
                    _("The bank cannot sell that much %(currency)s right now; try a smaller amount.")
                    % {"currency": target.currency}
                )
            description = _("Currency exchange: %(sold)s → %(bought)s") % {
                "sold": money(quote.sold, source.currency),
                "bought": money(bought, target.currency),
            }
            legs = [
                post_transfer(
                    payer=payer,
                    payee=payee,
                    amount=value,
                    initiated_by=initiated_by,
                    idempotency_key=uuid.uuid5(idempotency_key, side),
                    comment=description,
                    payer_description=description,
                    payee_description=description,
                )
                for payer, payee, value, side in (
                    (source, desk_in, quote.sold, "sold"),
                    (desk_out, target, bought, "bought"),
                )
            ]
            made = Exchange.objects.create(
                initiated_by=initiated_by,
                idempotency_key=idempotency_key,
                rate=rate,
                sold_leg=legs[0],
                bought_leg=legs[1],
            )
            record_event(
                actor=initiated_by,
                action=AuditAction.EXCHANGE,
                target=made,
                summary=f"{quote.sold} {source.currency} → {bought} {target.currency} at rate #{rate.pk}: "
                f"{source.masked_number} → {target.masked_number}",
            )
            return made
    except IntegrityError:
        # The same confirmation was sent twice at once and the other request won the unique key.
        done = _already_made(initiated_by=initiated_by, idempotency_key=idempotency_key)
        if done is None:
            raise
        return _same_or_refuse(done, sell_from=sell_from, buy_to=buy_to, sold=sold)


def _already_made(*, initiated_by: Account, idempotency_key: uuid.UUID) -> Exchange | None:
    return (
        Exchange.objects.select_related("sold_leg__payer", "bought_leg__payee", "rate")
        .filter(initiated_by=initiated_by, idempotency_key=idempotency_key)
        .first()
    )


def _same_or_refuse(done: Exchange, *, sell_from: str, buy_to: str, sold: Decimal) -> Exchange:
    if (done.sold_leg.payer.number, done.bought_leg.payee.number, done.sold_leg.amount) != (sell_from, buy_to, sold):
        raise IdempotencyKeyReused(_("This exchange form was already used for another exchange; open a new one."))
    return done
