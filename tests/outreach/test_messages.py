"""Personal messages: written to one client or one lead, start waiting, move through delivery."""

from __future__ import annotations

import pytest

from campaigns.models import LeadState
from outreach.models import Message, MessageStatus
from outreach.services import MessageError, change_message_status, compose_message
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    ClientFactory,
    LeadFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

FLOW = {
    ("await", "sent"),
    ("await", "failed"),
    ("sent", "delivered"),
    ("sent", "read"),
    ("sent", "failed"),
    ("delivered", "read"),
    ("failed", "await"),
}


def test_a_new_message_waits_to_be_sent_and_remembers_its_author_and_campaign():
    agent, campaign, lead = StaffFactory(telemarketing_agent=True), CampaignFactory(), LeadFactory()
    message = compose_message(author=agent, lead=lead, campaign=campaign, subject=" Вклад ", body="Ставка 12%")
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.subject, stored.lead, stored.client, stored.campaign, stored.written_by) == (
        MessageStatus.AWAIT,
        "Вклад",
        lead,
        None,
        campaign,
        agent,
    )


def test_a_lead_who_became_a_client_is_written_to_as_the_client():
    client = ClientFactory()
    lead = LeadFactory()
    lead.client = client
    lead.save()
    message = compose_message(author=None, lead=lead, subject="Карта", body="Готова")
    assert (message.client, message.lead) == (client, None)


@pytest.mark.parametrize(
    ("recipients", "subject", "body", "error"),
    [
        ({}, "s", "b", "Choose one recipient"),
        ({"both": True}, "s", "b", "Choose one recipient"),
        ({"lead": True}, "  ", "b", "Enter a subject"),
        ({"lead": True}, "x" * 201, "b", "longer than 200"),
        ({"lead": True}, "s", "", "Enter the text"),
        ({"lead": True}, "s", "x" * 4001, "longer than 4000"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(recipients, subject, body, error):
    lead, client = LeadFactory(), ClientFactory()
    people = {"lead": lead} if recipients.get("lead") else {}
    if recipients.get("both"):
        people = {"lead": lead, "client": client}
    with pytest.raises(MessageError, match=error):
        compose_message(author=None, subject=subject, body=body, **people)
    assert not Message.objects.exists()


def test_a_lead_who_asked_not_to_be_called_gets_no_messages_either():
    lead = LeadFactory()
    CampaignLeadFactory(campaign=CampaignFactory(), lead=lead, state=LeadState.DO_NOT_CALL)
    with pytest.raises(MessageError, match="asked not to be contacted"):
        compose_message(author=None, lead=lead, subject="s", body="b")
    assert not Message.objects.exists()


@pytest.mark.parametrize("start", MessageStatus.values)
@pytest.mark.parametrize("target", MessageStatus.values)
def test_every_status_change_is_allowed_or_refused(start, target):
    message = compose_message(author=None, client=ClientFactory(), subject="s", body="b")
    Message.objects.filter(pk=message.pk).update(status=start)
    message.refresh_from_db()
    if (start, target) in FLOW:
        change_message_status(message=message, status=target)
        stored = Message.objects.get(pk=message.pk)
        assert stored.status == target
        assert (stored.read_at is not None) == (target == MessageStatus.READ)
        assert (stored.sent_at is not None) == (target in ("sent", "delivered", "read"))
    else:
        with pytest.raises(MessageError):
            change_message_status(message=message, status=target)
        assert Message.objects.get(pk=message.pk).status == start


def test_delivery_stamps_sending_once_and_reading():
    message = compose_message(author=None, client=ClientFactory(), subject="s", body="b")
    change_message_status(message=message, status="sent")
    sent_at = message.sent_at
    change_message_status(message=message, status="delivered")
    change_message_status(message=message, status="read")
    stored = Message.objects.get(pk=message.pk)
    assert stored.sent_at == sent_at
    assert stored.read_at >= sent_at
    with pytest.raises(MessageError, match="Unknown message status"):
        change_message_status(message=message, status="lost")
