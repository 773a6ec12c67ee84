"""Consent to advertising (Federal Law 38-FZ "On Advertising", art. 18) and the system-wide do-not-call list.

Advertising by telephone, SMS or e-mail needs the person's prior consent, which they may withdraw at any
time. A consent is kept per channel and address (a phone number in E.164 for calls and SMS, an e-mail
address for e-mail), linked to the bank's client when the person is one; its history (each grant and
withdrawal, by whom) is in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Client
from core.phones import PHONE_HELP, PhoneField, e164_condition


class ContactChannel(models.TextChoices):
    CALLS = "calls", _("calls")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")


PHONE_CHANNELS = (ContactChannel.CALLS, ContactChannel.SMS)


class ConsentSource(models.TextChoices):
    """Where a person gave or withdrew consent: what the evidence refers to."""

    WEBSITE = "website", _("on the website")
    CALL = "call", _("during a call")
    PAPER = "paper", _("signed form")
    BACK_OFFICE = "back_office", _("told the back office")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("unsubscribe link")


class Consent(models.Model):
    """One person's consent to advertising on one channel: given (source, time, evidence), or withdrawn."""

    Channel = ContactChannel
    Source = ConsentSource

    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    address = models.CharField(
        _("phone or e-mail"), max_length=254, help_text=_("A phone number in E.164 for calls and SMS, else an e-mail.")
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    granted_at = models.DateTimeField(_("given"), null=True, blank=True)
    source = models.CharField(_("given how"), max_length=20, choices=ConsentSource.choices, blank=True)
    evidence = models.CharField(
        _("evidence"),
        max_length=500,
        blank=True,
        help_text=_("What proves it: the form's number, the call recording, the page and address it was given from."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_source = models.CharField(_("withdrawn how"), max_length=20, choices=ConsentSource.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("consent to advertising")
        verbose_name_plural = _("consents to advertising")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["client", "channel"], name="consent_client_channel")]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="consent_once_per_address"),
            models.CheckConstraint(condition=Q(channel__in=ContactChannel.values), name="consent_channel_valid"),
            models.CheckConstraint(
                condition=(Q(channel__in=PHONE_CHANNELS) & e164_condition("address"))
                | (Q(channel=ContactChannel.EMAIL) & Q(address__contains="@")),
                name="consent_address_fits_channel",
            ),
            models.CheckConstraint(
                condition=Q(granted_at__isnull=True, source="", evidence="")
                | (Q(granted_at__isnull=False, source__in=ConsentSource.values) & ~Q(evidence="")),
                name="consent_given_with_evidence",
                violation_error_message=_("A consent needs its source and evidence."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_source="")
                | Q(withdrawn_at__isnull=False, withdrawal_source__in=ConsentSource.values),
                name="consent_withdrawal_has_source",
            ),
            models.CheckConstraint(
                condition=Q(granted_at__isnull=False) | Q(withdrawn_at__isnull=False),
                name="consent_given_or_refused",
            ),
            models.CheckConstraint(
                condition=Q(granted_at__isnull=True)
                | Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=F("granted_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} — {self.get_channel_display()}"

    @property
    def active(self) -> bool:
        return self.granted_at is not None and self.withdrawn_at is None


class DoNotCallSource(models.TextChoices):
    CALL = "call", _("asked during a call")
    WEBSITE = "website", _("asked on the website")
    BACK_OFFICE = "back_office", _("the back office")


class DoNotCall(models.Model):
    """A phone number the bank never calls nor texts, in any campaign: the system-wide do-not-call list."""

    phone = PhoneField(_("phone"), unique=True, help_text=PHONE_HELP)
    source = models.CharField(_("how"), max_length=20, choices=DoNotCallSource.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("on the list since"), auto_now_add=True)

    class Meta:
        verbose_name = _("do-not-call number")
        verbose_name_plural = _("do-not-call list")
        ordering = ["-added_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=e164_condition("phone"), name="do_not_call_phone_e164"),
            models.CheckConstraint(condition=Q(source__in=DoNotCallSource.values), name="do_not_call_source_valid"),
        ]

    def __str__(self) -> str:
        return self.phone
