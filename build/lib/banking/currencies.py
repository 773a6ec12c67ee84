"""ISO 4217 currencies the bank keeps accounts in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    CNY = "CNY", _("Chinese yuan")
    GBP = "GBP", _("Pound sterling")
    CHF = "CHF", _("Swiss franc")
    KZT = "KZT", _("Kazakhstani tenge")
    BYN = "BYN", _("Belarusian rouble")
    AED = "AED", _("UAE dirham")
    TRY = "TRY", _("Turkish lira")
