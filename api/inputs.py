"""Reading the fields of a query string or a JSON body strictly, with one readable message per bad field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from api.http import ApiError
from core.dates import DATE_MAX, DATE_MIN, date_range_message

_WHOLE_NUMBER = re.compile(r"-?\d{1,18}")
_ABSENT = object()
ID_MAX = 2**63 - 1  # the largest key a BigAutoField holds


class Inputs:
    """Fields from ``data`` (a QueryDict, whose values are text, or a decoded JSON object, whose values are typed).

    Each reader returns the value or ``None`` and notes a message for a bad field; ``check()`` then refuses
    the request with every message at once, so nothing is done with half-valid input. Read every field that
    the request may carry before ``check()``: any other is refused as unknown.
    """

    def __init__(self, data: Mapping, *, from_query: bool) -> None:
        self.data, self.from_query, self.errors = data, from_query, {}
        self.known: set[str] = set()

    def _raw(self, name: str, required: bool):
        self.known.add(name)
        value = self.data.get(name, _ABSENT)
        if value is _ABSENT and required:
            self.errors[name] = _("This field is required.")
        return value

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._raw(name, required)
        if value is _ABSENT:
            return ""
        if not isinstance(value, str):
            self.errors[name] = _("Expected text.")
            return ""
        if "\x00" in value:
            self.errors[name] = _("Text cannot contain the NUL character.")
            return ""
        if required and not value.strip():
            self.errors[name] = _("This field cannot be empty.")
        if max_length is not None and len(value) > max_length:
            self.errors[name] = _("At most %(limit)d characters.") % {"limit": max_length}
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        nullable: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        default: int | None = None,
    ) -> int | None:
        value = self._raw(name, required)
        if value is _ABSENT or (value is None and nullable):
            return default
        if self.from_query and isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = _("Expected a whole number.")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.errors[name] = self._range_message(minimum, maximum)
            return default
        return value

    def identifier(self, name: str, *, required: bool = False, nullable: bool = False) -> int | None:
        """The number of a row: a positive whole number that fits the database's keys."""
        return self.integer(name, required=required, nullable=nullable, minimum=1, maximum=ID_MAX)

    @staticmethod
    def _range_message(minimum: int | None, maximum: int | None) -> str:
        if maximum is None:
            return _("Expected a number not below %(minimum)d.") % {"minimum": minimum}
        return _("Expected a number from %(minimum)d to %(maximum)d.") % {"minimum": minimum, "maximum": maximum}

    def choice(self, name: str, choices: Iterable[str], *, required: bool = False, default: str | None = None):
        value = self._raw(name, required)
        if value is _ABSENT:
            return default
        choices = list(choices)
        if value not in choices:
            self.errors[name] = _("Expected one of: %(choices)s.") % {"choices": ", ".join(choices)}
            return default
        return value

    def boolean(self, name: str, *, default: bool | None = None) -> bool | None:
        value = self._raw(name, False)
        if value is _ABSENT:
            return default
        if self.from_query and value in ("true", "false"):
            return value == "true"
        if not self.from_query and isinstance(value, bool):
            return value
        self.errors[name] = _("Expected true or false.")
        return default

    def date(self, name: str) -> dt.date | None:
        value = self._raw(name, False)
        if value is _ABSENT:
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.errors[name] = _("Expected a date as YYYY-MM-DD.")
            return None
        if not DATE_MIN <= day <= DATE_MAX:
            self.errors[name] = date_range_message()
            return None
        return day

    def email(self, name: str) -> str:
        value = self.text(name, max_length=254).strip()
        if value and name not in self.errors:
            try:
                validate_email(value)
            except ValidationError:
                self.errors[name] = _("Expected an e-mail address.")
        return value

    def check(self) -> None:
        """Refuse the request if a field is bad, or unknown (a misspelt filter must not be silently ignored)."""
        for name in self.data:
            if name not in self.known:
                self.errors[name] = _("Unknown field; expected: %(fields)s.") % {
                    "fields": ", ".join(sorted(self.known))
                }
        if self.errors:
            raise ApiError(400, _("Some fields are not right; see the details."), details=self.errors)
