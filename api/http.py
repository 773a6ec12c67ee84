"""The management API's HTTP plumbing around django-ninja: JSON errors, strict JSON bodies, JSON 404 and 405."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.parser import Parser

from core.text import json_problem


class ApiError(Exception):
    """An answer other than success, with a message a person can read and, per field, what is wrong."""

    def __init__(
        self, status: int, message: str, *, details: dict | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.details, self.headers = status, message, details or {}, headers or {}

    def response(self) -> JsonResponse:
        return error_response(self.status, self.message, self.details, self.headers)


def error_response(status: int, message: str, details: dict | None = None, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "details": details or {}}, status=status, headers=headers)


# The largest JSON body the API reads: a news item's text and title fit many times over.
MAX_JSON_BYTES = 256 * 1024


class JsonObjectParser(Parser):
    """A request body is a JSON object sent as application/json, or the request is refused (415/400)."""

    def parse_body(self, request: HttpRequest) -> dict:
        if request.content_type != "application/json":
            raise ApiError(415, _("Send the request body as JSON (Content-Type: application/json)."))
        if int(request.headers.get("Content-Length") or 0) > MAX_JSON_BYTES or len(request.body) > MAX_JSON_BYTES:
            too_large = _("The request body is too large (at most %(kb)d KB).") % {"kb": MAX_JSON_BYTES // 1024}
            raise ApiError(413, too_large)
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, _("The request body is not valid JSON.")) from None
        problem = json_problem(data)
        if problem == "depth":
            raise ApiError(400, _("The request body is nested too deeply."))
        if problem == "text":
            message = _("The text contains control characters or broken Unicode (a lone surrogate).")
            fields = data.items() if isinstance(data, dict) else []
            details = {key: message for key, value in fields if json_problem({key: value}) is not None}
            raise ApiError(400, message, details=details)
        if not isinstance(data, dict):
            raise ApiError(400, _("The request body must be a JSON object."))
        return data


def answered_in_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One of ninja's views, whose answers are never cached, with a wrong method refused in JSON (405, ``Allow``),
    and with fields in the address of a request that must send them in its JSON body refused (400)."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response: HttpResponse
        if request.method not in ("GET", "HEAD") and request.GET:
            response = error_response(
                400,
                _("Send the fields in the JSON body, not in the address."),
                details={name: _("Unknown field.") for name in request.GET},
            )
        else:
            response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = sorted(method.strip() for method in response["Allow"].split(","))
            response = error_response(
                405,
                _("This address does not accept %(method)s.") % {"method": request.method},
                headers={"Allow": ", ".join(allowed)},
            )
        add_never_cache_headers(response)
        return response

    return csrf_exempt(answer)


@csrf_exempt
def not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Any other address under /api/v1/ (a misspelt path, a news number that is not a number): JSON, too."""
    return error_response(404, _("There is nothing at this address of the management API."))
