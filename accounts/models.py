"""People and their logins: clients, workers and the online-banking accounts (AUTH_USER_MODEL)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.phones import PHONE_HELP, PhoneField, e164_condition


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    phone = PhoneField(_("phone"), blank=True, help_text=PHONE_HELP)

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
            models.CheckConstraint(condition=e164_condition("phone", blank=True), name="client_phone_e164"),
        ]


class Worker(Person):
    position = models.CharField(_("position"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["surname", "name", "patronymic"]
        constraints = [
            models.CheckConstraint(condition=e164_condition("phone", blank=True), name="worker_phone_e164"),
        ]


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

    def save(self, *args, **kwargs) -> None:
        # set_password() keeps the new password in _password until the next save (Django's own hook).
        password_changed = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.signals import password_changed as signal

            signal.send(sender=Account, account=self)
