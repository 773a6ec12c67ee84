"""Phone numbers as people write them, turned into E.164 (+79161234567), the form leads are kept in."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Spaces, dashes, dots, brackets and slashes that people put between the digits.
_SEPARATORS = re.compile(r"[\s\-.()/\u00a0\u2010-\u2015]")
RUSSIA = "7"
RUSSIAN_NATIONAL_DIGITS = 10
E164_MAX_DIGITS = 15
E164_MIN_DIGITS = 8


class InvalidPhone(ValueError):
    """The text is not a phone number we can call; the message says why."""


def normalise_phone(raw: str) -> str:
    """+7 916 123-45-67, 8 (916) 123-45-67, 7916…, 916… (Russian) and +<country>… become E.164.

    A number without a country code is taken as Russian, as the bank's leads are; the Russian trunk
    prefix 8 is replaced by +7.
    """
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        raise InvalidPhone(_("The phone number is missing."))
    if text.startswith("00"):
        text = "+" + text[2:]
    international = text.startswith("+")
    digits = text[1:] if international else text
    if not digits.isdigit() or not digits.isascii():
        raise InvalidPhone(_("The phone number may contain only digits, spaces, brackets, dashes and a leading +."))
    if not international:
        if len(digits) == RUSSIAN_NATIONAL_DIGITS + 1 and digits[0] in "78":
            digits = RUSSIA + digits[1:]
        elif len(digits) == RUSSIAN_NATIONAL_DIGITS:
            digits = RUSSIA + digits
        else:
            raise InvalidPhone(
                _("A Russian number has 10 digits after +7 or 8; for another country start with + and its code.")
            )
    if digits.startswith("0"):
        raise InvalidPhone(_("A country code cannot start with 0."))
    if digits.startswith(RUSSIA) and len(digits) != RUSSIAN_NATIONAL_DIGITS + 1:
        raise InvalidPhone(_("A Russian number has exactly 10 digits after +7."))
    if not E164_MIN_DIGITS <= len(digits) <= E164_MAX_DIGITS:
        raise InvalidPhone(_("An international number has 8 to 15 digits after the +."))
    return "+" + digits
