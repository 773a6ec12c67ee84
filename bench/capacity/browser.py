"""A person on the real pages, as a browser does it: GET a page, fill its form (with the CSRF token and the
hidden fields it carries), POST it, follow the redirect, and the widget's JSON requests.

Every request is timed by Locust under a stable name (the page, not the URL with its ids). A request counts
as failed when its status is not the one expected, so a 400 from a form the product changed shows as a
failure at once, with the page's name, rather than as a fast page.

Cookies: the product marks its cookies ``Secure``; over plain HTTP on loopback the jar sends them anyway,
as browsers do for ``http://localhost`` (a secure context), and nowhere else.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

ORIGIN = os.environ.get("CAPACITY_ORIGIN", "")  # what a browser sends: https://host:port behind the TLS proxy


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)  # choices of selects and radio groups
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of named submit buttons


class FormParser(HTMLParser):
    """The forms of a page with what a browser would send for each: inputs, selects, text areas, buttons."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        if tag == "option" and self._select:
            form.options.setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = a.get("value", "")
            return
        name = a.get("name")
        if not name:
            return
        kind = a.get("type", "text").lower()
        if tag == "input" and kind in ("radio", "checkbox"):
            form.options.setdefault(name, []).append(a.get("value", "on"))
            if "checked" in a:
                form.fields[name] = a.get("value", "on")
        elif (tag == "input" and kind == "submit") or (tag == "button" and kind == "submit"):
            form.buttons.append((name, a.get("value", "")))
        elif tag == "input":
            form.fields.setdefault(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


def parse(html: str, page_url: str) -> FormParser:
    parser = FormParser(page_url)
    parser.feed(html)
    return parser


# Shown errors only: the chat's hidden "reconnecting" alert is on every page.
ERROR_TEXT = re.compile(
    r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger)[^"]*"(?![^>]*\bhidden\b)[^>]*>(.*?)</', re.S
)


def page_errors(html: str) -> str:
    """What the page said was wrong (form errors), to tell why a step failed."""
    found = [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in ERROR_TEXT.findall(html)]
    return f": {'; '.join(text for text in found if text)[:200]}" if any(found) else ""


class LoopbackIsSecure(DefaultCookiePolicy):
    """Secure cookies go to loopback over plain HTTP too (a browser's "potentially trustworthy" origin)."""

    def return_ok_secure(self, cookie, request) -> bool:
        host = urlsplit(request.get_full_url()).hostname or ""
        return host in ("127.0.0.1", "localhost", "::1") or super().return_ok_secure(cookie, request)


class PageError(Exception):
    """A page answered what a person would not expect (the request is already counted as failed)."""


class Browser:
    """One person's tab: Locust's fast HTTP client with its cookies, plus what the last page held."""

    def __init__(self, client, host: str) -> None:
        self.client = client
        self.client.cookiejar.set_policy(LoopbackIsSecure())
        self.host = host.rstrip("/")
        self.origin = ORIGIN or self.host
        self.url = self.host + "/"
        self.html = ""

    def _headers(self, extra: dict | None = None) -> dict:
        # Browsers send Origin on a POST and the page as Referer; Django's CSRF check reads them over HTTPS.
        return {"Origin": self.origin, "Referer": self.origin + urlsplit(self.url).path, **(extra or {})}

    def request(
        self, method: str, path: str, name: str, *, expect: int | tuple[int, ...] = 200, data=None, headers=None
    ) -> object:
        url = path if path.startswith("http") else self.host + path
        with self.client.request(
            method,
            url,
            name=name,
            data=data,
            headers=self._headers(headers),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (expect if isinstance(expect, tuple) else (expect,)):
                said = page_errors(response.text or "")
                response.failure(f"{method} {name}: status {response.status_code}, expected {expect}{said}")
                raise PageError(name)
            response.success()
        if response.status_code == 200 and "html" in (response.headers.get("Content-Type") or ""):
            self.url, self.html = url, response.text or ""
        return response

    def get(self, path: str, name: str, *, expect: int = 200) -> object:
        return self.request("GET", path, name, expect=expect)

    def follow(self, response, name: str) -> object:
        """The redirect a POST answered with, to the page it leads to (staff go home, then on to /staff/)."""
        for _ in range(5):
            target = urljoin(self.url, response.headers["Location"])
            response = self.request("GET", target, name, expect=(200, 302))
            if response.status_code == 200:
                return response
        raise PageError(f"{name}: too many redirects")

    def forms(self) -> list[Form]:
        return parse(self.html, self.url).forms

    def links(self) -> list[str]:
        return parse(self.html, self.url).links

    def form_posting_to(self, fragment: str) -> Form:
        for form in self.forms():
            if form.method == "post" and fragment in form.action:
                return form
        raise PageError(f"no form posting to {fragment} on {self.url}")

    def submit(
        self, form: Form, name: str, values: dict | None = None, *, button: tuple[str, str] | None = None, expect=302
    ) -> object:
        data = {**form.fields, **(values or {})}
        if button:
            data[button[0]] = button[1]
        return self.request("POST", form.action, name, expect=expect, data=data)

    def sign_in(self, username: str, password: str) -> None:
        """The sign-in page and its form; Django answers with a new session and a redirect home."""
        self.get("/login/", "sign-in page")
        response = self.submit(self.form_posting_to("/login/"), "sign in", {"username": username, "password": password})
        self.follow(response, "home after sign-in")

    def sign_out(self) -> None:
        response = self.submit(self.form_posting_to("/logout/"), "sign out")
        self.follow(response, "sign-in page")

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""
