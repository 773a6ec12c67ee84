"""Every refusal of the management API as ``{"error": "…", "details": {field: "…"}}``: ninja's validation errors
(400, one readable message per field, in the caller's language), sign-in errors and the services' domain errors."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.auth import sign_in_first
from api.http import ApiError, error_response
from core.dates import date_range_message
from outreach.services import NewsError, NewsNotFound
from surveys.services import InvalidSurvey, SurveyError


def field_message(error: dict) -> str:
    """What is wrong with a field, from a pydantic error (its ``type`` and ``ctx``)."""
    kind, context = error["type"], error.get("ctx", {})
    match kind:
        case "missing":
            return _("This field is required.")
        case "extra_forbidden" if context.get("expected"):
            return _("Unknown field; expected: %(fields)s.") % {"fields": ", ".join(context["expected"])}
        case "extra_forbidden":
            return _("Unknown field.")
        case "string_type":
            return _("Expected text.")
        case "nul_character":
            return _("Text cannot contain the NUL character.")
        case "string_too_short" | "string_pattern_mismatch":
            return _("This field cannot be empty.")
        case "string_too_long":
            return _("At most %(limit)d characters.") % {"limit": context["max_length"]}
        case "int_type" | "int_parsing" | "int_from_float" | "int_parsing_size":
            return _("Expected a whole number.")
        case "greater_than_equal":
            return _("Expected a number not below %(minimum)d.") % {"minimum": context["ge"]}
        case "less_than_equal":
            return _("Expected a number not above %(maximum)d.") % {"maximum": context["le"]}
        case "literal_error":
            choices = re.findall(r"'([^']*)'", context["expected"])
            return _("Expected one of: %(choices)s.") % {"choices": ", ".join(choices)}
        case "bool_type" | "bool_parsing":
            return _("Expected true or false.")
        case "date_type" | "date_parsing" | "date_from_datetime_parsing" | "date_from_datetime_inexact":
            return _("Expected a date as YYYY-MM-DD.")
        case "date_out_of_range":
            return date_range_message()
        case "email":
            return _("Expected an e-mail address.")
        case "period_reversed":
            return _("The end of the period comes before its start.")
    return error["msg"]


def invalid_input(request: HttpRequest, error: ValidationError) -> JsonResponse:
    """Nothing is done with half-valid input: every bad field is named at once."""
    details: dict[str, str] = {}
    for problem in error.errors:
        source, *path = problem["loc"]
        if source == "path":
            return not_found(request, error)
        if source == "body" and len(path) < 2:  # the body as a whole, e.g. none was sent
            return error_response(400, _("The request body must be a JSON object."))
        details.setdefault(str(path[-1]), field_message(problem))
    return error_response(400, _("Some fields are not right; see the details."), details)


def refused_by_a_service(request: HttpRequest, error: SurveyError | NewsError) -> JsonResponse:
    if isinstance(error, NewsNotFound):
        return error_response(404, str(error))
    if isinstance(error, InvalidSurvey):
        message = _("The survey was not saved: %(reasons)s") % {"reasons": error}
        return error_response(400, message, error.errors)
    return error_response(400, str(error), getattr(error, "errors", {}))


def ninja_http_error(request: HttpRequest, error: HttpError) -> JsonResponse:
    """ninja reports a body its parser refused as an HttpError caused by the parser's ApiError."""
    if isinstance(error.__cause__, ApiError):
        return error.__cause__.response()
    return error_response(error.status_code, str(error))


def not_found(request: HttpRequest, error: Exception) -> JsonResponse:
    return error_response(404, _("There is nothing at this address of the management API."))


def left_to_django(request: HttpRequest, error: Exception) -> HttpResponse:
    """Any other failure goes on to Django's handling, as on the website: a database that cannot be reached
    becomes a JSON 503 (telemarketing.middleware), not ninja's DEBUG-mode 500 with a traceback."""
    raise error


def answer_errors_in_json(api: NinjaAPI) -> None:
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        ApiError: lambda request, error: error.response(),
        AuthenticationError: lambda request, error: sign_in_first().response(),
        ValidationError: invalid_input,
        HttpError: ninja_http_error,
        Http404: not_found,
        SurveyError: refused_by_a_service,
        NewsError: refused_by_a_service,
        Exception: left_to_django,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)
