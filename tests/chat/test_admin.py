"""The back office closes and reassigns conversations through the chat services: their rules and audit
apply, and the live parties hear of it over the channel layer as when they do it themselves."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from accounts import roles
from audit.models import AuditAction, AuditEvent
from chat import events, services
from chat.models import Conversation, ConversationStatus
from tests.admin_forms import messages_of, post_admin_form
from tests.factories import CustomerFactory, StaffFactory

# On PostgreSQL too: the services lock rows, and PostgreSQL refuses some locks that SQLite ignores.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def back_office(client):
    clerk = StaffFactory(roles=(roles.BACK_OFFICE,))
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    client.force_login(clerk)
    return client


@pytest.fixture
def active(db) -> Conversation:
    conversation = services.start_conversation(customer=CustomerFactory(), topic="Карта")
    return services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))


def listening(conversation: Conversation) -> str:
    """A channel in the conversation's group, as the customer's and the agent's sockets are."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.conversation_group(conversation.pk), channel)
    return channel


def heard(channel: str) -> dict:
    """The next event sent to the channel; a test fails (not hangs) when nothing was published."""

    async def receive() -> dict:
        return await asyncio.wait_for(get_channel_layer().receive(channel), timeout=2)

    return async_to_sync(receive)()


def change_url(conversation: Conversation) -> str:
    return reverse("admin:chat_conversation_change", args=[conversation.pk])


def test_reassigning_tells_the_parties_and_is_audited(
    back_office, active, in_memory_layer, django_capture_on_commit_callbacks
):
    former, newcomer = active.agent, StaffFactory(chat_agent=True)
    channel = listening(active)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_admin_form(back_office, change_url(active), agent=str(newcomer.pk))

    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.agent, active.status) == (newcomer, ConversationStatus.ACTIVE)
    event = heard(channel)
    assert event["type"] == "chat.status" and event["conversation"]["agent"]["id"] == newcomer.pk
    [audit] = AuditEvent.objects.filter(action=AuditAction.CHAT_REASSIGN)
    assert audit.target_id == str(active.pk) and newcomer.username in audit.summary
    with pytest.raises(services.NotAllowed):  # the former agent's socket can no longer write in it
        services.post_message(conversation_id=active.pk, sender=former, client_message_id="x", text="Добрый день")


def test_only_a_chat_agent_can_be_given_a_conversation(back_office, active):
    stranger = StaffFactory()
    response = post_admin_form(back_office, change_url(active), agent=str(stranger.pk))
    assert response.status_code == 200
    assert "is not a chat agent" in response.text
    assert Conversation.objects.get(pk=active.pk).agent_id != stranger.pk
    assert not AuditEvent.objects.filter(action=AuditAction.CHAT_REASSIGN).exists()


def test_status_is_read_only_and_the_close_action_closes_through_the_service(
    back_office, active, in_memory_layer, django_capture_on_commit_callbacks
):
    assert 'name="status"' not in back_office.get(change_url(active)).text
    channel = listening(active)
    changelist = reverse("admin:chat_conversation_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = back_office.post(
            changelist, {"action": "close_conversations", "_selected_action": [active.pk]}, follow=True
        )

    assert "1 conversation closed." in messages_of(response)
    assert heard(channel)["conversation"]["status"] == ConversationStatus.CLOSED
    active.refresh_from_db()
    assert active.status == ConversationStatus.CLOSED and active.closed_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.CHAT_CLOSE, target_id=str(active.pk)).count() == 1

    again = back_office.post(
        changelist, {"action": "close_conversations", "_selected_action": [active.pk]}, follow=True
    )
    assert any("This conversation is closed." in text for text in messages_of(again))
    assert AuditEvent.objects.filter(action=AuditAction.CHAT_CLOSE).count() == 1
