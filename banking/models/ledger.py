"""Bank accounts and the ledger: transfers between them and the immutable receipts they write."""

from __future__ import annotations

import uuid
from typing import Final

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from banking.currencies import Currency
from core.money import MONEY, MoneyColumn

ACCOUNT_NUMBER_LENGTH = 20  # the Russian 20-digit account number
NICKNAME_MAX_LENGTH = 40


class BankAccountKind(models.TextChoices):
    CURRENT = "current", _("current account")
    SAVINGS = "savings", _("savings account")
    CARD = "card", _("card account")


class BankAccount(models.Model):
    Kind = BankAccountKind

    number = models.CharField(_("account number"), max_length=ACCOUNT_NUMBER_LENGTH, unique=True)
    owner = models.ForeignKey(Account, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="bank_accounts")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    kind = models.CharField(_("type"), max_length=8, choices=BankAccountKind.choices, default=BankAccountKind.CURRENT)
    balance = models.DecimalField(_("balance"), **MONEY, default=0)
    # The customer's own name for the account ("Salary", "Holidays"), shown instead of the bare currency.
    nickname = models.CharField(_("nickname"), max_length=NICKNAME_MAX_LENGTH, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="bank_account_balance_not_negative"),
            models.CheckConstraint(condition=Q(currency__in=Currency.values), name="bank_account_currency_iso4217"),
            models.CheckConstraint(condition=Q(kind__in=BankAccountKind.values), name="bank_account_kind_valid"),
            models.CheckConstraint(
                condition=Exact(Length("number"), ACCOUNT_NUMBER_LENGTH), name="bank_account_number_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.currency})"

    @property
    def masked_number(self) -> str:
        return f"•••• {self.number[-4:]}"

    @property
    def title(self) -> str:
        """What the customer calls the account: their nickname, else the currency's name."""
        return self.nickname or str(self.get_currency_display())


class Transfer(models.Model):
    """A payment from one bank account to another; it writes a debit and a credit receipt."""

    payer = models.ForeignKey(
        BankAccount, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="outgoing_transfers"
    )
    payee = models.ForeignKey(
        BankAccount, verbose_name=_("payee"), on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    initiated_by = models.ForeignKey(
        Account, verbose_name=_("initiated by"), on_delete=models.PROTECT, related_name="transfers"
    )
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(payer=models.F("payee")), name="transfer_between_two_accounts"),
            models.UniqueConstraint(fields=["initiated_by", "idempotency_key"], name="transfer_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payer.number} → {self.payee.number}: {self.amount}"


class ReceiptKind(models.TextChoices):
    DEBIT = "debit", _("debit")
    CREDIT = "credit", _("credit")


class Receipt(models.Model):
    """One immutable ledger entry; the balance it left behind makes a statement self-checking."""

    Kind = ReceiptKind

    bank_account = models.ForeignKey(
        BankAccount, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="receipts"
    )
    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfer"), on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bank_account", "created_at"], name="receipt_account_time")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="receipt_balance_after_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=ReceiptKind.values), name="receipt_kind_valid"),
            models.UniqueConstraint(
                fields=["transfer", "kind"], condition=Q(transfer__isnull=False), name="receipt_one_side_per_transfer"
            ),
        ]

    def __str__(self) -> str:
        sign = "−" if self.kind == self.Kind.DEBIT else "+"
        return f"{sign}{self.amount} {self.bank_account.currency}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("receipts are immutable once written")
        super().save(*args, **kwargs)

    @property
    def signed_amount(self):
        return -self.amount if self.kind == self.Kind.DEBIT else self.amount


# Items 4 and 5 of issue 15: exchange between a customer's own accounts, and reversal (storno) of a transfer.

RATE: Final = MoneyColumn(max_digits=18, decimal_places=6)  # up to 10^12 units of the quote currency per unit


class ExchangeRate(models.Model):
    """What the bank pays (buy) and asks (sell), in the quote currency, for one unit of the base currency.

    A rate holds from ``valid_from`` until a newer one of the same pair; rows are never edited, so each
    exchange names the rate it was made at. Set by back office through ``banking.exchange.set_exchange_rate``.
    """

    base = models.CharField(_("base currency"), max_length=3, choices=Currency.choices)
    quote = models.CharField(_("quote currency"), max_length=3, choices=Currency.choices)
    buy = models.DecimalField(_("bank buys at"), **RATE)
    sell = models.DecimalField(_("bank sells at"), **RATE)
    valid_from = models.DateTimeField(_("valid from"))
    set_by = models.ForeignKey(Account, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(buy__gt=0), name="exchange_rate_buy_positive"),
            models.CheckConstraint(condition=Q(sell__gte=models.F("buy")), name="exchange_rate_sell_not_below_buy"),
            models.CheckConstraint(condition=~Q(base=models.F("quote")), name="exchange_rate_two_currencies"),
            models.CheckConstraint(
                condition=Q(base__in=Currency.values) & Q(quote__in=Currency.values), name="exchange_rate_iso4217"
            ),
            models.UniqueConstraint(fields=["base", "quote", "valid_from"], name="exchange_rate_one_per_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.base}/{self.quote} {self.buy}/{self.sell}"


class Exchange(models.Model):
    """A customer's exchange: two transfers made together, through the bank's exchange desk.

    ``sold_leg`` takes the customer's money to the desk's account in that currency, ``bought_leg`` pays the
    desk's money in the other currency to the customer's account; both have their receipts.
    """

    initiated_by = models.ForeignKey(
        Account, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="exchanges"
    )
    idempotency_key = models.UUIDField(_("idempotency key"))
    rate = models.ForeignKey(ExchangeRate, verbose_name=_("rate"), on_delete=models.PROTECT, related_name="exchanges")
    sold_leg = models.OneToOneField(
        Transfer, verbose_name=_("sold"), on_delete=models.PROTECT, related_name="exchange_sold"
    )
    bought_leg = models.OneToOneField(
        Transfer, verbose_name=_("bought"), on_delete=models.PROTECT, related_name="exchange_bought"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("currency exchange")
        verbose_name_plural = _("currency exchanges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["initiated_by", "idempotency_key"], name="exchange_idempotency_key_unique"),
            models.CheckConstraint(condition=~Q(sold_leg=models.F("bought_leg")), name="exchange_two_legs"),
        ]

    def __str__(self) -> str:
        sold, bought = self.sold_leg, self.bought_leg
        return f"{sold.amount} {sold.payer.currency} → {bought.amount} {bought.payee.currency}"


class ReversalStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    REVERSED = "reversed", _("reversed")
    CLAIM = "claim", _("claim")


class Reversal(models.Model):
    """A storno of a transfer (maker–checker): proposed with a reason by one staff member, decided by another.

    The original transfer is never edited: approval writes an opposite transfer (payee to payer) with its own
    receipts. When the payee's balance no longer covers the amount, the approval makes the reversal a claim
    against the payee instead, and no money moves.
    """

    Status = ReversalStatus

    original = models.OneToOneField(
        Transfer, verbose_name=_("transfer"), on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(Account, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        Account, verbose_name=_("approved by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("approved"), null=True, blank=True)
    reversing_transfer = models.ForeignKey(
        Transfer,
        verbose_name=_("reversing transfer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reverses",
    )

    class Meta:
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("propose_reversal", _("Can propose a reversal of a transfer")),
            ("approve_reversal", _("Can approve a reversal proposed by someone else")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReversalStatus.values), name="reversal_status_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="reversal_reason_given"),
            # Maker–checker: whoever proposed cannot be the one who decides.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="reversal_checker_not_maker",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=ReversalStatus.PROPOSED,
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                    reversing_transfer__isnull=True,
                )
                | Q(
                    status=ReversalStatus.REVERSED,
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                    reversing_transfer__isnull=False,
                )
                | Q(
                    status=ReversalStatus.CLAIM,
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                    reversing_transfer__isnull=True,
                ),
                name="reversal_decision_consistent",
            ),
            models.UniqueConstraint(
                fields=["reversing_transfer"],
                condition=Q(reversing_transfer__isnull=False),
                name="reversal_one_reversing_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.original_id}"
