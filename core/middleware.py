"""Form and query fields cleaned of control characters and unpaired surrogates before any view reads them."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict

from core.text import clean_text, is_clean_text


def _cleaned(data: QueryDict) -> QueryDict | None:
    """A copy with clean values, or None when every value is already clean (the common case costs no copy).
    Names stay as sent: a name with such characters is no field of ours, and is refused or ignored as unknown
    (cleaning it could make it collide with a real field)."""
    if all(is_clean_text(value) for _key, values in data.lists() for value in values):
        return None
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key, [clean_text(value) for value in values])
    cleaned._mutable = False
    return cleaned


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CleanTextInputMiddleware:
    """Every text field of every form (the website's, the staff pages', the admin's) and every query string."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        query = _cleaned(request.GET)
        if query is not None:
            request.GET = query
        if request.method == "POST" and request.content_type in FORM_TYPES:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is None or int(request.META.get("CONTENT_LENGTH") or 0) <= limit:
                # Read first, so that a view wanting the raw body (the API, which answers "send JSON") still can;
                # a large upload is left streaming.
                request.body  # noqa: B018
            form = _cleaned(request.POST)
            if form is not None:
                request.POST = form
        return self.get_response(request)
