"""Every write on clients, accounts and money. Money moves only through these functions."""

from __future__ import annotations

import re
import secrets
import uuid
from decimal import Decimal

from django.db import IntegrityError, router, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from banking import ledger_statements
from banking.currencies import Currency
from banking.ledger import post_transfer
from banking.models import BankAccount, BankAccountKind, Receipt, ReceiptKind, Transfer
from banking.signals import announce_credit

MAX_AMOUNT = Decimal("9999999999999999.99")  # what DecimalField(18, 2) holds

# ISO 4217 numeric codes, which the Russian account number carries in digits 6-8 (roubles as 810).
_NUMERIC_CURRENCY = {
    Currency.RUB: "810",
    Currency.USD: "840",
    Currency.EUR: "978",
    Currency.CNY: "156",
    Currency.GBP: "826",
    Currency.CHF: "756",
    Currency.KZT: "398",
    Currency.BYN: "933",
    Currency.AED: "784",
    Currency.TRY: "949",
}


class PaymentError(Exception):
    """A payment was refused; the message says why, in words a customer understands."""


class InvalidAmount(PaymentError):
    pass


class UnknownAccount(PaymentError):
    pass


class AccountClosed(PaymentError):
    pass


class SameAccount(PaymentError):
    pass


class CurrencyMismatch(PaymentError):
    pass


class InsufficientFunds(PaymentError):
    pass


class IdempotencyKeyReused(PaymentError):
    pass


# ASCII digits only, one optional sign, at most one decimal separator: no exponent ("1e1"), no underscore
# ("1_0"), no Arabic-Indic ("١٠") or full-width ("１０") digits, which Decimal() would all read as 10.
_WRITTEN_AMOUNT = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def parse_amount(raw: str | Decimal) -> Decimal:
    """A positive amount with at most two decimals; a comma is accepted as the decimal sign.

    Every interface that reads an amount (payment, exchange, the services themselves) goes through here.
    """
    if isinstance(raw, Decimal):
        amount = raw
    else:
        # Digit groups may be separated by any space ("1 500,50", or the no-break spaces of formatted numbers).
        written = "".join(str(raw).split())
        if not _WRITTEN_AMOUNT.fullmatch(written):
            raise InvalidAmount(_("Enter the amount as a number, for example 1500.50."))
        amount = Decimal(written.replace(",", "."))
    if not amount.is_finite():
        raise InvalidAmount(_("Enter the amount as a number, for example 1500.50."))
    if amount <= 0:
        raise InvalidAmount(_("The amount must be greater than zero."))
    # Checked before quantize(), which raises InvalidOperation on numbers wider than the decimal context.
    if amount > MAX_AMOUNT:
        raise InvalidAmount(_("The amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidAmount(_("The amount can have at most two digits after the decimal point."))
    return amount.quantize(Decimal("0.01"))


def _new_account_number(currency: str) -> str:
    return "40817" + _NUMERIC_CURRENCY[Currency(currency)] + "".join(secrets.choice("0123456789") for _ in range(12))


def open_bank_account(
    *, owner: Account, currency: str, kind: str = BankAccountKind.CURRENT, opening_deposit: Decimal = Decimal("0")
) -> BankAccount:
    if currency not in Currency.values:
        raise PaymentError(_("Unknown currency %(code)s.") % {"code": currency})
    if kind not in BankAccountKind.values:
        raise PaymentError(_("Unknown type of bank account."))
    with transaction.atomic():
        while True:
            number = _new_account_number(currency)
            if not BankAccount.objects.filter(number=number).exists():
                break
        bank_account = BankAccount.objects.create(owner=owner, currency=currency, kind=kind, number=number)
        if opening_deposit:
            deposit(bank_account=bank_account, amount=opening_deposit, description=_("Opening deposit"))
            bank_account.refresh_from_db(fields=["balance"])
    return bank_account


def close_bank_account(*, bank_account: BankAccount, actor: Account | None) -> BankAccount:
    """Close a bank account for good: no payment reaches or leaves it afterwards. Audited.

    Refused while it holds money (the customer moves it out first) and for an account already closed.
    ``bank_account`` is updated in place.
    """
    with transaction.atomic():
        locked = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
        if locked.is_closed:
            raise AccountClosed(_("Account %(number)s is already closed.") % {"number": locked.number})
        if locked.balance != 0:
            raise PaymentError(
                _("Account %(number)s still holds %(balance)s %(currency)s: move the money out before closing it.")
                % {
                    "number": locked.number,
                    "balance": number_format(locked.balance, 2, force_grouping=True),
                    "currency": locked.currency,
                }
            )
        locked.is_closed = True
        locked.save(update_fields=["is_closed"])
        record_event(
            actor=actor,
            action=AuditAction.BANK_ACCOUNT_CLOSE,
            target=locked,
            summary=f"{locked.masked_number} ({locked.currency}) closed",
        )
    bank_account.is_closed = True
    return bank_account


def deposit(*, bank_account: BankAccount, amount: Decimal, description: str) -> Receipt:
    """Money arriving from outside the bank (cash, salary): a credit receipt and nothing debited."""
    amount = parse_amount(amount)
    with transaction.atomic():
        locked = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
        if locked.is_closed:
            raise AccountClosed(_("Account %(number)s is closed.") % {"number": locked.number})
        locked.balance += amount
        locked.save(update_fields=["balance"])
        made = Receipt.objects.create(
            bank_account=locked,
            kind=ReceiptKind.CREDIT,
            amount=amount,
            balance_after=locked.balance,
            description=description,
        )
        announce_credit(receipt=made)
        return made


def transfer(
    *,
    initiated_by: Account,
    payer_number: str,
    payee_number: str,
    amount: str | Decimal,
    idempotency_key: uuid.UUID,
    comment: str = "",
) -> Transfer:
    """Pay from one of the initiator's own accounts to any account in the same currency.

    Both rows are locked in the order of their primary keys, so two opposite transfers cannot
    deadlock. A repeated idempotency key returns the transfer already made instead of paying twice: the
    key's unique constraint refuses the second row, so the key is looked up only when a payment is refused
    (sent again after it emptied or closed an account, or at the same time as the first), not on every one.
    """
    amount = parse_amount(amount)
    payer_number, payee_number = payer_number.strip(), payee_number.strip()
    try:
        with transaction.atomic():
            if payer_number == payee_number:
                raise SameAccount(_("Choose a different account to pay to: it is the account you pay from."))
            pair = ledger_statements.locked_pair(router.db_for_write(BankAccount))
            locked = {account.number: account for account in pair.all(first=payer_number, second=payee_number)}
            payer, payee = locked.get(payer_number), locked.get(payee_number)
            check_payment(
                initiated_by=initiated_by,
                payer=payer,
                payer_number=payer_number,
                payee=payee,
                payee_number=payee_number,
                amount=amount,
            )
            assert payer is not None and payee is not None  # for mypy: check_payment refused a missing one
            description = comment.strip()
            made = post_transfer(
                payer=payer,
                payee=payee,
                amount=amount,
                initiated_by=initiated_by,
                idempotency_key=idempotency_key,
                comment=description,
                payer_description=description[:200] or _("Payment to %(number)s") % {"number": payee.number},
                payee_description=description[:200] or _("Payment from %(number)s") % {"number": payer.number},
            )
            record_event(
                actor=initiated_by,
                action=AuditAction.PAYMENT,
                target=made,
                summary=f"{amount} {payer.currency}: {payer.masked_number} → {payee.masked_number}",
            )
            return made
    except (IntegrityError, PaymentError):
        # Sent again (now, or at the same time as the first, which won the unique key): the payment made.
        done = already_made(initiated_by=initiated_by, idempotency_key=idempotency_key)
        if done is None:
            raise
        return _same_or_refuse(done, payer_number=payer_number, payee_number=payee_number, amount=amount)


def check_payment(
    *,
    initiated_by: Account,
    payer: BankAccount | None,
    payer_number: str,
    payee: BankAccount | None,
    payee_number: str,
    amount: Decimal,
) -> None:
    """The rules a payment is refused by: on the confirmation page, and again on the locked rows.

    The paying account must be the initiator's own: the service holds this rule itself, whoever calls it
    (the payment form, a template, a payment by phone).
    """
    if payer is None or payer.owner_id != initiated_by.pk:
        raise UnknownAccount(_("You have no account %(number)s.") % {"number": payer_number})
    if payee is None:
        raise UnknownAccount(_("There is no account %(number)s.") % {"number": payee_number})
    if payer.pk == payee.pk:
        raise SameAccount(_("Choose a different account to pay to: it is the account you pay from."))
    for account in (payer, payee):
        if account.is_closed:
            raise AccountClosed(_("Account %(number)s is closed.") % {"number": account.number})
    if payer.currency != payee.currency:
        raise CurrencyMismatch(
            _("Account %(payee)s is in %(payee_currency)s, but you pay in %(payer_currency)s.")
            % {"payee": payee.number, "payee_currency": payee.currency, "payer_currency": payer.currency}
        )
    if payer.balance < amount:
        raise InsufficientFunds(
            _("Not enough money: the balance is %(balance)s %(currency)s.")
            % {"balance": number_format(payer.balance, 2, force_grouping=True), "currency": payer.currency}
        )


def already_made(*, initiated_by: Account, idempotency_key: uuid.UUID) -> Transfer | None:
    return (
        Transfer.objects.select_related("payer", "payee")
        .filter(initiated_by=initiated_by, idempotency_key=idempotency_key)
        .first()
    )


def _same_or_refuse(done: Transfer, *, payer_number: str, payee_number: str, amount: Decimal) -> Transfer:
    if (done.payer.number, done.payee.number, done.amount) != (payer_number, payee_number, amount):
        raise IdempotencyKeyReused(_("This payment form was already used for another payment; open a new one."))
    return done
