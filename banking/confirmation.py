"""Paying in two steps, as a bank app does: what the confirmation page shows, and when a one-time code is needed.

``preview_payment`` checks a payment as ``transfer`` would and names the recipient as a bank shows them
("Иван Петрович С."); ``pay`` makes a confirmed payment that needs no code, and refuses one that does
(``CodeRequired``). A code is needed for a payment worth more than back office's threshold (roubles, other
currencies at the bank's selling rate) and for the first payment to an account of someone else; payments
between the customer's own accounts never need one.

The code itself is never stored: ``one_time_code`` derives it from the challenge's random salt and the payment
(payer, payee, amount, currency) with an HMAC keyed by SECRET_KEY, when it is sent and when it is checked, so it
is bound to that exact payment. ``outreach.transactional`` sends it through the outbox.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from banking.exchange import NoRate, rate_in_force
from banking.models import ACCOUNT_NUMBER_LENGTH, CODE_SENDS, CODE_TRIES, PaymentChallenge, PaymentPolicy, Transfer
from banking.models.ledger import BankAccount
from banking.services import (
    IdempotencyKeyReused,
    PaymentError,
    UnknownAccount,
    already_made,
    check_payment,
    parse_amount,
    transfer,
)
from core.phones import InvalidPhone, parse_phone
from core.text import name_shown_to_others

CODE_LIFETIME = datetime.timedelta(minutes=5)
CODE_DIGITS = 6
DELIVERY_KEY_PREFIX = "pay-"  # never the start of a uuid4().hex, the outbox's other keys
_HMAC_PURPOSE = "banking.confirmation.one_time_code"


class CodeRequired(PaymentError):
    """The payment needs a one-time code: the interface asks for one (``outreach.transactional`` sends it)."""


class CodeError(PaymentError):
    pass


class WrongCode(CodeError):
    pass


class CodeExpired(CodeError):
    pass


class TooManyTries(CodeError):
    pass


class NoMoreCodes(CodeError):
    pass


def recipient_name(payee: BankAccount) -> str:
    """The payee's owner as the payer may see them: a client's bank-style name, else the login's names."""
    owner = payee.owner
    client = owner.client
    if client is not None:
        return name_shown_to_others(name=client.name, patronymic=client.patronymic, surname=client.surname)
    return name_shown_to_others(name=owner.first_name, patronymic="", surname=owner.last_name)


def normalize_recipient(written: str) -> str:
    """What a customer typed as the recipient: a 20-digit account number (spaces allowed), or a phone in E.164."""
    digits = "".join(written.split())
    if len(digits) == ACCOUNT_NUMBER_LENGTH and digits.isascii() and digits.isdigit():
        return digits
    try:
        return parse_phone(written)
    except InvalidPhone:
        raise UnknownAccount(
            _("Enter the recipient's 20-digit account number or their phone number, for example +7 903 144-76-02.")
        ) from None


def resolve_payee(*, recipient: str, currency: str) -> BankAccount | None:
    """The account a payment to ``recipient`` (normalized) goes to: the account with that number, or the main
    account in ``currency`` (the first opened and still open) of the one customer with that phone."""
    if not recipient.startswith("+"):
        return BankAccount.objects.select_related("owner__client").filter(number=recipient).first()
    candidates = list(
        BankAccount.objects.select_related("owner__client")
        .filter(owner__client__phone=recipient, owner__is_active=True, currency=currency, is_closed=False)
        .order_by("opened_at", "pk")
    )
    if len({account.owner.client_id for account in candidates}) > 1:
        raise UnknownAccount(_("Several customers have this phone number; pay by account number."))
    if not candidates:
        raise UnknownAccount(
            _("No customer of the bank with this phone number has an account in %(currency)s.") % {"currency": currency}
        )
    return candidates[0]


@dataclass(frozen=True)
class PaymentPreview:
    """A payment as the confirmation page shows it; nothing has moved yet."""

    payer: BankAccount
    payee: BankAccount
    recipient: str  # normalized: what the customer typed, an account number or a phone
    amount: Decimal
    comment: str
    needs_code: bool

    @property
    def recipient_name(self) -> str:
        return recipient_name(self.payee)

    @property
    def balance_after(self) -> Decimal:
        return self.payer.balance - self.amount


def payment_policy() -> PaymentPolicy:
    """Back office's settings; the defaults until someone changes them."""
    return PaymentPolicy.objects.filter(scope="bank").first() or PaymentPolicy()


def set_code_threshold(*, amount: Decimal, actor: Account) -> PaymentPolicy:
    """Back office sets the amount (in roubles) above which a payment needs a one-time code. Audited."""
    if amount < 0:
        raise PaymentError(_("The threshold cannot be negative."))
    with transaction.atomic():
        policy, _created = PaymentPolicy.objects.select_for_update().get_or_create(scope="bank")
        before = policy.code_threshold
        policy.code_threshold, policy.changed_by = amount, actor
        policy.save()
        record_event(
            actor=actor,
            action=AuditAction.ADMIN_CHANGE,
            target=policy,
            summary=f"one-time code threshold: {before} → {amount} RUB",
        )
    return policy


def rouble_worth(*, amount: Decimal, currency: str) -> Decimal | None:
    """What ``amount`` costs in roubles at the bank's selling rate now; None when the bank has no such rate."""
    if currency == "RUB":
        return amount
    try:
        rate = rate_in_force(sold_currency="RUB", bought_currency=currency)
    except NoRate:
        return None
    return amount * rate.sell if rate.base == currency else amount / rate.buy


def code_needed(*, initiated_by: Account, payer: BankAccount, payee: BankAccount, amount: Decimal) -> bool:
    """Someone else's account paid for the first time, or more than the threshold: a one-time code is needed."""
    if payee.owner_id == initiated_by.pk:
        return False
    if not Transfer.objects.filter(initiated_by=initiated_by, payee=payee).exists():
        return True
    worth = rouble_worth(amount=amount, currency=payer.currency)
    return worth is None or worth > payment_policy().code_threshold


def preview_payment(
    *, initiated_by: Account, payer_number: str, recipient: str, amount: str | Decimal, comment: str = ""
) -> PaymentPreview:
    """Check a payment as ``transfer`` would, without moving money, for the confirmation page."""
    amount = parse_amount(amount)
    payer = BankAccount.objects.filter(number=payer_number.strip(), owner=initiated_by).first()
    recipient = normalize_recipient(recipient)
    payee = resolve_payee(recipient=recipient, currency=payer.currency) if payer is not None else None
    check_payment(
        initiated_by=initiated_by,
        payer=payer,
        payer_number=payer_number,
        payee=payee,
        payee_number=recipient,
        amount=amount,
    )
    assert payer is not None and payee is not None  # for mypy: check_payment refused a missing one
    return PaymentPreview(
        payer=payer,
        payee=payee,
        recipient=recipient,
        amount=amount,
        comment=comment.strip()[:200],
        needs_code=code_needed(initiated_by=initiated_by, payer=payer, payee=payee, amount=amount),
    )


def pay(
    *,
    initiated_by: Account,
    payer_number: str,
    recipient: str,
    amount: str | Decimal,
    idempotency_key: uuid.UUID,
    comment: str = "",
) -> Transfer:
    """Make a payment the customer confirmed; ``CodeRequired`` when it needs a one-time code first.

    A confirmation sent again (the same idempotency key) returns the payment already made.
    """
    done = already_made(initiated_by=initiated_by, idempotency_key=idempotency_key)
    if done is not None:  # sent again: transfer() returns it, or refuses another payment under this key
        payee_number = done.payee.number
    else:
        preview = preview_payment(
            initiated_by=initiated_by, payer_number=payer_number, recipient=recipient, amount=amount, comment=comment
        )
        if preview.needs_code:
            raise CodeRequired(_("Confirm this payment with the code we send you."))
        payee_number = preview.payee.number
    return transfer(
        initiated_by=initiated_by,
        payer_number=payer_number,
        payee_number=payee_number,
        amount=amount,
        idempotency_key=idempotency_key,
        comment=comment,
    )


def one_time_code(challenge: PaymentChallenge) -> str:
    """The code of a challenge: made again from its salt and its payment whenever it is needed, never stored."""
    payment = "|".join(
        (
            challenge.salt,
            str(challenge.initiated_by_id),
            challenge.payer.number,
            challenge.payee.number,
            f"{challenge.amount:.2f}",
            challenge.payer.currency,
        )
    )
    digest = salted_hmac(_HMAC_PURPOSE, payment, algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def _new_code(challenge: PaymentChallenge) -> None:
    challenge.salt = secrets.token_hex(16)
    challenge.delivery_key = DELIVERY_KEY_PREFIX + secrets.token_hex(14)
    challenge.expires_at = timezone.now() + CODE_LIFETIME


def start_challenge(
    *,
    initiated_by: Account,
    payer_number: str,
    recipient: str,
    amount: str | Decimal,
    idempotency_key: uuid.UUID,
    comment: str = "",
) -> PaymentChallenge:
    """The challenge of a payment that needs a code (``outreach.transactional`` sends the code).

    The same payment confirmed again (the same idempotency key) gets the challenge it has, with its code;
    another payment under that key is refused.
    """
    preview = preview_payment(
        initiated_by=initiated_by, payer_number=payer_number, recipient=recipient, amount=amount, comment=comment
    )
    with transaction.atomic():
        found = (
            PaymentChallenge.objects.select_for_update()
            .select_related("payer", "payee")
            .filter(initiated_by=initiated_by, idempotency_key=idempotency_key)
            .first()
        )
        if found is not None:
            if (found.payer_id, found.payee_id, found.amount) != (preview.payer.pk, preview.payee.pk, preview.amount):
                raise IdempotencyKeyReused(_("This payment form was already used for another payment; open a new one."))
            return found
        challenge = PaymentChallenge(
            initiated_by=initiated_by,
            payer=preview.payer,
            payee=preview.payee,
            amount=preview.amount,
            comment=preview.comment,
            idempotency_key=idempotency_key,
        )
        _new_code(challenge)
        challenge.save()
    return challenge


def _locked(*, initiated_by: Account, challenge_id: int) -> PaymentChallenge:
    """The customer's own challenge, locked; someone else's raises ``DoesNotExist``."""
    return (
        PaymentChallenge.objects.select_for_update()
        .select_related("payer", "payee")
        .get(pk=challenge_id, initiated_by=initiated_by)
    )


def _still_open(challenge: PaymentChallenge) -> None:
    if challenge.confirmed_at is not None:
        raise CodeError(_("This payment has already been made."))
    if challenge.tries_left <= 0:
        raise TooManyTries(_("Too many wrong codes: this payment is cancelled. Start it again."))


def renew_code(*, initiated_by: Account, challenge_id: int) -> PaymentChallenge:
    """A new code (new salt, five more minutes) for the same payment; the one sent before no longer works.

    The tries left stay as they were, so asking for codes gives no more guesses.
    """
    with transaction.atomic():
        challenge = _locked(initiated_by=initiated_by, challenge_id=challenge_id)
        _still_open(challenge)
        if challenge.sends >= CODE_SENDS:
            raise NoMoreCodes(
                _("Codes sent for this payment: %(count)d, the most we send. Start the payment again.")
                % {"count": challenge.sends}
            )
        _new_code(challenge)
        challenge.sends += 1
        challenge.save(update_fields=["salt", "delivery_key", "expires_at", "sends"])
    return challenge


def confirm_with_code(*, initiated_by: Account, challenge_id: int, code: str) -> Transfer:
    """Make the payment of a challenge when ``code`` is its current code, within five minutes and three tries.

    A wrong code uses up a try (kept even though the payment is refused); the third one cancels the payment.
    """
    with transaction.atomic():
        challenge = _locked(initiated_by=initiated_by, challenge_id=challenge_id)
        if challenge.confirmed_at is not None:
            return Transfer.objects.get(initiated_by=initiated_by, idempotency_key=challenge.idempotency_key)
        _still_open(challenge)
        if timezone.now() >= challenge.expires_at:
            raise CodeExpired(_("The code has expired. Ask for a new one."))
        if constant_time_compare(one_time_code(challenge), "".join(code.split())):
            challenge.confirmed_at = timezone.now()
            challenge.save(update_fields=["confirmed_at"])
            return transfer(
                initiated_by=initiated_by,
                payer_number=challenge.payer.number,
                payee_number=challenge.payee.number,
                amount=challenge.amount,
                idempotency_key=challenge.idempotency_key,
                comment=challenge.comment,
            )
        challenge.tries_left -= 1
        challenge.save(update_fields=["tries_left"])
        if challenge.tries_left == 0:
            record_event(
                actor=initiated_by,
                action=AuditAction.SECOND_FACTOR_FAILED,
                target=challenge,
                summary=f"payment cancelled after {CODE_TRIES} wrong codes: {challenge}",
            )
            refusal: CodeError = TooManyTries(_("Too many wrong codes: this payment is cancelled. Start it again."))
        else:
            refusal = WrongCode(_("Wrong code. Tries left: %(count)d.") % {"count": challenge.tries_left})
    raise refusal
