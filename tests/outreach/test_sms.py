"""SMS through SMSC.ru's HTTP API, against a local server that answers as the provider documents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.delivery import outbox
from outreach.delivery.sms_status import check_sms_statuses
from outreach.models import Delivery, DeliveryStatus, Message, MessageStatus
from outreach.services import compose_message
from tests.factories import LeadFactory
from tests.outreach.servers import free_port

pytestmark = pytest.mark.django_db


def write_to(phone: str) -> Message:
    """A lead without e-mail is written to by SMS; the worker's periodic job sends what is due."""
    return compose_message(author=None, lead=LeadFactory(phone=phone), subject="Вклад", body="Ставка 12% годовых.")


def test_an_sms_goes_to_the_provider_with_our_id_and_is_recorded_as_sent(smsc):
    message = write_to("+79161234567")
    assert outbox.deliver_due() == 1

    delivery = Delivery.objects.get(message=message)
    [request] = smsc.requests
    assert request == {
        "login": "bank",
        "psw": "secret",
        "phones": "+79161234567",
        "mes": "Вклад. Ставка 12% годовых.",
        "id": str(delivery.pk),
        "charset": "utf-8",
        "fmt": "3",
    }
    assert (delivery.channel, delivery.status, delivery.provider_id) == ("sms", DeliveryStatus.SENT, str(delivery.pk))
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_a_number_the_provider_rejects_fails_that_message_alone(smsc):
    smsc.answers["+79160000000"] = 7
    bad, good = write_to("+79160000000"), write_to("+79161234567")
    assert outbox.deliver_due() == 1
    failed = Delivery.objects.get(message=bad)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.last_error == "The SMS provider refused the message: error 7, invalid number"
    assert Delivery.objects.get(message=good).status == DeliveryStatus.SENT


def test_a_number_that_cannot_be_called_fails_before_reaching_the_provider(smsc):
    message = write_to("+70123456789")  # E.164 in shape, as the database requires, but no such Russian number
    outbox.deliver_due()
    delivery = Delivery.objects.get(message=message)
    assert smsc.requests == []
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("The phone number is not valid:")


@pytest.mark.parametrize(
    ("trouble", "reason"),
    [
        ("no_money", "The SMS provider refused the message: error 3, no money"),
        ("wrong_password", "The SMS provider refused the message: error 2, authorise error"),
        ("unreachable", "The SMS provider cannot be reached: ConnectionError"),
    ],
)
def test_when_the_provider_cannot_take_messages_they_stay_queued_with_the_reason(smsc, settings, trouble, reason):
    if trouble == "no_money":
        smsc.no_money = True
    elif trouble == "wrong_password":
        settings.SMSC_PASSWORD = "old"
    else:
        settings.SMSC_URL = "http://127.0.0.1:9"
    first, second = write_to("+79161234567"), write_to("+79161234568")
    assert outbox.deliver_due() == 0
    rows = Delivery.objects.filter(message__in=[first, second])
    assert {(row.status, row.attempts, row.last_error) for row in rows} == {(DeliveryStatus.AWAIT, 1, reason)}
    # The provider was asked once: the second message waits without a pointless request.
    assert len(smsc.requests) == (0 if trouble == "unreachable" else 1)
    assert Message.objects.get(pk=first.pk).status == MessageStatus.AWAIT


def test_the_demo_writes_each_sms_to_a_file_a_person_can_read(settings, tmp_path):
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", tmp_path
    write_to("+79161234567")
    assert outbox.deliver_due() == 1
    [sms] = tmp_path.iterdir()
    assert sms.read_text(encoding="utf-8").startswith("To: +79161234567\n")
    assert "Вклад. Ставка 12% годовых." in sms.read_text(encoding="utf-8")


def test_the_providers_status_moves_sent_sms_to_delivered_or_failed_and_waits_otherwise(smsc):
    reached, lost, waiting = write_to("+79161234567"), write_to("+79161234568"), write_to("+79161234569")
    assert outbox.deliver_due() == 3
    ids = {m.pk: str(Delivery.objects.get(message=m).pk) for m in (reached, lost, waiting)}
    smsc.statuses = {ids[reached.pk]: 1, ids[lost.pk]: 22}

    assert check_sms_statuses() == 2
    assert [request["id"] for request in smsc.status_requests] == sorted(ids.values(), key=int)
    statuses = {m.pk: Delivery.objects.get(message=m).status for m in (reached, lost, waiting)}
    assert statuses == {reached.pk: "delivered", lost.pk: "failed", waiting.pk: "sent"}
    assert (
        Delivery.objects.get(message=lost).last_error == "The SMS did not reach the phone: status 22 from the provider."
    )
    messages = {m.pk: Message.objects.get(pk=m.pk).status for m in (reached, lost, waiting)}
    assert messages == {
        reached.pk: MessageStatus.DELIVERED,
        lost.pk: MessageStatus.FAILED,
        waiting.pk: MessageStatus.SENT,
    }

    assert check_sms_statuses() == 0  # the waiting one is asked again only after a while
    assert len(smsc.status_requests) == 3
    smsc.statuses[ids[waiting.pk]] = 1
    assert check_sms_statuses(now=timezone.now() + timedelta(minutes=6)) == 1


def test_an_unreachable_provider_leaves_every_status_as_it_was(smsc, settings):
    write_to("+79161234567")
    outbox.deliver_due()
    settings.SMSC_URL = f"http://127.0.0.1:{free_port()}"
    assert check_sms_statuses() == 0
    assert Delivery.objects.get().status == DeliveryStatus.SENT
