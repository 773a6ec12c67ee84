"""A database that is down or not answering: a page saying so with 503, instead of a server error."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from api.http import error_response
from core.db_availability import is_database_unavailable

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again (the Retry-After header).
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Any view that fails because the database cannot be reached answers 503 with Retry-After:
    the "service temporarily unavailable" page on the website, the API's JSON error under /api/."""

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        if request.path_info.startswith("/api/"):
            message = _("The service is temporarily unavailable; try again in a minute.")
            return error_response(503, message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        # Who is signed in cannot be read without the database: the page is drawn for a visitor.
        request.user = AnonymousUser()
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class NoStoreMiddleware:
    """Nothing a signed-in person is shown (balances, statements, CSV downloads, personal data, staff pages) is
    kept by the browser or a proxy: ``Cache-Control: no-store`` on every answer to a signed-in request that
    does not set its own (static files are served before this, by WhiteNoise)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
