"""The desk's pages: the customer's context only for the conversation's agent, search among one's own
conversations, the widget's start without a form, and the widget on the customer's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chat import services
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def active():
    conversation = services.start_conversation(customer=CustomerFactory(first_name="Анна"), topic="Card")
    conversation = services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))
    services.post_message(
        conversation_id=conversation.pk, sender=conversation.customer, client_message_id="1", text="PIN blocked"
    )
    return conversation


def test_the_context_is_shown_to_the_assigned_agent_only(client, active):
    url = reverse("chat:agent_context", args=[active.pk])
    client.force_login(active.agent)
    page = client.get(url)
    assert page.status_code == 200 and "Customer: Анна Иванов" in page.content.decode()
    for stranger in (StaffFactory(chat_agent=True), active.customer):
        client.force_login(stranger)
        assert client.get(url).status_code in (403, 404)


def test_search_finds_own_conversations_by_text_name_and_day(client, active):
    client.force_login(active.agent)
    search = reverse("chat:agent_search")
    day = active.created_at.astimezone().date().isoformat()
    for params in ({"q": "pin"}, {"q": "анна"}, {"day": day}, {"q": "blocked", "day": day}):
        assert list(client.get(search, params).context["found"]) == [active], params
    assert client.get(search, {"q": "mortgage"}).context["found"] == []
    client.force_login(StaffFactory(chat_agent=True))
    assert client.get(search, {"q": "pin"}).context["found"] == []  # another agent's conversation
    assert client.get(search, {"day": "not a day"}).status_code == 200


def test_the_widget_starts_a_conversation_without_a_form_and_sits_on_customer_pages(client):
    customer = CustomerFactory()
    client.force_login(customer)
    assert 'id="chat-widget"' in client.get(reverse("portal:reviews")).content.decode()
    assert 'id="chat-widget"' not in client.get(reverse("chat:conversations")).content.decode()
    assert client.get(reverse("chat:current")).json()["conversation"] is None
    answer = client.post(reverse("chat:start"))
    assert answer.status_code == 201
    assert customer.conversations.get().pk == answer.json()["conversation"]
    resumed = client.get(reverse("chat:current")).json()
    assert resumed["conversation"] == answer.json()["conversation"] and resumed["labels"]["chat"] == "Chat"
    client.force_login(StaffFactory(chat_agent=True))
    assert client.post(reverse("chat:start")).status_code == 403
