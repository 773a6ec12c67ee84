"""One-time payment codes leave through the outbox: the code is in the SMS or e-mail, and nowhere it is kept."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from banking.confirmation import confirm_with_code, one_time_code
from banking.models import PaymentChallenge
from outreach.delivery import outbox
from outreach.models import Delivery, DeliveryChannel, DeliveryStatus, Message, OptOut
from outreach.notifications import change_notification_settings
from outreach.payment_codes import request_payment_code, resend_payment_code
from outreach.selectors import customer_messages
from tests.factories import BankAccountFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer():
    return CustomerFactory(client__phone="+79161234567", client__email="ivan@example.com")


def ask(payer, *, amount: str = "15000.00") -> PaymentChallenge:
    payee = BankAccountFactory(
        owner=CustomerFactory(client__name="Иван", client__patronymic="Петрович", client__surname="Сидоров")
    )
    # The deposit that funds the payer would e-mail "money arrived" too; only the code is under test here.
    change_notification_settings(account=payer, money_arrived=False, personal_offers=True, chat_answers=True)
    return request_payment_code(
        initiated_by=payer,
        payer_number=BankAccountFactory(owner=payer, balance="20000").number,
        recipient=payee.number,
        amount=amount,
        idempotency_key=uuid.uuid4(),
    )


def stored_text() -> str:
    """Everything the outbox, the messages and the audit trail keep, as one text."""
    rows = [*Message.objects.values(), *Delivery.objects.values(), *AuditEvent.objects.values()]
    return "\n".join(str(value) for row in rows for value in row.values())


def test_the_code_goes_by_sms_and_is_kept_nowhere(smsc, payer, caplog, settings):
    settings.LANGUAGE_CODE = "ru"  # the bank's language, which the outbox writes in
    caplog.set_level(logging.DEBUG)
    challenge = ask(payer)
    code = one_time_code(challenge)
    assert outbox.deliver_due() == 1

    [request] = smsc.requests
    assert request["phones"] == "+79161234567"
    assert request["mes"] == (
        f"{code} — код подтверждения платежа. Платёж получателю Иван Петрович С. на сумму 15\u00a0000,00\u00a0₽. "
        "Код действует 5 минут. Никому его не сообщайте, даже сотрудникам банка."
    )
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status) == (DeliveryChannel.SMS, DeliveryStatus.SENT)
    assert code not in stored_text()
    assert code not in caplog.text
    assert "Иван Петрович С." in Message.objects.get().body  # what it was for stays, for the customer
    assert list(customer_messages(account=payer)) == []  # a code is not an offer


def test_without_a_phone_the_code_goes_by_e_mail_without_an_unsubscribe_link(smtp, settings):
    payer = CustomerFactory(client__phone="", client__email="anna@example.com")
    challenge = ask(payer)
    assert outbox.deliver_due() == 1
    [mail] = smtp.received
    assert mail["To"] == "anna@example.com"
    assert mail["Subject"] == "Payment confirmation code"
    assert mail.get_content().startswith(one_time_code(challenge))
    assert "List-Unsubscribe" not in mail
    assert "/unsubscribe/" not in mail.get_content()


def test_an_opt_out_from_offers_does_not_stop_a_payment_code(smsc, payer):
    OptOut.objects.create(client=payer.client, source="a call")
    ask(payer)
    assert outbox.deliver_due() == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_code_replaced_before_it_went_is_not_sent_and_the_new_one_is(smsc, payer):
    challenge = ask(payer)
    renewed = resend_payment_code(initiated_by=payer, challenge_id=challenge.pk)
    assert outbox.deliver_due() == 1
    first, second = Delivery.objects.order_by("pk")
    assert first.status == DeliveryStatus.FAILED
    assert first.last_error == "The payment was made or cancelled, or a newer code was sent."
    assert second.status == DeliveryStatus.SENT
    [request] = smsc.requests
    assert request["mes"].startswith(one_time_code(renewed))
    assert confirm_with_code(initiated_by=payer, challenge_id=challenge.pk, code=request["mes"][:6])


def test_a_code_that_expired_in_the_queue_is_not_sent(smsc, payer):
    challenge = ask(payer)
    PaymentChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now())
    outbox.deliver_due()
    assert smsc.requests == []
    assert Delivery.objects.get().last_error == "The code expired before it could be sent."


def test_asking_again_for_the_same_payment_sends_no_second_code(smsc, payer):
    challenge = ask(payer)
    again = request_payment_code(
        initiated_by=payer,
        payer_number=challenge.payer.number,
        recipient=challenge.payee.number,
        amount="15000",
        idempotency_key=challenge.idempotency_key,
    )
    assert again == challenge
    assert Delivery.objects.count() == 1
