"""Session rules of the website (ASVS V3): idle and absolute timeouts, and the second factor of staff."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import has_second_factor, needs_second_factor
from core.db_availability import is_database_unavailable

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# "Last seen" is written at most this often, not on every request.
LAST_SEEN_PRECISION = 15
# Paths that neither count as activity nor need the second factor first.
STATUS_PATH = "/session/status/"
SECOND_FACTOR_EXEMPT = ("/two-factor/", "/logout/", "/i18n/", "/static/", "/healthz", "/api/", "/session/")


def signed_in(request) -> bool:
    """Whether the request is signed in; False when the database cannot tell, so that the view meets the outage
    and answers 503 (telemarketing.middleware) instead of this middleware failing with 500."""
    if getattr(request, "database_unavailable", False):
        return False
    try:
        return request.user.is_authenticated
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        request.database_unavailable = True
        return False


def idle_timeout(user) -> int:
    return settings.SESSION_IDLE_TIMEOUT_CUSTOMER if user.is_customer else settings.SESSION_IDLE_TIMEOUT_STAFF


def seconds_left(request, now: float | None = None) -> float:
    """Seconds until the session of this signed-in request ends, by idleness or by its absolute limit."""
    now = time.time() if now is None else now
    session = request.session
    idle_end = session.get(LAST_SEEN, now) + idle_timeout(request.user)
    absolute_end = session.get(SIGNED_IN_AT, now) + settings.SESSION_ABSOLUTE_TIMEOUT
    return min(idle_end, absolute_end) - now


class SessionTimeoutMiddleware:
    """Signs out a session idle for 15 minutes (customers) or 30 (staff), or 12 hours after sign-in."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/") and signed_in(request):
            now = time.time()
            session = request.session
            session.setdefault(SIGNED_IN_AT, now)
            if seconds_left(request, now) <= 0:
                minutes = idle_timeout(request.user) // 60
                logout(request)
                messages.info(
                    request, _("You were signed out after %(minutes)d minutes without activity.") % {"minutes": minutes}
                )
                if request.path_info == STATUS_PATH:
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            if request.path_info != STATUS_PATH and now - session.get(LAST_SEEN, 0) >= LAST_SEEN_PRECISION:
                session[LAST_SEEN] = now
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Staff pages, the admin and the chat agents' pages need the second factor: staff who signed in with a
    password only are sent to enter a code (or to set up their authenticator app first)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_TWO_FACTOR_REQUIRED
            and signed_in(request)
            and needs_second_factor(user)
            and not user.is_verified()
            and not request.path_info.startswith(SECOND_FACTOR_EXEMPT)
        ):
            target = "portal:two_factor" if has_second_factor(user) else "portal:two_factor_setup"
            following = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{reverse(target)}?next={quote(following)}")
        return self.get_response(request)
