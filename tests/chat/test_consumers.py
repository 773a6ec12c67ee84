"""The chat websocket protocol (docs/chat-protocol.md), spoken to the real ASGI application."""

from __future__ import annotations

import json
import socket as tcp

import pytest
from channels.db import database_sync_to_async

from chat import services
from chat.models import ChatMessage, Conversation
from chat.sockets import ChatSocket, CloseCode
from tests.chat.conftest import run
from tests.factories import CustomerFactory, StaffFactory


def conversation_path(conversation) -> str:
    return f"/ws/chat/conversations/{conversation.pk}/"


DESK = "/ws/chat/agent/"


@pytest.fixture
def customer(transactional_db):
    return CustomerFactory(client__name="Анна")


@pytest.fixture
def agent(transactional_db):
    return StaffFactory(chat_agent=True, worker__name="Олег")


@pytest.fixture
def waiting(customer):
    return services.start_conversation(customer=customer, topic="Card blocked")


@pytest.fixture
def active(waiting, agent):
    return services.claim_conversation(conversation_id=waiting.pk, agent=agent)


class TestRefusals:
    """Every refusal closes the socket with its documented code."""

    @pytest.mark.parametrize(
        ("who", "where", "code"),
        [
            ("anonymous", "conversation", CloseCode.NOT_AUTHENTICATED),
            ("anonymous", "desk", CloseCode.NOT_AUTHENTICATED),
            ("other customer", "conversation", CloseCode.NOT_FOUND),
            ("other customer", "missing conversation", CloseCode.NOT_FOUND),
            ("other agent", "conversation", CloseCode.FORBIDDEN),
            ("other agent", "missing conversation", CloseCode.FORBIDDEN),
            ("staff, not an agent", "conversation", CloseCode.NOT_FOUND),
            ("staff, not an agent", "desk", CloseCode.FORBIDDEN),
            ("other customer", "desk", CloseCode.FORBIDDEN),
            ("other customer", "unknown path", CloseCode.NOT_FOUND),
        ],
    )
    def test_refused_with_its_close_code(self, ws, active, who, where, code):
        user = {
            "anonymous": None,
            "other customer": CustomerFactory(),
            "other agent": StaffFactory(chat_agent=True),
            "staff, not an agent": StaffFactory(),
        }[who]
        path = {
            "conversation": conversation_path(active),
            "missing conversation": f"/ws/chat/conversations/{active.pk + 1000}/",
            "desk": DESK,
            "unknown path": "/ws/nothing/here/",
        }[where]
        client = ws(path, user)

        async def scenario():
            assert await client.connect() == (True, None)
            assert await client.closed_with() == code

        run(scenario)

    def test_an_agent_may_not_join_a_waiting_conversation_before_claiming_it(self, ws, waiting, agent):
        client = ws(conversation_path(waiting), agent)

        async def scenario():
            await client.connect()
            assert await client.closed_with() == CloseCode.FORBIDDEN

        run(scenario)

    @pytest.mark.parametrize("origin", ["http://evil.example", None])
    def test_a_foreign_or_missing_origin_is_refused_at_the_handshake(self, ws, active, origin):
        client = ws(conversation_path(active), active.customer, origin=origin)

        async def scenario():
            connected, _code = await client.connect()
            assert not connected

        run(scenario)

    def test_a_session_of_a_deactivated_account_is_anonymous(self, ws, active):
        client = ws(conversation_path(active), active.customer)
        active.customer.is_active = False
        active.customer.save()

        async def scenario():
            await client.connect()
            assert await client.closed_with() == CloseCode.NOT_AUTHENTICATED

        run(scenario)


class TestConversationFlow:
    def test_customer_and_agent_chat_type_see_presence_and_close(self, ws, waiting, customer, agent):
        customer_socket = ws(conversation_path(waiting), customer)
        desk = ws(DESK, agent)
        agent_socket = ws(conversation_path(waiting), agent)  # joins once the agent has claimed it

        async def scenario():
            await customer_socket.connect()
            hello = await customer_socket.frame("hello")
            assert hello["role"] == "customer"
            assert hello["conversation"]["status"] == "waiting"
            assert hello["last_message_id"] == 0
            assert (await customer_socket.frame("agents_online"))["count"] == 0

            # The customer may write while waiting.
            await customer_socket.send({"type": "message", "client_id": "c-1", "text": "Hello, is anybody there?"})
            ack = await customer_socket.frame("ack")
            assert ack["client_id"] == "c-1"
            assert ack["message"]["sender"]["role"] == "customer"

            await desk.connect()
            snapshot = await desk.frame("desk")
            assert [item["id"] for item in snapshot["queue"]] == [waiting.pk]
            assert snapshot["queue"][0]["customer"]["name"] == customer.get_full_name()
            assert snapshot["mine"] == []
            assert (await customer_socket.frame("agents_online"))["count"] == 1

            await desk.send({"type": "claim", "conversation": waiting.pk})
            claimed = await desk.frame("claimed")
            assert claimed["conversation"]["status"] == "active"
            assert claimed["conversation"]["agent"]["id"] == agent.pk
            status = await customer_socket.frame("status")
            assert status["conversation"]["agent"]["name"] == agent.get_full_name()

            await agent_socket.connect()
            agent_hello = await agent_socket.frame("hello")
            assert agent_hello["role"] == "agent"
            assert agent_hello["last_message_id"] == ack["message"]["id"]
            assert (await agent_socket.frame("presence")) == {"type": "presence", "role": "customer", "online": True}
            assert (await customer_socket.frame("presence")) == {"type": "presence", "role": "agent", "online": True}

            await agent_socket.send({"type": "sync", "after": 0})
            history = await agent_socket.frame("history")
            assert [m["text"] for m in history["messages"]] == ["Hello, is anybody there?"]
            assert history["more"] is False

            await customer_socket.send({"type": "typing", "typing": True})
            assert await agent_socket.frame("typing") == {"type": "typing", "role": "customer", "typing": True}

            await agent_socket.send({"type": "message", "client_id": "a-1", "text": "Good afternoon! How can I help?"})
            received = await customer_socket.message("a-1")
            assert received["text"] == "Good afternoon! How can I help?"
            assert received["sender"] == {"id": agent.pk, "name": agent.get_full_name(), "role": "agent"}
            assert received["id"] > ack["message"]["id"]
            assert received["sent_at"]

            await customer_socket.send({"type": "message", "client_id": "c-2", "text": "<script>alert(1)</script>"})
            assert (await agent_socket.message("c-2"))["text"] == "<script>alert(1)</script>"

            await agent_socket.send({"type": "close"})
            for socket in (customer_socket, agent_socket):
                assert (await socket.frame("status"))["conversation"]["status"] == "closed"
            await customer_socket.send({"type": "message", "client_id": "c-3", "text": "one more thing"})
            error = await customer_socket.frame("error")
            assert (error["code"], error["client_id"]) == ("closed", "c-3")

            await agent_socket.disconnect()
            assert (await customer_socket.frame("presence")) == {"type": "presence", "role": "agent", "online": False}
            for socket in (customer_socket, desk):
                await socket.disconnect()

        run(scenario)
        assert list(ChatMessage.objects.values_list("client_message_id", flat=True)) == ["c-1", "a-1", "c-2"]
        assert Conversation.objects.get().status == "closed"

    def test_an_agent_handles_several_conversations_at_once(self, ws, agent):
        conversations = [services.start_conversation(customer=CustomerFactory()) for _ in range(2)]
        desk = ws(DESK, agent)
        sockets = {conversation.pk: ws(conversation_path(conversation), agent) for conversation in conversations}

        async def scenario():
            await desk.connect()
            assert len((await desk.frame("desk"))["queue"]) == 2
            for conversation in conversations:
                await desk.send({"type": "claim", "conversation": conversation.pk})
                await desk.frame("claimed")
            for conversation in conversations:
                await sockets[conversation.pk].connect()
                await sockets[conversation.pk].frame("hello")
            for conversation in conversations:
                await sockets[conversation.pk].send(
                    {"type": "message", "client_id": "x", "text": f"to {conversation.pk}"}
                )
                assert (await sockets[conversation.pk].frame("ack"))["message"]["conversation"] == conversation.pk
            await desk.send({"type": "refresh"})
            snapshot = await desk.frame("desk")
            assert snapshot["queue"] == []
            assert sorted(item["id"] for item in snapshot["mine"]) == sorted(c.pk for c in conversations)

        run(scenario)

    def test_the_desk_sees_the_queue_change_without_asking(self, ws, agent, customer):
        desk = ws(DESK, agent)
        rival = StaffFactory(chat_agent=True)

        async def scenario():
            await desk.connect()
            assert (await desk.frame("desk"))["queue"] == []
            conversation = await database_sync_to_async(services.start_conversation)(customer=customer, topic="Loan")
            arrived = (await desk.frame("conversation"))["conversation"]
            assert (arrived["id"], arrived["status"], arrived["topic"]) == (conversation.pk, "waiting", "Loan")
            await database_sync_to_async(services.claim_conversation)(conversation_id=conversation.pk, agent=rival)
            taken = (await desk.frame("conversation"))["conversation"]
            assert (taken["status"], taken["agent"]["id"]) == ("active", rival.pk)

        run(scenario)

    def test_two_agents_claiming_at_once_exactly_one_wins(self, ws, waiting):
        desks = [ws(DESK, StaffFactory(chat_agent=True)) for _ in range(2)]

        async def scenario():
            for desk in desks:
                await desk.connect()
                await desk.frame("desk")
            for desk in desks:
                await desk.send({"type": "claim", "conversation": waiting.pk})
            outcomes = [await desk.frame("claimed", "error") for desk in desks]
            assert sorted(frame["type"] for frame in outcomes) == ["claimed", "error"]
            assert next(f for f in outcomes if f["type"] == "error")["code"] == "already_claimed"

        run(scenario)
        assert Conversation.objects.get().status == "active"


class TestDelivery:
    def test_a_reconnecting_agent_gets_exactly_what_it_missed(self, ws, active):
        customer_socket = ws(conversation_path(active), active.customer)
        first = ws(conversation_path(active), active.agent)
        second = ws(conversation_path(active), active.agent)

        async def scenario():
            await customer_socket.connect()
            await first.connect()
            await customer_socket.send({"type": "message", "client_id": "seen", "text": "first"})
            last_seen = (await first.frame("message"))["message"]["id"]
            await first.disconnect()
            for n in range(3):
                await customer_socket.send({"type": "message", "client_id": f"missed-{n}", "text": f"missed {n}"})
                await customer_socket.frame("ack")
            await second.connect()
            assert (await second.frame("hello"))["last_message_id"] > last_seen
            await second.send({"type": "sync", "after": last_seen})
            history = await second.frame("history")
            assert [m["text"] for m in history["messages"]] == ["missed 0", "missed 1", "missed 2"]
            assert history["after"] == last_seen

        run(scenario)

    def test_a_resent_message_is_stored_once_and_broadcast_once(self, ws, active):
        customer_socket = ws(conversation_path(active), active.customer)
        agent_socket = ws(conversation_path(active), active.agent)

        async def scenario():
            await customer_socket.connect()
            await agent_socket.connect()
            frame = {"type": "message", "client_id": "same-id", "text": "Transfer did not arrive"}
            await customer_socket.send(frame)
            first_ack = await customer_socket.frame("ack")
            await customer_socket.send(frame)
            second_ack = await customer_socket.frame("ack")
            assert second_ack["message"]["id"] == first_ack["message"]["id"]
            assert (await agent_socket.frame("message"))["message"]["id"] == first_ack["message"]["id"]
            await agent_socket.nothing_more("message")

        run(scenario)
        assert ChatMessage.objects.count() == 1

    def test_the_tab_that_sent_a_message_gets_its_ack_and_the_senders_other_tabs_the_message(self, ws, active):
        sending_tab = ws(conversation_path(active), active.customer)
        other_tab = ws(conversation_path(active), active.customer)
        agent_socket = ws(conversation_path(active), active.agent)

        async def scenario():
            for socket in (sending_tab, other_tab, agent_socket):
                await socket.connect()
            await sending_tab.send({"type": "message", "client_id": "c-1", "text": "Hello"})
            ack = await sending_tab.frame("ack")
            assert (await other_tab.message("c-1"))["id"] == ack["message"]["id"]
            assert (await agent_socket.message("c-1"))["id"] == ack["message"]["id"]
            await sending_tab.nothing_more("message")  # the ack carried it: no second copy
            await agent_socket.send({"type": "message", "client_id": "a-1", "text": "Hi"})
            assert (await sending_tab.message("a-1"))["text"] == "Hi"

        run(scenario)

    def test_history_comes_in_pages(self, ws, active, monkeypatch):
        monkeypatch.setattr("chat.selectors.HISTORY_PAGE_SIZE", 2)
        for n in range(3):
            services.post_message(conversation_id=active.pk, sender=active.customer, client_message_id=str(n), text="x")
        client = ws(conversation_path(active), active.agent)

        async def scenario():
            await client.connect()
            await client.send({"type": "sync", "after": 0})
            page = await client.frame("history")
            assert (len(page["messages"]), page["more"]) == (2, True)
            await client.send({"type": "sync", "after": page["messages"][-1]["id"]})
            rest = await client.frame("history")
            assert (len(rest["messages"]), rest["more"]) == (1, False)

        run(scenario)

    def test_a_closed_conversation_can_still_be_read(self, ws, active):
        services.post_message(conversation_id=active.pk, sender=active.agent, client_message_id="1", text="Bye")
        services.close_conversation(conversation_id=active.pk, by=active.agent)
        client = ws(conversation_path(active), active.customer)

        async def scenario():
            await client.connect()
            assert (await client.frame("hello"))["conversation"]["status"] == "closed"
            await client.send({"type": "sync", "after": 0})
            assert [m["text"] for m in (await client.frame("history"))["messages"]] == ["Bye"]

        run(scenario)


class TestBadFrames:
    """Every bad frame gets an error frame, and the connection stays usable."""

    BAD_CONVERSATION_FRAMES = [
        ("this is not json", "bad_json"),
        ("{", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('"message"', "bad_frame"),
        ("{}", "bad_frame"),
        ('{"type": 5}', "bad_frame"),
        ('{"type": "dance"}', "unknown_type"),
        (json.dumps({"type": "message", "client_id": "1", "text": "x" * 4001}), "too_long"),
        (json.dumps({"type": "message", "client_id": "1", "text": "   "}), "invalid"),
        (json.dumps({"type": "message", "client_id": "1", "text": ["a"]}), "invalid"),
        (json.dumps({"type": "message", "text": "no id"}), "invalid"),
        (json.dumps({"type": "message", "client_id": "x" * 65, "text": "long id"}), "invalid"),
        (json.dumps({"type": "sync", "after": -1}), "bad_frame"),
        (json.dumps({"type": "sync", "after": "10"}), "bad_frame"),
        (json.dumps({"type": "typing", "typing": "yes"}), "bad_frame"),
        ("x" * 40_000, "too_large"),
    ]

    def test_conversation_socket_answers_each_bad_frame_and_keeps_serving(self, ws, active, monkeypatch):
        monkeypatch.setattr(ChatSocket, "burst", 100)
        client = ws(conversation_path(active), active.customer)

        async def scenario():
            await client.connect()
            await client.frame("hello")
            for raw, code in self.BAD_CONVERSATION_FRAMES:
                await client.send_raw(text=raw)
                error = await client.frame("error")
                assert error["code"] == code, raw[:80]
                assert error["message"]
            await client.send({"type": "ping"})
            assert (await client.frame("pong")) == {"type": "pong"}

        run(scenario)
        assert not ChatMessage.objects.exists()

    def test_binary_frames_are_refused(self, ws, active):
        client = ws(conversation_path(active), active.customer)

        async def scenario():
            await client.connect()
            await client.send_raw(data=b"\x00\x01")
            assert (await client.frame("error"))["code"] == "bad_frame"

        run(scenario)

    def test_desk_socket_answers_each_bad_frame(self, ws, agent):
        client = ws(DESK, agent)
        bad_frames = [
            ({"type": "claim"}, "bad_frame"),
            ({"type": "claim", "conversation": "7"}, "bad_frame"),
            ({"type": "claim", "conversation": 999_999}, "not_found"),
            ({"type": "message", "text": "desk takes no messages"}, "unknown_type"),
        ]

        async def scenario():
            await client.connect()
            await client.frame("desk")
            for frame, code in bad_frames:
                await client.send(frame)
                assert (await client.frame("error"))["code"] == code, frame
            await client.send({"type": "ping"})
            await client.frame("pong")

        run(scenario)

    def test_flooding_beyond_the_rate_gets_error_frames_and_the_rest_is_served(self, ws, active, monkeypatch):
        monkeypatch.setattr(ChatSocket, "burst", 5)
        monkeypatch.setattr(ChatSocket, "rate_per_second", 0.001)
        client = ws(conversation_path(active), active.customer)

        async def scenario():
            await client.connect()
            for n in range(8):
                await client.send({"type": "message", "client_id": f"flood-{n}", "text": "spam"})
            replies = [await client.frame("ack", "error") for _ in range(8)]
            assert [r["type"] for r in replies] == ["ack"] * 5 + ["error"] * 3
            assert {r["code"] for r in replies[5:]} == {"rate_limited"}
            assert {r["client_id"] for r in replies[5:]} == {"flood-5", "flood-6", "flood-7"}

        run(scenario)
        assert ChatMessage.objects.count() == 5

    def test_a_failure_inside_the_server_is_an_error_frame_not_a_dead_socket(self, ws, active, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(services, "post_message", broken)
        client = ws(conversation_path(active), active.customer)

        async def scenario():
            await client.connect()
            await client.send({"type": "message", "client_id": "1", "text": "hi"})
            error = await client.frame("error")
            assert error["code"] == "server_error"
            assert "database" not in error["message"]
            await client.send({"type": "ping"})
            await client.frame("pong")

        run(scenario)


def test_errors_speak_the_language_of_the_language_cookie(ws, active, settings):
    settings.LANGUAGE_CODE = "ru"
    client = ws(conversation_path(active), active.customer, cookies={"django_language": "en"})

    async def scenario():
        await client.connect()
        await client.send_raw(text="nope")
        assert (await client.frame("error"))["message"] == "The frame is not valid JSON."

    run(scenario)


class TestCatchingUpAfterALiveDeliveryFailure:
    def test_sync_by_number_returns_the_messages_missed_below_the_highest_one_seen(self, ws, active, customer, agent):
        """The agent got message 3 live but not message 2 (its publish failed): asking for everything after the
        highest number below which it has seen all (1) brings 2 back, and 3 again, which the client de-duplicates."""
        for n, (sender, client_id) in enumerate([(customer, "c-1"), (customer, "c-2"), (customer, "c-3")], start=1):
            message, _created = services.post_message(
                conversation_id=active.pk, sender=sender, client_message_id=client_id, text=f"message {n}"
            )
            assert message.seq == n

        socket = ws(conversation_path(active), agent)

        async def scenario():
            await socket.connect()
            hello = await socket.frame("hello")
            assert hello["last_seq"] == 3
            await socket.send({"type": "sync", "after_seq": 1})
            history = await socket.frame("history")
            assert history["after_seq"] == 1
            assert [(m["seq"], m["client_id"]) for m in history["messages"]] == [(2, "c-2"), (3, "c-3")]
            await socket.send({"type": "sync", "after_seq": -1})
            assert (await socket.frame("error"))["code"] == "bad_frame"
            await socket.disconnect()

        run(scenario)


def test_a_handshake_while_the_channel_layer_is_down_is_refused_with_4503(ws, active, customer, agent, settings):
    """Redis is not reachable (nothing listens on its port): the socket is accepted and closed with the
    documented "live delivery stopped" code, never an HTTP 500, and the desk alike."""
    with tcp.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "chat.redis_layer.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
        }
    }

    clients = [ws(conversation_path(active), customer), ws(DESK, agent)]

    async def scenario():
        for client in clients:
            connected, _subprotocol = await client.connect()
            assert connected
            assert await client.closed_with() == CloseCode.UNAVAILABLE

    run(scenario)


class TestAnswersWhileAway:
    """An answer written while the customer has no chat open waits to be e-mailed; opening the chat stops it."""

    def test_an_answer_to_an_absent_customer_is_queued_and_dropped_when_they_come_back(
        self, ws, active, customer, agent
    ):
        from outreach.models import Delivery, DeliveryStatus, NotificationKind

        agent_socket = ws(conversation_path(active), agent)
        customer_socket = ws(conversation_path(active), customer)

        def queued() -> list[str]:
            rows = Delivery.objects.filter(notification__kind=NotificationKind.CHAT_ANSWER)
            return list(rows.values_list("status", flat=True))

        async def scenario():
            await agent_socket.connect()
            await agent_socket.frame("hello")
            await agent_socket.send({"type": "message", "client_id": "a-1", "text": "Карта разблокирована."})
            await agent_socket.frame("ack")
            assert await database_sync_to_async(queued)() == [DeliveryStatus.AWAIT]

            await customer_socket.connect()
            await customer_socket.frame("hello")
            assert await database_sync_to_async(queued)() == [DeliveryStatus.CANCELLED]

            # while the customer is here, an answer reaches them in the chat and is not e-mailed
            await agent_socket.frame("presence")
            await agent_socket.send({"type": "message", "client_id": "a-2", "text": "Что-нибудь ещё?"})
            await customer_socket.message("a-2")
            assert await database_sync_to_async(queued)() == [DeliveryStatus.CANCELLED]

        run(scenario)
