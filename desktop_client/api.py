"""The management API over HTTPS, with the standard library's urllib; every failure becomes one ApiProblem with a
message a product manager can act on."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from desktop_client import __version__
from desktop_client.i18n import Translator

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ApiProblem(Exception):
    """Something the person has to know about; ``details`` maps input fields to what is wrong with them."""

    def __init__(self, message: str, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.details = message, details or {}

    def explained(self) -> str:
        """The message, with each field's problem that it does not already say."""
        extra = [f"• {text}" for text in self.details.values() if text not in self.message]
        return "\n".join([self.message, *extra])


class WrongCredentials(ApiProblem):
    pass


class LockedOut(ApiProblem):
    pass


class NotAllowed(ApiProblem):
    pass


class SessionExpired(ApiProblem):
    pass


class ServerUnreachable(ApiProblem):
    pass


class CertificateProblem(ApiProblem):
    pass


class InvalidInput(ApiProblem):
    pass


class NotFound(ApiProblem):
    pass


class ServerFailure(ApiProblem):
    pass


class ServiceUnavailable(ApiProblem):
    """The server is up but cannot serve now (its database is unreachable): try again later."""


def normalise_server_address(address: str, tr: Translator) -> str:
    """ "bank.example:8443" → "https://bank.example:8443"; plain http only to this computer (for testing)."""
    address = address.strip().rstrip("/")
    if not address:
        raise ApiProblem(tr("Enter the server address."))
    if "://" not in address:
        address = f"https://{address}"
    parts = urllib.parse.urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ApiProblem(tr("The server address should look like https://bank.example."))
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ApiProblem(tr("Use https:// — the password must not travel unencrypted."))
    return address


class ApiClient:
    def __init__(self, server: str, *, tr: Translator, ca_bundle: str | None = None, timeout: float = 20.0) -> None:
        self.tr = tr
        self.base_url = normalise_server_address(server, tr) + "/api/v1/"
        self.timeout = timeout
        self.token: str | None = None
        try:
            self.ssl_context = ssl.create_default_context(cafile=ca_bundle or None)
        except (OSError, ssl.SSLError) as error:
            raise CertificateProblem(
                tr("Cannot read the CA bundle {path}: {reason}", path=ca_bundle, reason=error)
            ) from None

    # --- one request ------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> Any:
        url = self.base_url + path
        query = {key: value for key, value in (params or {}).items() if value not in (None, "")}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {
            "Accept": "application/json",
            "Accept-Language": self.tr.language,
            "User-Agent": f"telemarketing-desktop/{__version__}",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (http(s) only)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.ssl_context) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise self._problem_from_answer(error, signing_in=path == "auth/token") from None
        except urllib.error.URLError as error:
            raise self._problem_from_connection(error.reason) from None
        except (TimeoutError, ConnectionError) as error:
            raise self._problem_from_connection(error) from None
        except ValueError:
            raise ServerFailure(self.tr("The server answered something that is not the management API.")) from None

    def _problem_from_answer(self, error: urllib.error.HTTPError, *, signing_in: bool) -> ApiProblem:
        try:
            answer = json.loads(error.read() or b"{}")
            message, details = answer.get("error") or "", answer.get("details") or {}
        except (ValueError, AttributeError):
            message, details = "", {}
        message = self.tr(message)  # the server's English, when it has no translation of its own
        status = error.code
        if status == 401:
            if signing_in:
                return WrongCredentials(message or self.tr("Wrong username or password."))
            return SessionExpired(message or self.tr("Your session has expired; sign in again."))
        if status == 429:
            return LockedOut(message or self.tr("Too many failed attempts: the login is locked for a while."))
        if status == 403:
            return NotAllowed(message or self.tr("This login may not use the program."))
        if status == 404:
            return NotFound(message or self.tr("Not found: perhaps someone else removed it."), details)
        if status in (400, 415):
            return InvalidInput(message or self.tr("The server refused the input."), details)
        if status == 503:
            return ServiceUnavailable(
                message or self.tr("The service is temporarily unavailable; try again in a minute.")
            )
        return ServerFailure(self.tr("The server failed (HTTP {status}); try again later.", status=status))

    def _problem_from_connection(self, reason: object) -> ApiProblem:
        if isinstance(reason, ssl.SSLCertVerificationError):
            return CertificateProblem(
                self.tr(
                    "The server's certificate cannot be trusted ({reason}). If your bank uses its own "
                    "certificate authority, choose its CA bundle.",
                    reason=reason.verify_message or reason,
                )
            )
        if isinstance(reason, ssl.SSLError):
            return CertificateProblem(self.tr("A secure connection could not be made: {reason}", reason=reason))
        if isinstance(reason, TimeoutError):
            return ServerUnreachable(self.tr("The server did not answer in time. Check the address and the network."))
        return ServerUnreachable(
            self.tr("Cannot reach the server at {address}: {reason}", address=self.base_url, reason=reason)
        )

    # --- the operations -----------------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str, code: str = "") -> dict:
        """``code``: the authenticator app's code, sent only when given (a login with two-factor sign-in)."""
        body = {"username": username, "password": password, **({"otp_code": code} if code else {})}
        answer = self.request("POST", "auth/token", body=body)
        self.token = answer["token"]
        return answer

    def sign_out(self) -> None:
        if self.token:
            try:
                self.request("DELETE", "auth/session")
            finally:
                self.token = None

    def surveys(self, **params) -> dict:
        return self.request("GET", "surveys", params=params)

    def all_surveys(self, **params) -> list[dict]:
        """Every page, for the CSV export."""
        rows, page = [], 1
        while True:
            answer = self.surveys(**params, page=page, page_size=100)
            rows.extend(answer["results"])
            if page >= answer["pages"]:
                return rows
            page += 1

    def add_survey(self, **fields) -> dict:
        return self.request("POST", "surveys", body=fields)

    def survey_statistics(self, **params) -> dict:
        return self.request("GET", "surveys/statistics", params=params)

    def survey_analytics(self, **params) -> dict:
        return self.request("GET", "surveys/analytics", params=params)

    def news(self, **params) -> dict:
        return self.request("GET", "news", params=params)

    def news_items(self, **params) -> dict:
        return self.request("GET", "news/items", params=params)

    def news_recipients(self, news_id: int) -> list[dict]:
        """Every login's copy of a piece of news (all pages)."""
        rows, page = [], 1
        while True:
            answer = self.request("GET", f"news/items/{news_id}/recipients", params={"page": page, "page_size": 100})
            rows.extend(answer["results"])
            if page >= answer["pages"]:
                return rows
            page += 1

    def news_audience(self, **params) -> int:
        return self.request("GET", "news/audience", params=params)["recipients"]

    def edit_news(self, news_id: int, **fields) -> dict:
        return self.request("PATCH", f"news/{news_id}", body=fields)

    def publish_news(self, **fields) -> dict:
        return self.request("POST", "news", body=fields)

    def withdraw_news(self, news_id: int, *, everywhere: bool) -> dict:
        return self.request("POST", f"news/{news_id}/withdraw", body={"everywhere": everywhere})

    def schedule_news(self, **fields) -> dict:
        return self.request("POST", "news/scheduled", body=fields)

    def scheduled_news(self, **params) -> dict:
        return self.request("GET", "news/scheduled", params=params)

    def withdraw_scheduled_news(self, scheduled_id: int) -> dict:
        return self.request("POST", f"news/scheduled/{scheduled_id}/withdraw", body={})

    def clients(self, query: str) -> list[dict]:
        return self.request("GET", "clients", params={"q": query, "limit": 20})["results"]

    def campaigns(self) -> list[dict]:
        return self.request("GET", "campaigns")["results"]
