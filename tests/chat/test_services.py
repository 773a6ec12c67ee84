"""The chat's rules, through its services: who may do what, and what is stored."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from chat import services
from chat.models import ChatMessage, Conversation
from chat.selectors import SignIn
from surveys.models import Survey
from tests.factories import CustomerFactory, StaffFactory, session_key_for

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


def post(conversation, sender, client_id="m1", text="Hello", signed_in=None):
    return services.post_message(
        conversation_id=conversation.pk, sender=sender, client_message_id=client_id, text=text, signed_in=signed_in
    )


def signed_in(account) -> SignIn:
    """What a chat socket of this login opens with: a fresh session and the password as it is now."""
    return SignIn(session_key=session_key_for(account), password=account.password)


class TestStart:
    def test_a_customer_starts_a_waiting_conversation_with_a_tidy_topic(self, customer):
        conversation = services.start_conversation(customer=customer, topic="  my   card \n is blocked ")
        assert conversation.status == Conversation.Status.WAITING
        assert conversation.topic == "my card is blocked"
        assert conversation.agent is None

    def test_staff_without_a_client_cannot_start_one(self, agent):
        with pytest.raises(services.NotAllowed):
            services.start_conversation(customer=agent)
        assert not Conversation.objects.exists()

    def test_a_topic_over_200_characters_is_refused(self, customer):
        with pytest.raises(services.ChatError, match="200"):
            services.start_conversation(customer=customer, topic="x" * 201)

    def test_at_most_three_open_conversations(self, customer):
        for _ in range(services.MAX_OPEN_CONVERSATIONS):
            services.start_conversation(customer=customer)
        with pytest.raises(services.TooManyOpenConversations):
            services.start_conversation(customer=customer)
        services.close_conversation(conversation_id=Conversation.objects.first().pk, by=customer)
        services.start_conversation(customer=customer)  # closing one makes room
        assert Conversation.objects.count() == services.MAX_OPEN_CONVERSATIONS + 1


class TestClaim:
    def test_an_agent_claims_a_waiting_conversation(self, customer, agent):
        conversation = services.start_conversation(customer=customer)
        claimed = services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        assert claimed.status == Conversation.Status.ACTIVE
        assert claimed.agent == agent
        assert claimed.claimed_at is not None

    def test_a_second_agent_loses_and_the_first_keeps_it(self, active):
        with pytest.raises(services.AlreadyClaimed):
            services.claim_conversation(conversation_id=active.pk, agent=StaffFactory(chat_agent=True))
        active.refresh_from_db()
        assert active.agent.pk == active.agent_id

    def test_claiming_again_by_the_same_agent_is_harmless(self, active):
        again = services.claim_conversation(conversation_id=active.pk, agent=active.agent)
        assert again.agent_id == active.agent_id
        assert again.claimed_at == active.claimed_at

    def test_only_chat_agents_claim(self, customer):
        conversation = services.start_conversation(customer=customer)
        for outsider in (CustomerFactory(), StaffFactory()):
            with pytest.raises(services.NotAllowed):
                services.claim_conversation(conversation_id=conversation.pk, agent=outsider)
        assert Conversation.objects.get().status == Conversation.Status.WAITING

    def test_a_closed_or_missing_conversation_cannot_be_claimed(self, customer, agent):
        conversation = services.start_conversation(customer=customer)
        services.close_conversation(conversation_id=conversation.pk, by=customer)
        with pytest.raises(services.ConversationClosed):
            services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        with pytest.raises(services.ConversationNotFound):
            services.claim_conversation(conversation_id=conversation.pk + 100, agent=agent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_agents_claiming_at_the_same_moment_exactly_one_wins():
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's shared in-memory test database locks whole tables between threads; "
            "test_multiprocess races two agents on a SQLite file instead"
        )
    customer = CustomerFactory()
    agents = [StaffFactory(chat_agent=True) for _ in range(4)]
    conversation = services.start_conversation(customer=customer)
    start = threading.Barrier(len(agents))
    results: dict[int, str] = {}

    def claim(agent):
        try:
            start.wait()
            services.claim_conversation(conversation_id=conversation.pk, agent=agent)
            results[agent.pk] = "won"
        except services.AlreadyClaimed:
            results[agent.pk] = "lost"
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["lost", "lost", "lost", "won"]
    winner = next(pk for pk, result in results.items() if result == "won")
    assert Conversation.objects.get().agent_id == winner


class TestPostMessage:
    def test_the_customer_may_write_while_waiting(self, customer):
        conversation = services.start_conversation(customer=customer)
        message, created = post(conversation, customer)
        assert created
        assert message.text == "Hello"

    def test_an_agent_writes_only_after_claiming_it(self, customer, agent):
        conversation = services.start_conversation(customer=customer)
        with pytest.raises(services.NotAllowed):
            post(conversation, agent)
        services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        assert post(conversation, agent)[1]

    def test_strangers_cannot_write(self, active):
        for stranger in (CustomerFactory(), StaffFactory(chat_agent=True)):
            with pytest.raises(services.NotAllowed):
                post(active, stranger)
        assert not ChatMessage.objects.exists()

    @pytest.mark.postgres
    def test_a_resent_message_is_stored_once(self, active):
        first, created_first = post(active, active.customer, client_id="abc")
        again, created_again = post(active, active.customer, client_id="abc")
        assert (created_first, created_again) == (True, False)
        assert again.pk == first.pk
        assert ChatMessage.objects.count() == 1

    def test_the_same_client_id_from_the_other_side_is_another_message(self, active):
        post(active, active.customer, client_id="1")
        post(active, active.agent, client_id="1")
        assert ChatMessage.objects.count() == 2

    @pytest.mark.parametrize(
        ("text", "error"),
        [
            ("", services.InvalidMessage),
            ("   \n", services.InvalidMessage),
            (None, services.InvalidMessage),
            ("x" * 4001, services.MessageTooLong),
            ("nul\x00byte", services.InvalidMessage),
        ],
    )
    def test_bad_text_is_refused_and_nothing_is_stored(self, active, text, error):
        with pytest.raises(error):
            post(active, active.customer, text=text)
        assert not ChatMessage.objects.exists()

    def test_exactly_4000_characters_are_fine(self, active):
        assert len(post(active, active.customer, text="я" * 4000)[0].text) == 4000

    @pytest.mark.parametrize("client_id", ["", "   ", "x" * 65, 17, None])
    def test_a_missing_or_bad_client_id_is_refused(self, active, client_id):
        with pytest.raises(services.InvalidMessage):
            post(active, active.customer, client_id=client_id)

    def test_nobody_writes_into_a_closed_conversation_but_a_resend_still_gets_its_message(self, active):
        stored, _ = post(active, active.customer, client_id="before-close")
        services.close_conversation(conversation_id=active.pk, by=active.agent)
        with pytest.raises(services.ConversationClosed):
            post(active, active.customer, client_id="after-close")
        assert post(active, active.customer, client_id="before-close") == (stored, False)

    def test_a_message_to_a_conversation_that_does_not_exist_is_refused(self, customer):
        with pytest.raises(services.ConversationNotFound):
            services.post_message(conversation_id=999_999, sender=customer, client_message_id="m", text="Hi")
        assert not ChatMessage.objects.exists()

    def test_a_refused_message_takes_no_number(self, active):
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.ConversationClosed):
            post(active, active.agent, client_id="late")
        with pytest.raises(services.NotAllowed):
            post(active, StaffFactory(chat_agent=True))
        assert Conversation.objects.get().last_message_seq == 0

    def test_the_agents_first_answer_is_stamped_once_and_the_customers_messages_never(self, active):
        post(active, active.customer, client_id="c-1")
        assert Conversation.objects.get().first_response_at is None
        post(active, active.agent, client_id="a-1")
        answered = Conversation.objects.get().first_response_at
        post(active, active.agent, client_id="a-2")
        post(active, active.customer, client_id="c-2")
        assert answered is not None and Conversation.objects.get().first_response_at == answered

    def test_a_message_costs_three_statements_in_one_transaction(self, active, django_assert_num_queries):
        post(active, active.customer, client_id="first")  # the first message also tells the desks
        # SAVEPOINT (the test's transaction holds the message's), the conversation's number taken with the
        # sender's right to write, the conversation read, the message inserted, RELEASE.
        with django_assert_num_queries(5):
            post(active, active.agent, client_id="second")
        # From a chat socket the session is checked in the same UPDATE: no statement more.
        sign_in = signed_in(active.agent)
        with django_assert_num_queries(5):
            post(active, active.agent, client_id="third", signed_in=sign_in)
        assert active.messages.count() == 3


class TestSignedIn:
    """A message from a chat socket is stored only while the socket's session still signs its sender in."""

    @pytest.mark.parametrize("how", ["logout", "expiry", "password change", "deactivated", "no session"])
    def test_a_message_after_the_session_ended_is_refused_and_takes_no_number(self, active, how):
        sign_in = signed_in(active.customer)
        post(active, active.customer, client_id="before", signed_in=sign_in)
        if how == "logout":
            Session.objects.filter(pk=sign_in.session_key).delete()
        elif how == "expiry":
            Session.objects.filter(pk=sign_in.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
        elif how == "password change":
            customer = Account.objects.get(pk=active.customer.pk)
            customer.set_password("a new password 123")
            customer.save(update_fields=["password"])
        elif how == "deactivated":
            Account.objects.filter(pk=active.customer.pk).update(is_active=False)
        else:
            sign_in = SignIn(session_key="", password=sign_in.password)
        with pytest.raises(services.SessionEnded):
            post(active, active.customer, client_id="after", signed_in=sign_in)
        assert list(active.messages.values_list("client_message_id", flat=True)) == ["before"]
        assert Conversation.objects.get().last_message_seq == 1

    def test_another_logins_session_signs_nobody_else_in(self, active):
        with pytest.raises(services.SessionEnded):
            post(active, active.customer, signed_in=signed_in(active.agent))
        assert not active.messages.exists()

    def test_a_refusal_for_another_reason_is_still_that_reason(self, active):
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.ConversationClosed):
            post(active, active.agent, signed_in=signed_in(active.agent))


class TestClose:
    def test_either_side_closes_and_closing_twice_changes_nothing(self, active):
        closed = services.close_conversation(conversation_id=active.pk, by=active.customer)
        assert closed.status == Conversation.Status.CLOSED
        again = services.close_conversation(conversation_id=active.pk, by=active.agent)
        assert again.closed_at == closed.closed_at

    def test_a_stranger_cannot_close(self, active):
        with pytest.raises(services.NotAllowed):
            services.close_conversation(conversation_id=active.pk, by=StaffFactory(chat_agent=True))
        active.refresh_from_db()
        assert active.status == Conversation.Status.ACTIVE


class TestRate:
    def test_the_rating_is_kept_as_a_chat_survey_of_the_customers_client(self, active):
        services.close_conversation(conversation_id=active.pk, by=active.agent)
        survey = services.rate_conversation(
            conversation_id=active.pk, customer=active.customer, rating=4, comment=" quick answer "
        )
        assert (survey.client_id, survey.rating, survey.text) == (active.customer.client_id, 4, "quick answer")
        assert (survey.kind, survey.source) == (Survey.Kind.CHAT_RATING, Survey.Source.CHAT)
        active.refresh_from_db()
        assert active.rating == survey

    def test_an_open_conversation_cannot_be_rated(self, active):
        with pytest.raises(services.RatingRefused):
            services.rate_conversation(conversation_id=active.pk, customer=active.customer, rating=5)
        assert not Survey.objects.exists()

    @pytest.mark.postgres
    def test_rating_twice_is_refused_and_keeps_one_survey(self, active):
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        services.rate_conversation(conversation_id=active.pk, customer=active.customer, rating=5)
        with pytest.raises(services.RatingRefused):
            services.rate_conversation(conversation_id=active.pk, customer=active.customer, rating=1)
        assert Survey.objects.get().rating == 5

    @pytest.mark.parametrize("rating", [0, 6, "5", True, None])
    def test_a_rating_outside_1_to_5_is_refused(self, active, rating):
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.RatingRefused):
            services.rate_conversation(conversation_id=active.pk, customer=active.customer, rating=rating)
        assert not Survey.objects.exists()

    def test_another_customer_cannot_rate_it(self, active):
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.ConversationNotFound):
            services.rate_conversation(conversation_id=active.pk, customer=CustomerFactory(), rating=5)


class TestMessageNumbers:
    def test_messages_are_numbered_without_gaps_even_when_one_is_resent(self, customer, agent):
        conversation = services.claim_conversation(
            conversation_id=services.start_conversation(customer=customer).pk, agent=agent
        )
        first, _created = post(conversation, customer, "c-1")
        again, created = post(conversation, customer, "c-1")  # the same message sent twice: stored once
        reply, _created = post(conversation, agent, "a-1", "Good afternoon")
        assert (first.seq, again.seq, created, reply.seq) == (1, 1, False, 2)
        assert Conversation.objects.get().last_message_seq == 2
        other = services.start_conversation(customer=CustomerFactory())
        assert post(other, other.customer, "c-1")[0].seq == 1  # each conversation counts from 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_messages_sent_at_the_same_moment_get_consecutive_numbers():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables between threads")
    customer, agent = CustomerFactory(), StaffFactory(chat_agent=True)
    conversation = services.claim_conversation(
        conversation_id=services.start_conversation(customer=customer).pk, agent=agent
    )
    senders = [customer, agent] * 4
    start = threading.Barrier(len(senders))

    def send(n, sender):
        try:
            start.wait()
            post(conversation, sender, f"m-{n}", f"message {n}")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n, sender)) for n, sender in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(ChatMessage.objects.values_list("seq", flat=True)) == list(range(1, len(senders) + 1))
