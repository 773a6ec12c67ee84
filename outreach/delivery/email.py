"""E-mail through Django's e-mail API: SMTP in production, files under var/mail/ in the demo."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext

from outreach.delivery.consent import unsubscribe_url
from outreach.delivery.errors import PermanentFailure, TemporaryFailure
from outreach.models import Delivery, NotificationKind
from outreach.transactional import payment_code_text


def build_email(delivery: Delivery) -> EmailMessage:
    """The e-mail of one delivery: its Message-ID is the delivery's idempotency key, with an unsubscribe link."""
    try:
        validate_email(delivery.address)
    except ValidationError:
        raise PermanentFailure(
            gettext("“%(address)s” is not an e-mail address.") % {"address": delivery.address}
        ) from None
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    headers = {"Message-ID": f"<{delivery.idempotency_key}@{domain}>"}
    code_text = payment_code_text(delivery)
    if code_text is not None:  # a payment code: no unsubscribe link, one cannot opt out of confirming payments
        return EmailMessage(subject=delivery.message.subject, body=code_text, to=[delivery.address], headers=headers)
    if delivery.notification is not None:
        notification = delivery.notification
        subject, body = notification.subject, notification.body
        if notification.kind != NotificationKind.PASSWORD_RESET:
            body += "\n\n--\n{note}\n{link}\n".format(
                note=gettext("You can switch these e-mails off on the website:"),
                link=settings.SITE_URL + reverse("portal:notifications"),
            )
    else:
        message, link = delivery.message, unsubscribe_url(delivery.message)
        subject = message.subject
        body = "{body}\n\n--\n{note}\n{link}\n".format(
            body=message.body, note=gettext("To stop receiving messages from the bank, open this link:"), link=link
        )
        headers |= {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(subject=subject, body=body, to=[delivery.address], headers=headers)


class EmailChannel:
    """One connection to the mail server for a batch of e-mails; each ``send`` raises a ``DeliveryFailure``."""

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self.opened = False

    def send(self, delivery: Delivery) -> str:
        email = build_email(delivery)
        try:
            if not self.opened:
                self.connection.open()
                self.opened = True
            self.connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self.close()
            raise _failure(code, reply, gettext("The mail server refused the address")) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _failure(error.smtp_code, error.smtp_error, gettext("The mail server refused the e-mail")) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            self.close()
            raise TemporaryFailure(
                gettext("The mail server cannot be reached: %(reason)s") % {"reason": _reason(error)}
            ) from None
        except ValueError as error:  # an address Django cannot encode
            raise PermanentFailure(str(error)) from None
        return email.extra_headers["Message-ID"]

    def close(self) -> None:
        if self.opened:
            try:
                self.connection.close()
            finally:
                self.opened = False


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _failure(code: int, reply: bytes | str, what: str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    reason = f"{what}: {code} {text}"
    return PermanentFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)
