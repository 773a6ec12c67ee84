"""Keep secrets out of the logs: passwords, tokens, session ids, salaries and full account numbers are masked
in every record before any handler writes it."""

from __future__ import annotations

import logging
import re

MASK = "***"

_SECRET_ASSIGNMENT = re.compile(
    r"(?P<key>\b(?:password\d?|passwd|pwd|secret|token|access_token|api_key|sessionid|session_key|csrftoken"
    r"|csrfmiddlewaretoken|authorization|otp_code|otp_token|remembered_login|salary)\b[\"']?\s*[:=]\s*[\"']?)(?P<value>[^\s\"'&;,}]+)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(Bearer|Token)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_ACCOUNT_NUMBER = re.compile(r"(?<!\d)\d{16}(\d{4})(?!\d)")


def mask_secrets(text: str) -> str:
    text = _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)
    text = _SECRET_ASSIGNMENT.sub(lambda match: match.group("key") + MASK, text)
    return _ACCOUNT_NUMBER.sub(lambda match: "…" + match.group(1), text)


class MaskSecretsFilter(logging.Filter):
    """Renders the message once, masked, so that arguments cannot smuggle a secret past the mask."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = mask_secrets(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True
