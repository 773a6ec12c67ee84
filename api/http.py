"""The management API's plumbing: JSON errors, bearer-token sign-in of product managers, method dispatch."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from api.selectors import usable_token
from api.services import note_token_used
from core.text import json_problem
from outreach.services import NewsError, NewsNotFound
from surveys.services import InvalidSurvey, SurveyError

Handler = Callable[..., JsonResponse]


class ApiError(Exception):
    """An answer other than success, with a message a person can read and, per field, what is wrong."""

    def __init__(
        self, status: int, message: str, *, details: dict | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.details, self.headers = status, message, details or {}, headers or {}


def error_response(status: int, message: str, details: dict | None = None, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "details": details or {}}, status=status, headers=headers)


def from_domain_error(error: Exception) -> ApiError:
    """The services' refusals, as HTTP answers."""
    if isinstance(error, NewsNotFound):
        return ApiError(404, str(error))
    if isinstance(error, NewsError):
        return ApiError(400, str(error), details=error.errors)
    if isinstance(error, InvalidSurvey):
        return ApiError(400, _("The survey was not saved: %(reasons)s") % {"reasons": error}, details=error.errors)
    return ApiError(400, str(error))


# The largest JSON body the API reads: a news item's text and title fit many times over.
MAX_JSON_BYTES = 256 * 1024


def read_json_object(request: HttpRequest) -> dict:
    if request.content_type != "application/json":
        raise ApiError(415, _("Send the request body as JSON (Content-Type: application/json)."))
    if int(request.headers.get("Content-Length") or 0) > MAX_JSON_BYTES or len(request.body) > MAX_JSON_BYTES:
        raise ApiError(413, _("The request body is too large (at most %(kb)d KB).") % {"kb": MAX_JSON_BYTES // 1024})
    try:
        data = json.loads(request.body or b"null")
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


def sign_in_product_manager(request: HttpRequest) -> None:
    """Who sends this request: a product manager's bearer token, or the request is refused (401/403)."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(
            401,
            _("Sign in first, and send the token as the header “Authorization: Bearer <token>”."),
            headers={"WWW-Authenticate": 'Bearer realm="management API"'},
        )
    token = usable_token(secret=secret.strip())
    if token is None or not token.account.is_active:
        raise ApiError(
            401,
            _("Your session has expired or was closed; sign in again."),
            headers={"WWW-Authenticate": 'Bearer realm="management API", error="invalid_token"'},
        )
    if not token.is_product_manager:
        raise ApiError(403, _("Only product managers may use the management API."))
    note_token_used(token=token)
    request.user = token.account
    request.api_token = token


def endpoint(*, public: bool = False, **handlers: Handler):
    """A view answering the given HTTP methods (GET=..., POST=...) with JSON, for product managers unless
    ``public``. Bearer tokens are not sent by browsers on their own, so these views need no CSRF token."""
    allowed = ", ".join(sorted(handlers))

    @csrf_exempt
    @never_cache
    def view(request: HttpRequest, **kwargs) -> JsonResponse:
        handler = handlers.get(request.method)
        if handler is None:
            return error_response(
                405,
                _("This address does not accept %(method)s.") % {"method": request.method},
                headers={"Allow": allowed},
            )
        try:
            if not public:
                sign_in_product_manager(request)
            if request.method != "GET" and request.GET:
                raise ApiError(
                    400,
                    _("Send the fields in the JSON body, not in the address."),
                    details={name: _("Unknown field.") for name in request.GET},
                )
            try:
                return handler(request, **kwargs)
            except (SurveyError, NewsError) as error:
                raise from_domain_error(error) from error
        except ApiError as error:
            return error_response(error.status, error.message, error.details, error.headers)

    return view


@csrf_exempt
def not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Any other address under /api/v1/ (a misspelt path, a news number that is not a number): JSON, too."""
    return error_response(404, _("There is nothing at this address of the management API."))
