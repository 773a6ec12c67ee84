"""The chat pages: who may open which, what they show, and that they stay cheap."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chat import services
from chat.models import Conversation
from surveys.models import Survey
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def agent():
    return StaffFactory(chat_agent=True)


@pytest.fixture
def active(customer, agent):
    conversation = services.start_conversation(customer=customer, topic="Card")
    return services.claim_conversation(conversation_id=conversation.pk, agent=agent)


def closed(conversation):
    return services.close_conversation(conversation_id=conversation.pk, by=conversation.customer)


def every_page(conversation):
    return [
        reverse("chat:conversations"),
        reverse("chat:conversation", args=[conversation.pk]),
        reverse("chat:agent_desk"),
        reverse("chat:agent_conversation", args=[conversation.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, active):
    for url in every_page(active):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:login")), url
    response = client.post(reverse("chat:rate", args=[active.pk]), {"rating": 5})
    assert response["Location"].startswith(reverse("portal:login"))


def test_a_customer_cannot_open_another_customers_conversation(client, active):
    client.force_login(CustomerFactory())
    assert client.get(reverse("chat:conversation", args=[active.pk])).status_code == 404
    closed(active)
    response = client.post(reverse("chat:rate", args=[active.pk]), {"rating": 1})
    assert response.status_code == 404
    assert not Survey.objects.exists()


@pytest.mark.parametrize("who", ["customer", "staff, not an agent"])
def test_only_chat_agents_open_agent_pages(client, active, who):
    client.force_login(active.customer if who == "customer" else StaffFactory())
    assert client.get(reverse("chat:agent_desk")).status_code == 403
    assert client.get(reverse("chat:agent_conversation", args=[active.pk])).status_code == 403


def test_staff_who_are_not_customers_get_no_customer_pages(client, active):
    client.force_login(StaffFactory())
    assert client.get(reverse("chat:conversations")).status_code == 403
    assert client.get(reverse("chat:conversation", args=[active.pk])).status_code == 403


def test_an_agent_opening_the_customer_list_is_sent_to_the_desk(client, agent):
    client.force_login(agent)
    assert client.get(reverse("chat:conversations"))["Location"] == reverse("chat:agent_desk")


def test_an_agent_opens_only_conversations_they_claimed(client, active):
    client.force_login(StaffFactory(chat_agent=True))
    assert client.get(reverse("chat:agent_conversation", args=[active.pk])).status_code == 404
    client.force_login(active.agent)
    assert client.get(reverse("chat:agent_conversation", args=[active.pk])).status_code == 200


def test_a_customer_starts_a_conversation_and_lands_on_it(client, customer):
    client.force_login(customer)
    response = client.post(reverse("chat:conversations"), {"topic": "Lost card"})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("chat:conversation", args=[conversation.pk])
    assert (conversation.customer, conversation.topic, conversation.status) == (customer, "Lost card", "waiting")
    page = client.get(response["Location"]).content.decode()
    assert "Lost card" in page
    assert "data-chat-panel" in page
    assert "chat/conversation.js" in page


def test_a_fourth_open_conversation_is_refused_with_a_message(client, customer):
    client.force_login(customer)
    for _ in range(services.MAX_OPEN_CONVERSATIONS):
        services.start_conversation(customer=customer)
    response = client.post(reverse("chat:conversations"), {"topic": "again"})
    assert response.status_code == 200
    assert "close one before starting another" in response.content.decode()
    assert Conversation.objects.count() == services.MAX_OPEN_CONVERSATIONS


def test_messages_are_shown_as_text_never_as_html(client, active):
    services.post_message(
        conversation_id=active.pk, sender=active.customer, client_message_id="x", text="<script>alert(1)</script>"
    )
    for who, url in (
        (active.customer, reverse("chat:conversation", args=[active.pk])),
        (active.agent, reverse("chat:agent_conversation", args=[active.pk])),
    ):
        client.force_login(who)
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page


def test_pages_have_no_inline_scripts(client, active):
    client.force_login(active.agent)
    for url in (reverse("chat:agent_desk"), reverse("chat:agent_conversation", args=[active.pk])):
        page = client.get(url).content.decode()
        for attributes in re.findall(r"<script([^>]*)>", page):
            assert " src=" in attributes or 'type="application/json"' in attributes, attributes


class TestRating:
    def test_the_rating_form_appears_once_the_conversation_is_closed(self, client, active):
        client.force_login(active.customer)
        url = reverse("chat:conversation", args=[active.pk])
        assert 'name="rating"' not in client.get(url).content.decode()
        closed(active)
        assert 'name="rating"' in client.get(url).content.decode()

    def test_rating_stores_a_chat_survey_and_thanks_the_customer(self, client, active):
        closed(active)
        client.force_login(active.customer)
        response = client.post(reverse("chat:rate", args=[active.pk]), {"rating": "4", "comment": "Fast"}, follow=True)
        survey = Survey.objects.get()
        assert (survey.rating, survey.text, survey.source, survey.kind) == (4, "Fast", "chat", "chat_rating")
        assert survey.client_id == active.customer.client_id
        page = response.content.decode()
        assert "Thank you for your rating." in page
        assert 'name="rating"' not in page

    @pytest.mark.parametrize("rating", ["", "0", "6", "five"])
    def test_a_bad_rating_is_refused_with_a_message(self, client, active, rating):
        closed(active)
        client.force_login(active.customer)
        response = client.post(reverse("chat:rate", args=[active.pk]), {"rating": rating}, follow=True)
        assert "Choose a rating from 1 to 5." in response.content.decode()
        assert not Survey.objects.exists()

    def test_an_overlong_comment_is_refused_with_its_own_message(self, client, active):
        closed(active)
        client.force_login(active.customer)
        response = client.post(
            reverse("chat:rate", args=[active.pk]), {"rating": "3", "comment": "x" * 2001}, follow=True
        )
        assert "at most 2000 characters" in response.content.decode()
        assert not Survey.objects.exists()

    def test_an_open_conversation_cannot_be_rated(self, client, active):
        client.force_login(active.customer)
        response = client.post(reverse("chat:rate", args=[active.pk]), {"rating": "5"}, follow=True)
        assert "can be rated once it is closed" in response.content.decode()
        assert not Survey.objects.exists()


class TestQueryCounts:
    def test_the_conversation_page_does_not_grow_with_its_history(self, client, active, django_assert_num_queries):
        client.force_login(active.customer)
        url = reverse("chat:conversation", args=[active.pk])
        client.get(url)
        for sender, n in ((active.customer, 1), (active.agent, 2)):
            services.post_message(conversation_id=active.pk, sender=sender, client_message_id=str(n), text="hi")
        with django_assert_num_queries(4) as few:
            client.get(url)
        for n in range(20):
            services.post_message(conversation_id=active.pk, sender=active.agent, client_message_id=f"m{n}", text="hi")
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(url)

    def test_the_customers_list_does_not_grow_with_conversations(self, client, customer, django_assert_num_queries):
        client.force_login(customer)
        url = reverse("chat:conversations")
        services.start_conversation(customer=customer)
        with django_assert_num_queries(4) as few:  # session, account, business hours, conversations
            client.get(url)
        for _ in range(2):
            conversation = services.start_conversation(customer=customer)
            services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(url)


def test_russian_chat_headers_name_people_without_declining_their_names():
    """Russian would decline a name after "с" or "для"; the headers put it after a colon, where it stays as it is."""
    from django.utils import translation

    from chat.views import chat_labels

    with translation.override("ru"):
        labels = chat_labels()
    named = {key: text for key, text in labels.items() if "%(name)s" in text}
    assert set(named) >= {"agent_label", "customer_label", "new_customer"}
    assert all(text.endswith(": %(name)s") for text in named.values()), named
    assert labels["agent_label"] % {"name": "Флорентин Филиппов"} == "Оператор: Флорентин Филиппов"
