"""What a payment needs before it is made: back office's code threshold, one-time codes, saved templates."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from banking.models.ledger import BankAccount
from core.money import MONEY

CODE_TRIES = 3  # wrong codes allowed for one payment, over all the codes sent for it
CODE_SENDS = 3  # codes sent for one payment: the first and two more on request
DEFAULT_CODE_THRESHOLD = Decimal("10000.00")
SALT_LENGTH = 32  # hex digits of 16 random bytes


class PaymentPolicy(models.Model):
    """Back office's one row of payment settings (made on first use, changed in the admin through a service)."""

    # The row's name: unique and only ever this, so there is one row (its identity is left to the database).
    scope = models.CharField(_("scope"), max_length=10, default="bank", unique=True, editable=False)
    # Payments worth more than this many roubles (others at the bank's selling rate) need a one-time code.
    code_threshold = models.DecimalField(
        _("one-time code above, ₽"),
        **MONEY,
        default=DEFAULT_CODE_THRESHOLD,
        help_text=_(
            "Payments worth more than this (in roubles; other currencies at the bank's selling rate) "
            "are confirmed with a one-time code."
        ),
    )
    changed_by = models.ForeignKey(
        Account, verbose_name=_("changed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")
        constraints = [
            models.CheckConstraint(condition=Q(scope="bank"), name="payment_policy_one_row"),
            models.CheckConstraint(condition=Q(code_threshold__gte=0), name="payment_policy_threshold_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("payment settings"))


class PaymentChallenge(models.Model):
    """A payment the customer confirmed that waits for its one-time code.

    The code itself is nowhere: it is an HMAC (keyed with SECRET_KEY) of ``salt`` and of the payment, made
    again when the code is sent (``banking.confirmation.one_time_code``) and when it is checked. A new code
    is a new salt. ``delivery_key`` names the outbox delivery that carries the current code.
    """

    initiated_by = models.ForeignKey(Account, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(BankAccount, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(BankAccount, verbose_name=_("payee"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"))
    salt = models.CharField(_("salt"), max_length=SALT_LENGTH)
    delivery_key = models.CharField(_("delivery key"), max_length=32, unique=True)
    expires_at = models.DateTimeField(_("code valid until"))
    tries_left = models.PositiveSmallIntegerField(_("tries left"), default=CODE_TRIES)
    sends = models.PositiveSmallIntegerField(_("codes sent"), default=1)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment code")
        verbose_name_plural = _("payment codes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["initiated_by", "idempotency_key"], name="payment_challenge_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_challenge_amount_positive"),
            models.CheckConstraint(condition=~Q(payer=models.F("payee")), name="payment_challenge_two_accounts"),
            models.CheckConstraint(condition=Q(tries_left__lte=CODE_TRIES), name="payment_challenge_tries"),
            models.CheckConstraint(condition=Q(sends__gte=1, sends__lte=CODE_SENDS), name="payment_challenge_sends"),
            models.CheckConstraint(condition=Exact(Length("salt"), SALT_LENGTH), name="payment_challenge_salt"),
        ]

    def __str__(self) -> str:
        return f"{self.payer.masked_number} → {self.payee.masked_number}: {self.amount}"


class PaymentTemplate(models.Model):
    """A payment the customer saved to repeat: from one of their accounts, to an account number or a phone."""

    owner = models.ForeignKey(
        Account, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="payment_templates"
    )
    name = models.CharField(_("name"), max_length=60)
    payer = models.ForeignKey(BankAccount, verbose_name=_("from account"), on_delete=models.CASCADE, related_name="+")
    payee = models.CharField(_("recipient"), max_length=20, help_text=_("An account number, or a phone in E.164."))
    amount = models.DecimalField(_("amount"), **MONEY)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment template")
        verbose_name_plural = _("payment templates")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="payment_template_name_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_template_amount_positive"),
            models.CheckConstraint(condition=~Q(name=""), name="payment_template_named"),
        ]

    def __str__(self) -> str:
        return self.name
