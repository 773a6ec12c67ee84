"""When the chat is answered live: the weekly business hours and the holidays the back office sets in the admin,
read in the bank's zone (TIME_ZONE, Europe/Moscow). Outside them the widget offers the offline form (offline.py).

No weekly hours at all means the chat is open around the clock (a bank that has not set them yet loses nothing);
once any weekday has hours, a weekday without them is closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from chat.models import BusinessHours, ChatHoliday

# How far ahead the next opening is looked for (two weeks cover any run of holidays a bank has).
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class ChatHours:
    """Whether agents answer now, and when they next do (None: open now, or no opening within the lookahead)."""

    open_now: bool
    next_opening: dt.datetime | None


def chat_hours(*, at: dt.datetime | None = None) -> ChatHours:
    """The chat's state at a moment (now by default). Two queries: the weekly hours and the coming holidays."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(at or timezone.now(), zone)
    weekly = {row.weekday: (row.opens, row.closes) for row in BusinessHours.objects.all()}
    if not weekly:
        return ChatHours(open_now=True, next_opening=None)
    last_day = local.date() + dt.timedelta(days=LOOKAHEAD_DAYS)
    holidays = set(ChatHoliday.objects.filter(day__gte=local.date(), day__lte=last_day).values_list("day", flat=True))
    today = weekly.get(local.weekday())
    if today is not None and local.date() not in holidays and today[0] <= local.time() < today[1]:
        return ChatHours(open_now=True, next_opening=None)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        hours = weekly.get(day.weekday())
        if hours is None or day in holidays:
            continue
        opening = dt.datetime.combine(day, hours[0], tzinfo=zone)
        if opening > local:
            return ChatHours(open_now=False, next_opening=opening)
    return ChatHours(open_now=False, next_opening=None)
