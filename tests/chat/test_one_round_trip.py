"""A message of a live conversation in one round trip on a database server (chat/message_statements.py): the same
rules as the three statements (numbers without gaps, resends stored once, refusals for their reason), one statement
on PostgreSQL, and the SQL Server batch as mssql-django would send it, parsed as T-SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.utils import timezone
from mssql.base import CursorWrapper
from sqlglot import exp

from chat import message_statements, offline, services
from chat.models import ChatMessage, Conversation
from chat.selectors import SignIn
from outreach.models import Delivery
from telemarketing.management.tsql_export import offline_connection
from tests.factories import CustomerFactory, StaffFactory, session_key_for
from tests.tsql_shadow import parse_query


@pytest.fixture
def active():
    conversation = services.start_conversation(customer=CustomerFactory(), topic="Card")
    return services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))


def sign_in(account) -> SignIn:
    return SignIn(session_key=session_key_for(account), password=account.password)


def post(conversation, sender, client_id, *, signed_in: SignIn | None = None):
    return services.post_message(
        conversation_id=conversation.pk, sender=sender, client_message_id=client_id, text="Hello", signed_in=signed_in
    )


def numbers() -> list[int]:
    return sorted(ChatMessage.objects.values_list("seq", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # outside a transaction, as the chat's database threads call it
class TestOutsideATransaction:
    @pytest.mark.parametrize("from_a_socket", [True, False])
    def test_a_live_message_is_one_statement_and_returns_what_is_stored(
        self, active, from_a_socket, django_assert_num_queries
    ):
        if connection.vendor == "sqlite":
            pytest.skip("SQLite's messages are committed in batches by the chat's one writer thread instead")
        post(active, active.customer, "first")
        signed_in = sign_in(active.agent) if from_a_socket else None
        with django_assert_num_queries(1):
            message, created = post(active, active.agent, "second", signed_in=signed_in)
        stored = ChatMessage.objects.get(client_message_id="second")
        assert created and (message.pk, message.seq, message.created_at) == (stored.pk, 2, stored.created_at)
        assert (stored.sender_id, stored.text, stored.attachment_id) == (active.agent.pk, "Hello", None)
        conversation = Conversation.objects.get()
        assert conversation.last_message_seq == 2
        assert conversation.first_response_at == stored.created_at  # the agent's first answer, in the same statement

    def test_postgresql_prepares_the_statement_and_runs_it_again(self, active):
        if connection.vendor != "postgresql":
            pytest.skip("a PostgreSQL statement: SQL Server keeps the plan of a parameterized batch by itself")

        def runs() -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                    ["WITH numbered AS (UPDATE%"],
                )
                return [count for (count,) in cursor.fetchall()]

        post(active, active.customer, "c-0")
        [before] = runs()  # prepared once on this connection
        for n in range(1, 4):
            post(active, active.customer, f"c-{n}")
        assert runs() == [before + 3]

    def test_a_resend_gets_the_stored_message_and_takes_no_number(self, active):
        first, _created = post(active, active.customer, "c-1")
        assert post(active, active.customer, "c-1", signed_in=sign_in(active.customer)) == (first, False)
        reply, _created = post(active, active.agent, "a-1")
        assert (reply.seq, numbers(), Conversation.objects.get().last_message_seq) == (2, [1, 2], 2)

    def test_refusals_keep_their_reason_and_take_no_number(self, active):
        post(active, active.customer, "c-1")
        customer_in = sign_in(active.customer)
        Session.objects.filter(pk=customer_in.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
        with pytest.raises(services.SessionEnded):
            post(active, active.customer, "expired", signed_in=customer_in)
        with pytest.raises(services.NotAllowed):
            post(active, StaffFactory(chat_agent=True), "stranger")
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.ConversationClosed):
            post(active, active.agent, "late", signed_in=sign_in(active.agent))
        assert post(active, active.customer, "c-1")[0].seq == 1  # a resend after closing still gets its message
        assert (numbers(), Conversation.objects.get().last_message_seq) == ([1], 1)

    def test_an_answer_left_for_e_mail_is_stored_with_its_e_mail(self, active):
        conversation = offline.leave_message(
            customer=CustomerFactory(), name="Анна", email="anna@example.org", text="Как продлить карту?"
        )
        services.claim_conversation(conversation_id=conversation.pk, agent=active.agent)
        message, created = post(conversation, active.agent, "a-1", signed_in=sign_in(active.agent))
        assert created and message.seq == 2
        [delivery] = Delivery.objects.all()
        assert delivery.address == "anna@example.org"


@pytest.fixture
def sql_server():
    """mssql-django's connection without a server: compiling and binding look it up by its alias."""
    offline = offline_connection()
    connections[offline.alias] = offline
    yield offline
    del connections[offline.alias]


def test_the_sql_server_batch_parses_as_t_sql_with_a_parameter_for_each_placeholder(sql_server):
    statement = message_statements.StoreMessage(sql_server.alias, signed_in=True).statement
    values = {
        "conversation": 7,
        "sender": 8,
        "now": timezone.now(),
        "session_key": "k",
        "password": "p",
        "client_message_id": "m-1",
        "text": "Hello",
        "attachment_id": None,
    }
    params = statement.bind(values)
    sent = CursorWrapper(None, sql_server).format_sql(statement.sql, params)  # %s → ?, as mssql-django sends it
    assert sent.count("?") == len(params)
    trees = parse_query(sent)
    kinds = [type(tree).__name__ for tree in trees]
    assert kinds[:5] == ["Set", "Set", "Declare", "Transaction", "Update"], kinds
    assert "SET NOCOUNT OFF" not in sent  # no row count may come before the one result
    assert sent.index("SET XACT_ABORT ON") < sent.index("BEGIN TRANSACTION") < sent.index("COMMIT TRANSACTION")
    inserted = [node for tree in trees for node in tree.walk() if isinstance(node, exp.Insert)]
    assert len(inserted) == 1 and inserted[0].find(exp.Table).name == "chat_chatmessage"
