"""The desk's frames over the real ASGI application: private notes never reach the customer's socket,
a transfer moves the conversation between agents' sockets, availability, the customer's place in the queue,
saved replies; and the security of the socket itself: it ends with its session, and the Origin must match
the site's scheme, host and port."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from chat import assignment, events, services
from chat.models import SavedReply
from chat.sockets import CloseCode
from tests.chat.conftest import Client, run
from tests.factories import CustomerFactory, StaffFactory

DESK = "/ws/chat/agent/"


def path(conversation) -> str:
    return f"/ws/chat/conversations/{conversation.pk}/"


@pytest.fixture
def customer(transactional_db):
    return CustomerFactory(first_name="Анна", last_name="Смирнова")


@pytest.fixture
def agents(transactional_db):
    return StaffFactory(chat_agent=True, first_name="Олег"), StaffFactory(chat_agent=True, first_name="Ирина")


@pytest.fixture
def active(customer, agents):
    conversation = services.start_conversation(customer=customer, topic="Card")
    return services.claim_conversation(conversation_id=conversation.pk, agent=agents[0])


def test_a_private_note_reaches_agents_and_never_the_customers_socket(ws, active, customer, agents):
    customer_socket, agent_socket = ws(path(active), customer), ws(path(active), agents[0])

    async def scenario():
        await customer_socket.connect()
        await customer_socket.frame("hello")
        await agent_socket.connect()
        await agent_socket.frame("hello")
        assert (await agent_socket.frame("notes"))["notes"] == []
        await agent_socket.send({"type": "note", "text": "Asked about a PIN twice"})
        note = (await agent_socket.frame("note"))["note"]
        assert (note["text"], note["author"]["id"]) == ("Asked about a PIN twice", agents[0].pk)
        await customer_socket.send({"type": "note", "text": "sneaky"})
        refused = await customer_socket.frame("error")
        assert refused["code"] == "not_allowed"
        await customer_socket.send({"type": "sync", "after_seq": 0})
        assert (await customer_socket.frame("history"))["messages"] == []
        await customer_socket.nothing_more("note", "notes")
        assert not any(frame["type"] in ("note", "notes") for frame in customer_socket.seen)

    run(scenario)


def test_transfer_with_a_note_moves_the_conversation_and_closes_the_old_agents_socket(ws, active, customer, agents):
    old_desk, new_desk = ws(DESK, agents[0]), ws(DESK, agents[1])
    old_socket, customer_socket = ws(path(active), agents[0]), ws(path(active), customer)
    new_socket = ws(path(active), agents[1])

    async def scenario():
        for socket in (old_desk, new_desk, old_socket, customer_socket):
            await socket.connect()
        await old_desk.frame("desk")
        await new_desk.frame("desk")
        await old_socket.frame("hello")
        await customer_socket.frame("hello")
        await old_desk.send({"type": "agents"})
        assert [agent["id"] for agent in (await old_desk.frame("agents"))["agents"]] == [agents[1].pk]
        await old_desk.send(
            {"type": "transfer", "conversation": active.pk, "to": agents[1].pk, "note": "Needs a card reissue"}
        )
        moved = (await old_desk.frame("transferred"))["conversation"]
        assert moved["agent"]["id"] == agents[1].pk
        assert (await new_desk.frame("conversation"))["conversation"]["agent"]["id"] == agents[1].pk
        assert (await customer_socket.frame("status"))["conversation"]["agent"]["name"] == "Ирина Петров"
        await old_socket.frame("status")
        assert await old_socket.closed_with() == CloseCode.FORBIDDEN
        await new_socket.connect()
        await new_socket.frame("hello")
        assert [note["text"] for note in (await new_socket.frame("notes"))["notes"]] == ["Needs a card reissue"]
        await customer_socket.nothing_more("note", "notes")

    run(scenario)


def test_availability_on_the_desk_hands_the_waiting_customer_to_the_agent(ws, customer, agents):
    waiting = services.start_conversation(customer=customer)
    desk, customer_socket = ws(DESK, agents[0]), ws(path(waiting), customer)

    async def scenario():
        await customer_socket.connect()
        await customer_socket.frame("hello")
        assert (await customer_socket.frame("queue"))["position"] == 1
        await desk.connect()
        assert (await desk.frame("desk"))["availability"] == "away"
        await desk.send({"type": "availability", "availability": "online"})
        assert (await desk.frame("availability"))["availability"] == "online"
        assigned = (await desk.frame("conversation"))["conversation"]
        assert (assigned["id"], assigned["status"], assigned["agent"]["id"]) == (waiting.pk, "active", agents[0].pk)
        assert (await customer_socket.frame("status"))["conversation"]["status"] == "active"
        await desk.send({"type": "availability", "availability": "asleep"})
        assert (await desk.frame("error"))["code"] == "invalid"

    run(scenario)


def test_a_waiting_customer_sees_their_place_move_up(ws, agents):
    first, second = CustomerFactory(), CustomerFactory()
    first_conversation = services.start_conversation(customer=first)
    second_conversation = services.start_conversation(customer=second)
    socket = ws(path(second_conversation), second)

    async def scenario():
        await socket.connect()
        await socket.frame("hello")
        assert (await socket.frame("queue"))["position"] == 2
        await database_sync_to_async(services.claim_conversation)(
            conversation_id=first_conversation.pk, agent=agents[0]
        )
        assert (await socket.frame("queue"))["position"] == 1

    run(scenario)


def test_only_waiting_customers_hear_the_queue_and_one_handed_back_hears_it_again(ws, agents):
    first, second = CustomerFactory(), CustomerFactory()
    first_conversation = services.start_conversation(customer=first)
    second_conversation = services.start_conversation(customer=second)
    first_socket, second_socket = ws(path(first_conversation), first), ws(path(second_conversation), second)

    def queue_listeners() -> int:
        return len(get_channel_layer().groups.get(events.QUEUE_GROUP, {}))

    async def scenario():
        for socket, place in ((first_socket, 1), (second_socket, 2)):
            await socket.connect()
            await socket.frame("hello")
            assert (await socket.frame("queue"))["position"] == place
        assert queue_listeners() == 2
        await database_sync_to_async(services.claim_conversation)(
            conversation_id=first_conversation.pk, agent=agents[0]
        )
        assert (await first_socket.frame("status"))["conversation"]["status"] == "active"
        assert (await second_socket.frame("queue"))["position"] == 1
        assert queue_listeners() == 1  # a queue change no longer reaches the customer being served
        await database_sync_to_async(assignment.transfer_conversation)(
            conversation_id=first_conversation.pk, by=agents[0], to_agent_id=None
        )
        assert (await first_socket.frame("status"))["conversation"]["status"] == "waiting"
        assert (await first_socket.frame("queue"))["position"] == 1  # it keeps its place: it came first
        assert (await second_socket.frame("queue"))["position"] == 2
        assert queue_listeners() == 2
        await first_socket.nothing_more("queue")

    run(scenario)


def test_an_agent_gets_saved_replies_filled_for_the_customer(ws, active, agents):
    SavedReply.objects.create(shortcut="hi", text="Здравствуйте, {first_name}!")
    socket = ws(path(active), agents[0])

    async def scenario():
        await socket.connect()
        await socket.frame("hello")
        frame = await socket.frame("replies")
        assert frame["replies"] == [{"shortcut": "hi", "text": "Здравствуйте, Анна!", "own": False}]

    run(scenario)


class TestSessionEnds:
    """A socket works only while the session it was opened with signs its user in."""

    def signed_in(self, account) -> SessionStore:
        session = SessionStore()
        session[SESSION_KEY] = str(account.pk)
        session["_auth_user_backend"] = "accounts.backends.AccountBackend"
        session[HASH_SESSION_KEY] = account.get_session_auth_hash()
        session.create()
        return session

    @pytest.mark.parametrize("how", ["logout", "password change", "expiry"])
    def test_the_next_frame_is_refused_and_the_socket_closed(self, ws, active, customer, how):
        session = self.signed_in(customer)
        client = Client(path(active), session_key=session.session_key)

        def end() -> None:
            if how == "logout":
                session.flush()
            elif how == "password change":
                customer.set_password("a new password 123")
                customer.save()
            else:
                Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

        async def scenario():
            await client.connect()
            await client.frame("hello")
            await client.send({"type": "ping"})
            await client.frame("pong")
            await database_sync_to_async(end)()
            if how == "password change":
                # A password change closes every socket of the login at once (chat.signals), before any frame.
                assert await client.closed_with() == CloseCode.NOT_AUTHENTICATED
                return
            await client.send({"type": "message", "client_id": "after", "text": "still there?"})
            refused = await client.frame("error")
            assert refused["code"] == "session_ended"
            assert await client.closed_with() == CloseCode.NOT_AUTHENTICATED

        run(scenario)
        assert not active.messages.exists()

    def test_a_message_refused_for_its_text_after_logout_still_ends_the_socket(self, active, customer):
        session = self.signed_in(customer)
        client = Client(path(active), session_key=session.session_key)

        async def scenario():
            await client.connect()
            await client.frame("hello")
            await database_sync_to_async(session.flush)()
            await client.send({"type": "message", "client_id": "empty", "text": "   "})
            refused = await client.frame("error")
            assert refused["code"] == "session_ended"
            assert await client.closed_with() == CloseCode.NOT_AUTHENTICATED

        run(scenario)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://testserver", True),
        ("https://testserver", False),  # another scheme
        ("http://testserver:8080", False),  # another port
        ("http://testserver.evil.example", False),
        ("null", False),
    ],
)
def test_the_origin_must_match_scheme_host_and_port(ws, active, customer, origin, allowed):
    client = ws(path(active), customer, origin=origin)

    async def scenario():
        connected, _code = await client.connect()
        assert connected is allowed

    run(scenario)


def test_a_trusted_origin_from_settings_is_allowed(ws, active, customer, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://bank.example"]
    client = ws(path(active), customer, origin="https://bank.example")

    async def scenario():
        assert (await client.connect())[0]

    run(scenario)


def test_where_the_site_is_https_only_an_http_origin_is_refused(ws, active, customer, settings):
    settings.SESSION_COOKIE_SECURE = True  # production: the site is served over https only

    plain, secure = (
        ws(path(active), customer, origin=origin) for origin in ("http://testserver", "https://testserver")
    )

    async def scenario():
        assert not (await plain.connect())[0]
        assert (await secure.connect())[0]

    run(scenario)
