"""Checks done in the window before anything is sent, so that a slip is pointed out at once."""

from __future__ import annotations

import datetime as dt
import re

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_day(text: str) -> str | None:
    """'' → None; a valid YYYY-MM-DD → itself; anything else → ValueError."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    dt.date.fromisoformat(text)
    return text


def period_filters(date_from: str, date_to: str) -> dict:
    return {"date_from": parse_day(date_from), "date_to": parse_day(date_to)}
