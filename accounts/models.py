"""Clients, workers, their online-banking logins, bank accounts and the ledger of receipts."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.currencies import Currency

MONEY = {"max_digits": 18, "decimal_places": 2}
ACCOUNT_NUMBER_LENGTH = 20  # the Russian 20-digit account number


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)


class Client(Person):
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    preferences = models.TextField(_("preferences"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["surname", "name", "patronymic"]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="client_sex_valid"),
            models.CheckConstraint(condition=~Q(email=""), name="client_email_not_empty"),
        ]


class Worker(Person):
    position = models.CharField(_("position"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["surname", "name", "patronymic"]


class Account(AbstractUser):
    """An online-banking login: a client's, or a worker's (who may hold several with different roles)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(worker__isnull=True), name="account_client_or_worker_not_both"
            ),
        ]

    @property
    def is_customer(self) -> bool:
        return self.client_id is not None


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
