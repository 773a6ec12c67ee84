"""Paying through the website's pages as a customer does: the form, the confirmation, the code when asked."""

from __future__ import annotations

import uuid

from banking.confirmation import one_time_code
from banking.models import PaymentChallenge


def ask_to_pay(client, *, payer: str, recipient: str, amount: str, comment: str = "", key: uuid.UUID | None = None):
    """The form sent: the confirmation page (or the form again with the refusal)."""
    return client.post(
        "/payments/new/",
        {
            "payer": payer,
            "recipient": recipient,
            "amount": amount,
            "comment": comment,
            "idempotency_key": str(key or uuid.uuid4()),
        },
    )


def confirm(client, confirmation):
    """ "Confirm" pressed on a confirmation page: the receipt's redirect, the code page's, or a refusal."""
    form = confirmation.context["form"]
    return client.post("/payments/confirm/", {name: form[name].value() or "" for name in form.fields})


def enter_code(client, challenge: PaymentChallenge, code: str | None = None):
    """The code typed on the code page; the right one (made as the SMS makes it) unless ``code`` is given."""
    challenge = PaymentChallenge.objects.select_related("payer", "payee").get(pk=challenge.pk)
    return client.post(f"/payments/code/{challenge.pk}/", {"code": one_time_code(challenge) if code is None else code})


def pay_through_pages(client, *, payer: str, recipient: str, amount: str, comment: str = ""):
    """The whole way to the receipt's redirect, with the code when the payment needs one."""
    confirmation = ask_to_pay(client, payer=payer, recipient=recipient, amount=amount, comment=comment)
    assert confirmation.status_code == 200, confirmation.content.decode()[:2000]
    done = confirm(client, confirmation)
    if "/payments/code/" in done.get("Location", ""):
        challenge_id = int(done["Location"].rstrip("/").rsplit("/", 1)[-1])
        done = enter_code(client, PaymentChallenge.objects.get(pk=challenge_id))
    return done
