"""Back office: the outbox in admin, with its filters, and the actions "retry" and "cancel"."""

from __future__ import annotations

import pytest
from django.utils import timezone

from outreach.models import Delivery, DeliveryStatus, Message, MessageStatus
from outreach.services import compose_message
from tests.factories import AccountFactory, ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AccountFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_the_outbox_lists_deliveries_by_status_and_retries_and_cancels_them(admin_client):
    failed = compose_message(author=None, client=ClientFactory(email="a@example.com"), subject="Вклад", body="Текст")
    waiting = compose_message(author=None, client=ClientFactory(email="b@example.com"), subject="Карта", body="Текст")
    Delivery.objects.filter(message=failed).update(
        status=DeliveryStatus.FAILED, last_error="The mail server refused the address", finished_at=timezone.now()
    )
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)

    page = admin_client.get("/admin/outreach/delivery/?status__exact=failed")
    assert page.status_code == 200
    assert "a@example.com" in page.content.decode() and "b@example.com" not in page.content.decode()

    ids = [str(pk) for pk in Delivery.objects.order_by("pk").values_list("pk", flat=True)]
    answer = admin_client.post(
        "/admin/outreach/delivery/", {"action": "retry_delivery", "_selected_action": ids}, follow=True
    )
    assert "1 delivery will be retried now." in answer.content.decode()
    assert "Only a failed or cancelled delivery can be retried" in answer.content.decode()
    assert Delivery.objects.get(message=failed).status == DeliveryStatus.AWAIT
    assert Message.objects.get(pk=failed.pk).status == MessageStatus.AWAIT

    admin_client.post("/admin/outreach/delivery/", {"action": "cancel_delivery", "_selected_action": ids})
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    assert Message.objects.get(pk=waiting.pk).status == MessageStatus.FAILED
