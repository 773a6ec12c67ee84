"""Form and query fields cleaned of control characters and unpaired surrogates before any view reads them."""

from __future__ import annotations

from django.http import QueryDict

from core.text import clean_text, is_clean_text


def _cleaned(data: QueryDict) -> QueryDict | None:
    """A cleaned copy, or None when every value is already clean (the common case costs no copy)."""
    if all(is_clean_text(key) and all(is_clean_text(v) for v in values) for key, values in data.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
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
            form = _cleaned(request.POST)
            if form is not None:
                request.POST = form
        return self.get_response(request)
