"""Local calling hours: a lead is called only when it is within the campaign's hours where the person is.

A lead carries the range of UTC offsets it may be in (``CampaignLead.utc_offset_min`` … ``utc_offset_max``:
one zone for a landline or a lead whose region is known, every Russian zone for a mobile number). It may
be called at an instant only if that instant is within the campaign's hours — weekdays and weekends apart,
never on the campaign's holidays — at **every** offset of its range. Offsets of real zones are multiples
of 15 minutes, so the rule is evaluated on that grid.

For the call queue the rule becomes a condition on the two columns of the row it is reading
(``hours_condition``): the offsets allowed now form a few runs, and a lead is callable when its whole
range lies inside one run. So the queue keeps reading along its index and stops at the first callable row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import Q

from campaigns.models import CallingHoliday, Campaign
from campaigns.services import queue_statements

STEP_MINUTES = 15
# UTC−12:00 … UTC+14:00: every offset in use on Earth.
_GRID = range(-12 * 60, 14 * 60 + 1, STEP_MINUTES)
# How far ahead the nearest allowed time is looked for (a fortnight covers the longest Russian holidays).
_SEARCH_DAYS = 15


def local_time_text(at: datetime, offset_min: int, offset_max: int) -> str:
    """The person's local time as an agent reads it: "03:00", or "02:00–12:00" over a range of zones."""
    utc = at.astimezone(UTC)
    first, last = (f"{utc + timedelta(minutes=offset):%H:%M}" for offset in (offset_min, offset_max))
    return first if first == last else f"{first}–{last}"


# A campaign's hours as the rule reads them: weekdays from, until, weekends from, until, and its holidays.
Hours = tuple[time, time, time, time, frozenset[date]]


class CallingHours:
    """One campaign's hours and holidays, read once, answering for any offset and instant."""

    def __init__(self, campaign: Campaign, holidays: set[date]):
        self.campaign = campaign
        self.holidays = holidays
        self.hours: Hours = (
            campaign.weekday_from,
            campaign.weekday_until,
            campaign.weekend_from,
            campaign.weekend_until,
            frozenset(holidays),
        )

    @classmethod
    def of(cls, campaign: Campaign, *, around: datetime) -> CallingHours:
        """The campaign's hours with its holidays between a day before and ``_SEARCH_DAYS`` after ``around``."""
        first = around.astimezone(UTC).date() - timedelta(days=1)
        days = queue_statements.holidays(CallingHoliday.objects.db).all(
            campaign=campaign.pk, first=first, last=first + timedelta(days=_SEARCH_DAYS + 2)
        )
        return cls(campaign, {holiday.day for holiday in days})

    def window(self, local_day: date) -> tuple[time, time] | None:
        """The local hours of that day (from, until), or None on a holiday."""
        return _window(self.hours, local_day)

    def allows_offset(self, offset: int, at: datetime) -> bool:
        return _allows_offset(self.hours, offset, at)

    def allows(self, offset_min: int, offset_max: int, at: datetime) -> bool:
        """Whether a lead with this offset range may be called at ``at``: allowed at every offset of the range."""
        offsets = range(offset_min, offset_max + 1, STEP_MINUTES)
        return all(self.allows_offset(offset, at) for offset in (*offsets, offset_max))

    def allowed_runs(self, at: datetime) -> list[tuple[int, int]]:
        """The offsets allowed at ``at`` as runs (first, last) of neighbouring grid points.

        Each hand-out asks this (105 offsets): with hours in whole minutes, and offsets in whole minutes,
        the answer is the same all through a minute, so it is worked out once a minute.
        """
        if any(moment.second or moment.microsecond for moment in self.hours[:4]):
            return _allowed_runs(self.hours, at)
        return list(_allowed_runs_in_minute(self.hours, at.astimezone(UTC).replace(second=0, microsecond=0)))

    def condition(self, at: datetime) -> Q | None:
        """The queue's filter: the lead's whole offset range inside one allowed run; None if nobody may be called."""
        runs = self.allowed_runs(at)
        if not runs:
            return None
        condition = Q()
        for first, last in runs:
            condition |= Q(utc_offset_min__gte=first, utc_offset_max__lte=last)
        return condition

    def nearest(self, offset_min: int, offset_max: int, after: datetime) -> datetime | None:
        """The first instant from ``after`` at which the lead may be called (to the minute), or None."""
        if self.allows(offset_min, offset_max, after):
            return after
        utc_after = after.astimezone(UTC)
        candidates = []
        for offset in {offset_min, offset_max, *range(offset_min, offset_max + 1, STEP_MINUTES)}:
            local_day = (utc_after + timedelta(minutes=offset)).date()
            for shift in range(_SEARCH_DAYS):
                day = local_day + timedelta(days=shift)
                window = self.window(day)
                if window is None:
                    continue
                start = datetime.combine(day, window[0], tzinfo=UTC) - timedelta(minutes=offset)
                if start > utc_after:
                    candidates.append(start)
        for candidate in sorted(candidates):
            if self.allows(offset_min, offset_max, candidate):
                return candidate
        return None


def _window(hours: Hours, local_day: date) -> tuple[time, time] | None:
    if local_day in hours[4]:
        return None
    if local_day.weekday() >= 5:
        return hours[2], hours[3]
    return hours[0], hours[1]


def _allows_offset(hours: Hours, offset: int, at: datetime) -> bool:
    local = at.astimezone(UTC).replace(tzinfo=None) + timedelta(minutes=offset)
    window = _window(hours, local.date())
    return window is not None and window[0] <= local.time() < window[1]


def _allowed_runs(hours: Hours, at: datetime) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = previous = None
    for offset in _GRID:
        if _allows_offset(hours, offset, at):
            if start is None:
                start = offset
            previous = offset
        elif start is not None and previous is not None:
            runs.append((start, previous))
            start = None
    if start is not None and previous is not None:
        runs.append((start, previous))
    return runs


@lru_cache(maxsize=256)
def _allowed_runs_in_minute(hours: Hours, minute: datetime) -> tuple[tuple[int, int], ...]:
    return tuple(_allowed_runs(hours, minute))
