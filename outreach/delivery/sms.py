"""SMS through SMSC.ru's HTTP API (``/sys/send.php``, JSON answers), or into files under var/sms/ in the demo.

SMSC.ru answers ``{"id": <id>, "cnt": <parts>}`` when it took the message, and ``{"error": "…",
"error_code": N}`` when it did not: 1 bad parameters, 2 wrong login or password (or an IP address not
allowed), 3 not enough money, 4 our IP address blocked for a while, 5 bad date, 6 message forbidden,
7 malformed phone number, 8 cannot be delivered to this number, 9 too many requests at once. We pass our
own message id (``id``), so that the provider's records name the delivery.
"""

from __future__ import annotations

from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from core.phones import InvalidPhone, parse_phone
from outreach.delivery.errors import PermanentFailure, TemporaryFailure
from outreach.models import Delivery
from outreach.transactional import payment_code_text

SMS_MAX_LENGTH = 1000  # SMSC.ru's limit for one message (it splits it into parts)
# The provider's errors that concern this message alone; the others concern every message (try later).
_MESSAGE_ERRORS = {1, 5, 6, 7, 8}


def sms_text(delivery: Delivery) -> str:
    text = payment_code_text(delivery) or f"{delivery.message.subject}. {delivery.message.body}"
    return text if len(text) <= SMS_MAX_LENGTH else text[: SMS_MAX_LENGTH - 1] + "…"


def check_phone(phone: str) -> str:
    """The number as the provider takes it; one that cannot be called fails its message alone."""
    try:
        return parse_phone(phone)
    except InvalidPhone as refusal:
        raise PermanentFailure(str(refusal)) from None


class SmscChannel:
    """SMSC.ru: login and password from SMSC_LOGIN and SMSC_PASSWORD, the server from SMSC_URL."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def send(self, delivery: Delivery) -> str:
        phone = check_phone(delivery.address)
        form = {
            "login": settings.SMSC_LOGIN,
            "psw": settings.SMSC_PASSWORD,
            "phones": phone,
            "mes": sms_text(delivery),
            "id": str(delivery.pk),
            "charset": "utf-8",
            "fmt": "3",
        }
        if settings.SMSC_SENDER:
            form["sender"] = settings.SMSC_SENDER
        try:
            response = self.session.post(f"{settings.SMSC_URL}/sys/send.php", data=form, timeout=10)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            raise TemporaryFailure(
                gettext("The SMS provider cannot be reached: %(reason)s") % {"reason": type(error).__name__}
            ) from None
        if "error_code" in answer:
            reason = gettext("The SMS provider refused the message: error %(code)s, %(text)s") % {
                "code": answer["error_code"],
                "text": answer.get("error", ""),
            }
            if int(answer["error_code"]) in _MESSAGE_ERRORS:
                raise PermanentFailure(reason)
            raise TemporaryFailure(reason)
        return str(answer.get("id", delivery.pk))

    def close(self) -> None:
        self.session.close()


class FileSmsChannel:
    """The demo's SMS: one text file per message under SMS_FILE_PATH, to open and read."""

    def send(self, delivery: Delivery) -> str:
        phone = check_phone(delivery.address)
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{timezone.now():%Y%m%d-%H%M%S}-{delivery.idempotency_key}.txt"
        path.write_text(f"To: {phone}\nId: {delivery.pk}\n\n{sms_text(delivery)}\n", encoding="utf-8")
        return path.name

    def close(self) -> None:
        pass


def sms_channel() -> SmscChannel | FileSmsChannel:
    return SmscChannel() if settings.SMS_BACKEND == "smsc" else FileSmsChannel()
