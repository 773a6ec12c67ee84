"""Numbers, days and moments as the reader writes them: a decimal comma and DD.MM.YYYY in Russian."""

from __future__ import annotations

import datetime as dt
import re

DAY_FORMATS = {"ru": "%d.%m.%Y", "en": "%Y-%m-%d"}
DAY_PATTERNS = {"ru": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


def number(value: float | int | None, language: str, *, digits: int = 2) -> str:
    """3.391 → "3,39" in Russian, "3.39" in English; thousands apart by a (narrow no-break) space in Russian."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"
    if language == "ru":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def day(value: dt.date | str | None, language: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime(DAY_FORMATS.get(language, DAY_FORMATS["en"]))


def moment(value: str | None, language: str) -> str:
    """The server's 2024-02-20T12:00:00.123+03:00 (the bank's local time) → "20.02.2024 12:00" in Russian."""
    if not value:
        return ""
    return f"{day(value, language)} {value[11:16]}"


def parse_day(text: str) -> dt.date | None:
    """'' → None; DD.MM.YYYY or YYYY-MM-DD → the day; anything else → ValueError."""
    text = text.strip()
    if not text:
        return None
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    raise ValueError(text)
