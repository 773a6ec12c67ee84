"""Bank accounts and the ledger: transfers between them and the immutable receipts they write."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from banking.currencies import Currency
from core.money import MONEY

ACCOUNT_NUMBER_LENGTH = 20  # the Russian 20-digit account number


class BankAccount(models.Model):
    number = models.CharField(_("account number"), max_length=ACCOUNT_NUMBER_LENGTH, unique=True)
    owner = models.ForeignKey(Account, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="bank_accounts")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    balance = models.DecimalField(_("balance"), **MONEY, default=0)
    is_closed = models.BooleanField(_("closed"), default=False)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="bank_account_balance_not_negative"),
            models.CheckConstraint(condition=Q(currency__in=Currency.values), name="bank_account_currency_iso4217"),
            models.CheckConstraint(
                condition=Exact(Length("number"), ACCOUNT_NUMBER_LENGTH), name="bank_account_number_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.currency})"

    @property
    def masked_number(self) -> str:
        return f"•••• {self.number[-4:]}"


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
