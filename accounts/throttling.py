"""Sign-in throttling that nobody can turn into a lock-out of someone else (settings: AXES_*, SIGN_IN_*).

django-axes locks the pair login + address after AXES_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS).
Two rules axes cannot express with its single limit are added here, computed from axes' own records:
one address failing with many logins is locked (password spraying), and one login failing from many
addresses is slowed down, never locked (each attempt after the limit waits twice as long as the last).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in attempt was refused before its password was checked, and for how long."""

    reason: str  # "pair": this login from this address; "address": this address; "login": wait, then try
    retry_after: int  # seconds


def login_delay(failures: int) -> int:
    """Seconds one login must wait after its latest failure, once it has failed ``failures`` times."""
    if failures < settings.AXES_FAILURE_LIMIT:
        return 0
    return min(2 ** (failures - settings.AXES_FAILURE_LIMIT), settings.SIGN_IN_LOGIN_DELAY_MAX)


class SignInThrottle(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        refusal = self.refusal(request, credentials)
        if refusal is not None:
            request.sign_in_refusal = refusal
        return refusal is not None

    def refusal(self, request, credentials=None) -> Refusal | None:
        cool_off = get_cool_off(request) or timedelta(minutes=15)
        if super().is_locked(request, credentials):
            return Refusal("pair", math.ceil(cool_off.total_seconds()))
        recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        from_address = recent.filter(ip_address=request.axes_ip_address).aggregate(n=Sum("failures_since_start"))["n"]
        if (from_address or 0) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return Refusal("address", math.ceil(cool_off.total_seconds()))
        username = get_client_username(request, credentials)
        if username:
            login = recent.filter(username=username).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            delay = login_delay(login["n"] or 0)
            if delay:
                wait = (login["last"] + timedelta(seconds=delay) - timezone.now()).total_seconds()
                if wait > 0:
                    return Refusal("login", math.ceil(wait))
        return None
