"""Phone numbers of leads, clients and workers: read as people write them, kept in E.164, shown as in Russia.

Google's libphonenumber (the ``phonenumbers`` package) knows every country's numbering plan: a number
without a country code is read as Russian (8 903 144-76-02, +7 903 144-76-02 and 903 144 76 02 are one
number), a number of another country needs + (or 00) and its code. What is stored is E.164
(``+79031447602``); what a person reads is the international format (``+7 903 144-76-02``).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext, gettext_lazy
from django_stubs_ext import StrOrPromise
from phonenumbers import timezone as phone_time_zones

DEFAULT_REGION = "RU"
RUSSIA_CODE = 7
RUSSIAN_NATIONAL_DIGITS = 10
E164_MIN_LENGTH = 8  # "+" and 7 digits (the shortest numbers of small island states)
E164_MAX_LENGTH = 16  # "+" and at most 15 digits
WRITTEN_MAX_LENGTH = 40  # what a form accepts as typed, brackets and spaces included

PHONE_HELP = gettext_lazy(
    "Any usual way: 8 903 144-76-02, +7 903 144-76-02; a foreign number with + and the country code."
)
PHONE_LABEL = gettext_lazy("phone")

# Digits, the separators people put between them, and one leading +. Letters (vanity numbers, "ext. 12")
# and full-width digits are refused: they are typing slips more often than numbers.
_WRITTEN = re.compile(r"\+?[0-9\s\-.()/\u2010-\u2015]+")


class InvalidPhone(ValueError):
    """The text is not a phone number that can be called; the message says why, for a person."""


def _refuse(reason: str) -> InvalidPhone:
    return InvalidPhone(gettext("The phone number is not valid: %(reason)s.") % {"reason": reason})


def parse_phone(written: str, *, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (``+79031447602``), or InvalidPhone saying what is wrong with it."""
    text = (written or "").strip()
    if not text:
        raise InvalidPhone(gettext("The phone number is missing."))
    if not _WRITTEN.fullmatch(text):
        raise _refuse(gettext("use only digits, spaces, brackets and dashes, with + before the country code"))
    if text.startswith("00"):
        text = "+" + text[2:]  # the international prefix of most of Europe, and of Russian mobiles
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise _refuse(gettext("no country has the code it starts with")) from None
        if error.error_type == phonenumbers.NumberParseException.TOO_LONG:
            raise _refuse(gettext("too many digits")) from None
        raise _refuse(gettext("too few digits")) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise _refuse(_length_reason(number, possible))
    if not phonenumbers.is_valid_number(number):
        raise _refuse(
            gettext("there is no such number; check the code after +%(code)s") % {"code": number.country_code}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _length_reason(number: phonenumbers.PhoneNumber, possible: int) -> str:
    if possible == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return gettext("no country has the code it starts with")
    if number.country_code == RUSSIA_CODE:
        return gettext("a Russian number has 10 digits after +7 or 8")
    if possible == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return gettext("write it with the area code")
    if possible == phonenumbers.ValidationResult.TOO_SHORT:
        return gettext("too few digits")
    if possible == phonenumbers.ValidationResult.TOO_LONG:
        return gettext("too many digits")
    return gettext("a number with +%(code)s cannot have this many digits") % {"code": number.country_code}


def format_phone(value: str) -> str:
    """A stored (or typed) number as a person reads it, ``+7 903 144-76-02``; anything else unchanged."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_phone(value: str) -> None:
    """A model validator: the value must be a valid number written in E.164."""
    try:
        e164 = parse_phone(value)
    except InvalidPhone as error:
        raise ValidationError(str(error), code="invalid_phone") from None
    if e164 != value:
        raise ValidationError(
            gettext("The phone number is not valid: %(reason)s.")
            % {"reason": gettext("it must be in the international format, %(e164)s") % {"e164": e164}},
            code="invalid_phone",
        )


class PlainReplace(Func):
    """REPLACE(text, old, new), written the same for SQLite, PostgreSQL and SQL Server.

    Django's Replace is compiled by mssql-django with the database's collation, which it asks the server
    for: a CHECK constraint must not depend on that (nor could ``export_tsql`` write it without a server).
    """

    function = "REPLACE"
    output_field = models.CharField()

    def __init__(self, expression, text, replacement=None, **extra):
        super().__init__(expression, text, replacement if replacement is not None else Value(""), **extra)


def e164_condition(field: str, *, blank: bool = False) -> Q:
    """A CHECK condition that the column holds an E.164-shaped number: +, then digits only, 8–16 characters.

    Written so that SQLite, PostgreSQL and SQL Server all evaluate it the same, without regular expressions
    (SQL Server has none, SQLite's REGEXP exists only inside Django): removing the ten digits with REPLACE
    must leave exactly "+". T-SQL's "=" ignores trailing spaces ('+ ' = '+'), so spaces are first made
    visible as "_".
    """
    visible = PlainReplace(F(field), Value(" "), Value("_"))
    without_digits = visible
    for digit in "0123456789":
        without_digits = PlainReplace(without_digits, Value(digit))
    shaped = Q(
        Q(**{f"{field}__startswith": "+"}),
        Exact(without_digits, Value("+")),
        GreaterThanOrEqual(Length(field), E164_MIN_LENGTH),
        LessThanOrEqual(Length(field), E164_MAX_LENGTH),
    )
    return Q(Exact(visible, Value(""))) | shaped if blank else shaped


class PhoneFormField(forms.CharField):
    """Takes the number as the person types it and cleans it to E.164; shows a stored one formatted."""

    def __init__(self, *, max_length: int | None = WRITTEN_MAX_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        try:
            return parse_phone(value)
        except InvalidPhone as error:
            raise ValidationError(str(error), code="invalid_phone") from None

    def prepare_value(self, value):
        return format_phone(value) if isinstance(value, str) else value

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "tel", "inputmode": "tel"}


class PhoneField(models.CharField):
    """A phone number kept in E.164; pair it with ``e164_condition`` in the model's constraints."""

    description = gettext_lazy("Phone number (E.164)")
    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", E164_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == E164_MAX_LENGTH:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):  # type: ignore[override]  # django-stubs types it per form class
        # The form takes the number as typed ("8 (903) 144-76-02" is longer than E.164).
        return super().formfield(**{"form_class": PhoneFormField, **kwargs, "max_length": WRITTEN_MAX_LENGTH})


def phone_column(path: str = "phone", description: StrOrPromise = PHONE_LABEL):
    """An admin list column showing the number at ``path`` (``"lead__phone"``) formatted, sorted by it."""

    @admin.display(description=description, ordering=path)
    def column(obj) -> str:
        value = obj
        for part in path.split("__"):
            value = getattr(value, part)
        return format_phone(value)

    return column


def phone_search_term(search_term: str) -> str | None:
    """The E.164 number a search box holds, if it holds exactly one number (written any way), else None."""
    try:
        return parse_phone(search_term)
    except InvalidPhone:
        return None


# libphonenumber puts Kaliningrad (+7 401…) in Europe/Bucharest, a zone with summer time; Kaliningrad has
# none since 2014. Kazakhstan shares +7: its zones stay among a mobile number's candidates.
_ZONE_FIXES = {RUSSIA_CODE: {"Europe/Bucharest": "Europe/Kaliningrad"}}
# Russia's zones, west to east: a number without a known zone may be in any of them.
RUSSIAN_OFFSETS_MINUTES = (120, 720)


def time_zones_for_phone(e164: str) -> tuple[str, ...]:
    """The IANA zones the number may be in: one for a landline, every candidate for a mobile (Russia: 16)."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ()
    fixes = _ZONE_FIXES.get(number.country_code or 0, {})
    zones = phone_time_zones.time_zones_for_number(number)
    return tuple(sorted({fixes.get(zone, zone) for zone in zones if zone != phone_time_zones.UNKNOWN_TIMEZONE}))


def utc_offset_bounds(e164: str, *, time_zone: str = "", at: datetime) -> tuple[int, int]:
    """The smallest and largest UTC offset (minutes, at ``at``) of the zones the person may be in.

    An explicit ``time_zone`` (the person's region, when known) wins over the number; a number in no known
    zone counts as anywhere in Russia.
    """
    zones = (time_zone,) if time_zone else time_zones_for_phone(e164)
    offsets = []
    for zone in zones:
        try:
            offset = at.astimezone(ZoneInfo(zone)).utcoffset()
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if offset is not None:
            offsets.append(int(offset.total_seconds() // 60))
    if not offsets:
        return RUSSIAN_OFFSETS_MINUTES
    return min(offsets), max(offsets)
