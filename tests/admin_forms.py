"""Posting a Django admin page's form as a browser would: every field as the page shows it, and the changes."""

from __future__ import annotations

from html.parser import HTMLParser

from django.contrib.messages import get_messages


class _FormFields(HTMLParser):
    """The name → value pairs a browser submits from the page's form (inputs, selected options, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.data[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def post_admin_form(browser, url: str, /, **changes: str):
    """GET the admin page at ``url``, then POST its form with ``changes`` over what it shows (field → value)."""
    page = browser.get(url)
    assert page.status_code == 200, page.status_code
    fields = _FormFields()
    fields.feed(page.text)
    return browser.post(url, {**fields.data, **changes})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
