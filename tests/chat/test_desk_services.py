"""The desk's rules, through its services and selectors: availability and automatic assignment by capacity,
transfer with private notes, saved replies and their placeholders, the customer's context, the queue's place."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from banking.services import deposit, open_bank_account
from campaigns.models import CampaignLead, Lead, LeadState, Product
from chat import assignment, replies, selectors, services
from chat.models import AgentSettings, Availability, Conversation, ConversationNote, SavedReply
from surveys.models import Survey
from tests.factories import CampaignFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def online(agent, capacity: int = 3):
    AgentSettings.objects.update_or_create(agent=agent, defaults={"capacity": capacity})
    return assignment.set_availability(agent=agent, availability=Availability.ONLINE)


def start(customer=None, topic: str = ""):
    return services.start_conversation(customer=customer or CustomerFactory(), topic=topic)


class TestAutomaticAssignment:
    def test_nobody_online_leaves_the_conversation_waiting(self):
        StaffFactory(chat_agent=True)  # away until they say otherwise
        assert start().status == Conversation.Status.WAITING

    def test_a_new_conversation_goes_to_the_online_agent_with_the_fewest_open(self):
        busy_one, free_one = (
            StaffFactory(chat_agent=True, first_name="Пётр"),
            StaffFactory(chat_agent=True, first_name="Ольга"),
        )
        online(busy_one)
        first = start()
        assert first.agent_id == busy_one.pk  # the only one online
        online(free_one)
        second = start()
        assert (second.status, second.agent_id) == (Conversation.Status.ACTIVE, free_one.pk)

    def test_capacity_is_never_exceeded_and_the_rest_wait_in_order(self):
        agent = StaffFactory(chat_agent=True)
        online(agent, capacity=2)
        conversations = [start() for _ in range(3)]
        assert [c.status for c in conversations] == ["active", "active", "waiting"]
        services.close_conversation(conversation_id=conversations[0].pk, by=agent)
        conversations[2].refresh_from_db()
        assert (conversations[2].status, conversations[2].agent_id) == ("active", agent.pk)  # room again

    def test_coming_online_takes_the_oldest_waiting_ones(self):
        waiting = [start() for _ in range(3)]
        agent = StaffFactory(chat_agent=True)
        online(agent, capacity=2)
        states = list(Conversation.objects.filter(pk__in=[c.pk for c in waiting]).order_by("created_at", "id"))
        expected = [("active", agent.pk), ("active", agent.pk), ("waiting", None)]
        assert [(c.status, c.agent_id) for c in states] == expected

    @pytest.mark.parametrize("availability", [Availability.BUSY, Availability.AWAY])
    def test_a_busy_or_away_agent_keeps_their_conversations_and_gets_no_new_one(self, availability):
        agent = StaffFactory(chat_agent=True)
        online(agent)
        kept = start()
        assignment.set_availability(agent=agent, availability=availability)
        assert start().status == "waiting"
        kept.refresh_from_db()
        assert kept.agent_id == agent.pk

    def test_manual_claim_still_works_and_ignores_capacity(self):
        agent = StaffFactory(chat_agent=True)
        online(agent, capacity=1)
        start()
        extra = start()
        assert services.claim_conversation(conversation_id=extra.pk, agent=agent).agent_id == agent.pk

    def test_only_chat_agents_have_an_availability_and_only_the_three_states(self):
        with pytest.raises(services.NotAllowed):
            assignment.set_availability(agent=StaffFactory(), availability="online")
        with pytest.raises(assignment.InvalidAvailability):
            assignment.set_availability(agent=StaffFactory(chat_agent=True), availability="sleeping")

    def test_the_database_refuses_a_capacity_out_of_range(self):
        with pytest.raises(IntegrityError):
            AgentSettings.objects.create(agent=StaffFactory(chat_agent=True), capacity=0)


class TestTransfer:
    @pytest.fixture
    def agents(self):
        return StaffFactory(chat_agent=True, first_name="Олег"), StaffFactory(chat_agent=True, first_name="Ирина")

    @pytest.fixture
    def active(self, agents):
        conversation = start(topic="Card")
        return services.claim_conversation(conversation_id=conversation.pk, agent=agents[0])

    def test_handed_to_a_colleague_with_a_note_the_customer_cannot_see(self, active, agents):
        moved = assignment.transfer_conversation(
            conversation_id=active.pk, by=agents[0], to_agent_id=agents[1].pk, note="Wants a new PIN"
        )
        assert (moved.status, moved.agent_id) == ("active", agents[1].pk)
        note = ConversationNote.objects.get(conversation=active)
        assert (note.author_id, note.text) == (agents[0].pk, "Wants a new PIN")
        assert not active.messages.exists()  # a note is not a message

    def test_back_to_the_queue_is_not_handed_straight_back(self, active, agents):
        online(agents[0])
        moved = assignment.transfer_conversation(conversation_id=active.pk, by=agents[0], to_agent_id=None)
        assert (moved.status, moved.agent_id, moved.claimed_at) == ("waiting", None, None)
        online(agents[1])
        moved.refresh_from_db()
        assert moved.agent_id == agents[1].pk

    def test_only_its_agent_can_transfer_and_only_to_a_chat_agent(self, active, agents):
        with pytest.raises(services.NotAllowed):
            assignment.transfer_conversation(conversation_id=active.pk, by=agents[1], to_agent_id=agents[1].pk)
        for target in (StaffFactory().pk, active.customer_id, agents[0].pk, 999_999):
            with pytest.raises(assignment.TransferRefused):
                assignment.transfer_conversation(conversation_id=active.pk, by=agents[0], to_agent_id=target)
        services.close_conversation(conversation_id=active.pk, by=agents[0])
        with pytest.raises(services.ConversationClosed):
            assignment.transfer_conversation(conversation_id=active.pk, by=agents[0], to_agent_id=agents[1].pk)

    def test_notes_are_for_the_conversations_agent_and_not_empty(self, active, agents):
        assignment.add_note(conversation_id=active.pk, author=agents[0], text=" called back ")
        assert ConversationNote.objects.get().text == "called back"
        with pytest.raises(services.NotAllowed):
            assignment.add_note(conversation_id=active.pk, author=agents[1], text="x")
        with pytest.raises(services.NotAllowed):
            assignment.add_note(conversation_id=active.pk, author=active.customer, text="x")
        with pytest.raises(assignment.InvalidNote):
            assignment.add_note(conversation_id=active.pk, author=agents[0], text="   ")

    def test_transfer_targets_list_colleagues_online_first(self, agents):
        third = StaffFactory(chat_agent=True, first_name="Фёдор")
        online(third)
        targets = selectors.transfer_targets(agent=agents[0])
        assert [t["id"] for t in targets] == [third.pk, agents[1].pk]
        assert targets[0]["availability"] == "online"


class TestSavedReplies:
    def test_personal_replies_override_the_teams_and_placeholders_are_filled_safely(self):
        agent = StaffFactory(chat_agent=True, first_name="Олег", last_name="Кузнецов")
        SavedReply.objects.create(shortcut="hi", text="Team hello")
        SavedReply.objects.create(
            shortcut="bye", text="Goodbye, {first_name}! {agent_name}, {unknown}, {first_name.__class__}"
        )
        replies.save_personal_reply(
            agent=agent, shortcut="/Hi", text="Здравствуйте, {first_name}! Меня зовут {agent_first_name}."
        )
        chosen = {reply.shortcut: reply for reply in selectors.saved_replies(agent=agent)}
        assert set(chosen) == {"hi", "bye"} and chosen["hi"].owner_id == agent.pk
        customer = CustomerFactory(first_name="{agent_name}<b>", last_name="Смирнова")
        conversation = Conversation(customer=customer)
        values = replies.placeholder_values(conversation, agent)
        assert replies.fill(chosen["hi"].text, values) == "Здравствуйте, {agent_name}<b>! Меня зовут Олег."
        assert replies.fill(chosen["bye"].text, values) == (
            "Goodbye, {agent_name}<b>! Олег Кузнецов, {unknown}, {first_name.__class__}"
        )

    def test_bad_shortcuts_and_texts_are_refused_and_only_own_replies_deleted(self):
        agent, other = StaffFactory(chat_agent=True), StaffFactory(chat_agent=True)
        for shortcut, text in (("with space", "x"), ("", "x"), ("ok", "  "), ("x" * 33, "x"), ("привет", "x")):
            with pytest.raises(replies.ReplyRefused):
                replies.save_personal_reply(agent=agent, shortcut=shortcut, text=text)
        team = SavedReply.objects.create(shortcut="hi", text="Team")
        mine = replies.save_personal_reply(agent=agent, shortcut="hi", text="Mine")
        with pytest.raises(services.NotAllowed):
            replies.delete_personal_reply(agent=other, reply_id=mine.pk)
        with pytest.raises(services.NotAllowed):
            replies.delete_personal_reply(agent=agent, reply_id=team.pk)
        replies.delete_personal_reply(agent=agent, reply_id=mine.pk)
        assert list(SavedReply.objects.all()) == [team]

    def test_one_team_reply_per_shortcut_in_the_database(self):
        SavedReply.objects.create(shortcut="hi", text="a")
        with pytest.raises(IntegrityError):
            SavedReply.objects.create(shortcut="hi", text="b")


class TestCustomerContext:
    def test_the_assigned_agent_sees_accounts_operations_history_reviews_and_open_offers(
        self, django_assert_max_num_queries
    ):
        customer = CustomerFactory()
        agent = StaffFactory(chat_agent=True)
        bank_account = open_bank_account(owner=customer, currency="RUB")
        for n in range(12):
            deposit(bank_account=bank_account, amount=Decimal("100.50"), description=f"salary {n}")
        past = start(customer)
        services.claim_conversation(conversation_id=past.pk, agent=agent)
        services.close_conversation(conversation_id=past.pk, by=customer)
        services.rate_conversation(conversation_id=past.pk, customer=customer, rating=4, comment="ok")
        campaign = CampaignFactory(name="Вклад «Осень»")
        Product.objects.create(campaign=campaign, name="Вклад 12%", kind="deposit", cost=Decimal("10"))
        lead = Lead.objects.create(surname="Смирнова", name="Анна", phone="+79160000001", client=customer.client)
        CampaignLead.objects.create(campaign=campaign, lead=lead, state=LeadState.INTERESTED)
        closed_offer = CampaignFactory(name="Кредит")
        CampaignLead.objects.create(
            campaign=closed_offer,
            lead=Lead.objects.create(surname="С", name="А", phone="+79160000002", client=customer.client),
            state=LeadState.NOT_INTERESTED,
        )
        current = services.claim_conversation(conversation_id=start(customer).pk, agent=agent)

        with django_assert_max_num_queries(9):
            context = selectors.customer_context(agent=agent, conversation_id=current.pk)
            offers = [(o.campaign.name, [p.name for p in o.campaign.products.all()]) for o in context.offers]
        assert [a.masked_number for a in context.bank_accounts] == [bank_account.masked_number]
        assert context.bank_accounts[0].balance == Decimal("1206.00")
        assert len(context.operations) == 10 and context.operations[0].description == "salary 11"
        assert [c.pk for c in context.past_conversations] == [past.pk]
        assert [r.rating for r in context.reviews] == [4] and isinstance(context.reviews[0], Survey)
        assert offers == [("Вклад «Осень»", ["Вклад 12%"])]

    def test_nobody_but_the_assigned_agent_gets_the_context(self):
        customer, agent, other = CustomerFactory(), StaffFactory(chat_agent=True), StaffFactory(chat_agent=True)
        conversation = start(customer)
        assert selectors.customer_context(agent=agent, conversation_id=conversation.pk) is None  # not claimed
        services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        assert selectors.customer_context(agent=other, conversation_id=conversation.pk) is None
        assert selectors.customer_context(agent=customer, conversation_id=conversation.pk) is None
        services.close_conversation(conversation_id=conversation.pk, by=agent)
        assert selectors.customer_context(agent=agent, conversation_id=conversation.pk) is None


class TestQueuePlace:
    def test_place_and_estimate_from_recent_conversations(self):
        agent = StaffFactory(chat_agent=True)
        handled = start()
        services.claim_conversation(conversation_id=handled.pk, agent=agent)
        Conversation.objects.filter(pk=handled.pk).update(
            claimed_at=timezone.now() - dt.timedelta(minutes=10), status="closed", closed_at=timezone.now()
        )
        assert selectors.queue_snapshot().waiting == []
        first, second = start(), start()
        snapshot = selectors.queue_snapshot()
        assert snapshot.waiting == [first.pk, second.pk]
        assert snapshot.seconds_per_place == 600  # nobody online: one agent's pace
        assert snapshot.estimated_wait(2) == 1200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_customers_arriving_at_once_never_overfill_an_agent():
    """Eight customers start at the same moment with one online agent of capacity 2: the agent's settings row is
    locked while each is assigned, so exactly two conversations are theirs and the rest wait."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables between threads")
    agent = StaffFactory(chat_agent=True)
    online(agent, capacity=2)
    customers = [CustomerFactory() for _ in range(8)]
    gate = threading.Barrier(len(customers))
    failures: list[BaseException] = []

    def arrive(customer):
        try:
            gate.wait()
            services.start_conversation(customer=customer)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive, args=(customer,)) for customer in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert Conversation.objects.filter(agent=agent, status="active").count() == 2
    assert Conversation.objects.filter(status="waiting").count() == 6
