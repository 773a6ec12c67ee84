"""The statements every chat message takes, compiled once per database (``core.compiled``).

A message is the chat's hot path: at 200 messages a second on a database across a network, each statement's
round trip and each ORM compilation is paid 200 times a second on one process (issue 14: about 4.5 ms of CPU
per message, half of it in the ten statements of the first version). The conversation's number is taken by a
conditional UPDATE that also checks, in its WHERE, that the sender takes part and the conversation is open; the
row it locks is then read once, and the message inserted: three statements between BEGIN and COMMIT. A message
sent through a chat socket also checks there that the socket's session still exists and has not expired, and that
the sender is active with the password they had when the socket opened: the check every frame of a socket makes
(chat/sockets.py), without a statement of its own.

On a database server a message of a live conversation goes further: the number and the message in ONE round trip
(``StoreMessage``). Each round trip costs the database thread a wait, and a busy process's interpreter lock makes
each wait longer (the thread gets the lock back only when the event loop lets it go); with five round trips a
message, two processes on PostgreSQL delivered 250 of 500 messages a second (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple

import psycopg
from django.db import connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Case, Exists, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Account
from chat.models import ChatMessage, Conversation, ConversationStatus
from chat.selectors import session_model
from core.compiled import Insert, Select, Slots, Statement, compile_update, update

OPEN_STATUSES = (ConversationStatus.WAITING, ConversationStatus.ACTIVE)


def _number_slots(signed_in: bool) -> dict[str, type]:
    kinds: dict[str, type] = {"conversation": int, "sender": int, "now": dt.datetime}
    if signed_in:
        kinds |= {"session_key": str, "password": str}
    return kinds


@lru_cache(maxsize=8)
def take_next_number(alias: str, *, signed_in: bool = False) -> Statement:
    """Add one to the conversation's last message number if it is open and the sender is its customer or its
    agent (0 rows changed otherwise), and stamp an agent's first answer (the supervisors' first-response time).
    ``signed_in``: only while the sender's session and password are still those of the socket (the module)."""
    slots = Slots(**_number_slots(signed_in))
    conversations, changes = _numbering(slots, signed_in=signed_in)
    return update(conversations, changes, alias=alias, slots=slots)


def _numbering(slots: Slots, *, signed_in: bool) -> tuple[QuerySet[Conversation], dict[str, Any]]:
    conversations = Conversation.objects.filter(
        Q(customer_id=slots["sender"]) | Q(agent_id=slots["sender"]),
        pk=slots["conversation"],
        status__in=OPEN_STATUSES,
    )
    if signed_in:
        conversations = conversations.filter(
            Exists(session_model().objects.filter(session_key=slots["session_key"], expire_date__gt=slots["now"])),
            Exists(Account.objects.filter(pk=slots["sender"], is_active=True, password=slots["password"])),
        )
    changes = {
        "last_message_seq": F("last_message_seq") + 1,
        "first_response_at": Case(
            When(customer_id=slots["sender"], then=F("first_response_at")),
            default=Coalesce(F("first_response_at"), Value(slots["now"])),
        ),
    }
    return conversations, changes


@lru_cache(maxsize=8)
def numbered(alias: str) -> Select[Conversation]:
    """The conversation as the message needs it: its new number, its customer, and where offline answers go."""
    slots = Slots(conversation=int)
    conversation = Conversation.objects.filter(pk=slots["conversation"]).only(
        "customer_id", "agent_id", "status", "last_message_seq", "reply_email", "contact_name"
    )
    return Select(conversation.order_by(), alias=alias, slots=slots)


@lru_cache(maxsize=8)
def new_message(alias: str) -> Insert[ChatMessage]:
    slots = Slots(
        conversation_id=int,
        sender_id=int,
        client_message_id=str,
        seq=int,
        text=str,
        created_at=dt.datetime,
        attachment_id=int,
    )
    return Insert(ChatMessage, alias=alias, slots=slots)


class Stored(NamedTuple):
    message_id: int
    seq: int
    customer_id: int


MESSAGE_COLUMNS = ("conversation_id", "sender_id", "client_message_id", "seq", "text", "created_at", "attachment_id")


class StoreMessage:
    """The number taken and the message inserted in one round trip, on PostgreSQL and SQL Server, for a message of a
    live conversation: one left to be answered by e-mail takes no number here (None), and goes the way of three
    statements in one transaction, with its e-mail. Run outside a transaction: each is one by itself (PostgreSQL's
    one statement; SQL Server's batch commits or rolls back whole). A resend fails on the unique key with nothing
    taken, as the three statements do."""

    def __init__(self, alias: str, *, signed_in: bool) -> None:
        self.alias = alias
        # The message's sender and moment are the number's own ("sender", "now").
        slots = Slots(**_number_slots(signed_in), client_message_id=str, text=str, attachment_id=int)
        conversations, changes = _numbering(slots, signed_in=signed_in)
        update_sql, update_params = compile_update(conversations.filter(reply_email=""), changes, alias=alias)
        connection = connections[alias]
        build = _sql_server_batch if connection.vendor == "microsoft" else _postgresql_statement
        sql, params = build(connection, update_sql, update_params, slots)
        self.statement = Statement(alias=alias, sql=sql, params=params, slots=slots)

    def run(self, **values: Any) -> Stored | None:
        """The stored message, or None if the conversation took no number from the sender (the module)."""
        with _planned_once(connections[self.alias]) as cursor:
            cursor.execute(self.statement.sql, self.statement.bind(values))
            row = cursor.fetchone()
        return Stored(*row) if row is not None else None


class _PreparedCursor(psycopg.Cursor):
    """psycopg's cursor that binds values on the server, each statement prepared on its connection: PostgreSQL
    plans it once instead of at every message (about a third of the 0.9 ms of the server's CPU a message took,
    measured). Django turns psycopg's own preparing off, and its cursors bind on the client."""

    def execute(self, query, params=None, *, prepare=None, binary=None):  # type: ignore[override]
        return super().execute(query, params, prepare=True, binary=binary)


def _planned_once(connection) -> CursorWrapper:
    """On PostgreSQL a cursor of prepared statements, wrapped as Django wraps its own (errors, the queries' log).
    SQL Server keeps the plan of a parameterized batch by itself."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    prepared = _PreparedCursor(connection.connection)
    return connection.make_debug_cursor(prepared) if connection.queries_logged else connection.make_cursor(prepared)


def _message_values(slots: Slots) -> list:
    return [slots["sender"], slots["client_message_id"], slots["text"], slots["now"], slots["attachment_id"]]


def _postgresql_statement(connection, update_sql: str, update_params: list, slots: Slots) -> tuple[str, list]:
    """A data-modifying WITH: if the UPDATE changes no row, nothing is inserted and no row comes back."""
    name = connection.ops.quote_name
    conversation, message = name(Conversation._meta.db_table), name(ChatMessage._meta.db_table)
    key, seq, customer = name("id"), name("last_message_seq"), name("customer_id")
    columns = ", ".join(name(column) for column in MESSAGE_COLUMNS)
    sql = (
        f"WITH numbered AS ({update_sql} "  # noqa: S608  (names from the models, values as parameters)
        f"RETURNING {conversation}.{key}, {conversation}.{seq}, {conversation}.{customer}), "
        f"stored AS (INSERT INTO {message} ({columns}) "
        f"SELECT numbered.{key}, %s, %s, numbered.{seq}, %s, %s, %s FROM numbered RETURNING {key}) "
        f"SELECT stored.{key}, numbered.{seq}, numbered.{customer} FROM numbered CROSS JOIN stored"
    )
    return sql, [*update_params, *_message_values(slots)]


def _sql_server_batch(connection, update_sql: str, update_params: list, slots: Slots) -> tuple[str, list]:
    """One batch in one transaction. XACT_ABORT rolls the whole of it back on any error (a resend's duplicate key)
    and ends the batch, so no number is taken without its message. It is set back before the one result, and a
    parameterized batch runs through sp_executesql, whose SET options end with it anyway. The UPDATE comes without
    mssql-django's ``SET NOCOUNT OFF`` prefix: counts would arrive before the result."""
    name = connection.ops.quote_name
    conversation, message = name(Conversation._meta.db_table), name(ChatMessage._meta.db_table)
    columns = ", ".join(name(column) for column in MESSAGE_COLUMNS)
    message_type = ChatMessage._meta.pk.db_type(connection)
    seq_type = Conversation._meta.get_field("last_message_seq").db_type(connection)
    customer_type = Conversation._meta.get_field("customer").db_type(connection)
    read_number = (
        f"SELECT @seq = {name('last_message_seq')}, @customer = {name('customer_id')} "  # noqa: S608  (as above)
        f"FROM {conversation} WHERE {name('id')} = %s;"
    )
    sql = "\n".join(
        [
            "SET NOCOUNT ON;",
            "SET XACT_ABORT ON;",
            f"DECLARE @message {message_type}, @seq {seq_type}, @customer {customer_type};",
            "BEGIN TRANSACTION;",
            f"{update_sql.removeprefix('SET NOCOUNT OFF; ')};",
            "IF @@ROWCOUNT = 1",
            "BEGIN",
            f"    {read_number}",
            f"    INSERT INTO {message} ({columns}) VALUES (%s, %s, %s, @seq, %s, %s, %s);",  # noqa: S608
            "    SET @message = SCOPE_IDENTITY();",
            "END;",
            "COMMIT TRANSACTION;",
            "SET XACT_ABORT OFF;",
            "SELECT @message, @seq, @customer WHERE @message IS NOT NULL;",
        ]
    )
    return sql, [*update_params, slots["conversation"], slots["conversation"], *_message_values(slots)]


@lru_cache(maxsize=8)
def store_message(alias: str, *, signed_in: bool) -> StoreMessage | None:
    """The one-round-trip statement where the database has one (PostgreSQL, SQL Server); None on SQLite, whose
    writes are batched by the chat's one writer thread instead (chat/database.py)."""
    if connections[alias].vendor not in ("postgresql", "microsoft"):
        return None
    return StoreMessage(alias, signed_in=signed_in)
