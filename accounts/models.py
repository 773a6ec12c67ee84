"""People and their logins: clients, workers and the online-banking accounts (AUTH_USER_MODEL)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY
from core.phones import PHONE_HELP, PhoneField, e164_condition


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


# Nobody the bank employs or calls was born before this day (the database holds it too).
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
# A worker is of working age: 14 in Russian labour law (with a parent's consent), hardly over 100.
WORKER_AGE_YEARS = (14, 100)


def validate_worker_birth_date(value: dt.date) -> None:
    """Refuses a birth date that makes the worker younger than 14 or older than 100 today (form-level; the
    database holds the fixed part: not before 1900, and before the day the worker was hired)."""
    today = timezone.localdate()
    youngest, oldest = WORKER_AGE_YEARS
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if not youngest <= age <= oldest:
        raise ValidationError(
            _("A worker is from %(youngest)s to %(oldest)s years old; check the date of birth."),
            code="implausible_birth_date",
            params={"youngest": youngest, "oldest": oldest},
        )


def sex_condition(field: str = "sex", *, blank: bool = False) -> Q:
    """CHECK: the sex is one of the known ones (or not given, where it may be left out)."""
    return Q(**{f"{field}__in": [*Sex.values, *([""] if blank else [])]})


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
            models.CheckConstraint(condition=sex_condition(), name="client_sex_valid"),
            models.CheckConstraint(condition=~Q(email=""), name="client_email_not_empty"),
            models.CheckConstraint(condition=e164_condition("phone", blank=True), name="client_phone_e164"),
        ]


class Worker(Person):
    position = models.CharField(_("position"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_worker_birth_date])
    # Personal data of the strictest kind here: administrators only (accounts.view_worker_salary), never
    # written to logs, audit payloads or exports.
    salary = models.DecimalField(
        _("salary"), **MONEY, null=True, blank=True, help_text=_("Monthly, in roubles, before tax.")
    )

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["surname", "name", "patronymic"]
        permissions = [("view_worker_salary", _("Can see and set workers' salaries"))]
        constraints = [
            models.CheckConstraint(condition=e164_condition("phone", blank=True), name="worker_phone_e164"),
            models.CheckConstraint(condition=sex_condition(blank=True), name="worker_sex_valid"),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__gte=EARLIEST_BIRTH_DATE),
                name="worker_birth_date_plausible",
                violation_error_message=_("Check the date of birth."),
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(hired_on__isnull=True) | Q(birth_date__lt=F("hired_on")),
                name="worker_born_before_hired",
                violation_error_message=_("A worker is born before being hired."),
            ),
            models.CheckConstraint(
                condition=Q(salary__isnull=True) | Q(salary__gte=0),
                name="worker_salary_not_negative",
                violation_error_message=_("A salary cannot be negative."),
            ),
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
