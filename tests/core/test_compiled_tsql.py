"""Statements compiled once (core.compiled) never pass through the ORM's execute_sql, where the shadow compilation
for SQL Server (tests/tsql_shadow.py) looks: each is compiled here for SQL Server, as production would compile it,
and its T-SQL parsed."""

from __future__ import annotations

from functools import _lru_cache_wrapper

import pytest
from django.db import connections, transaction
from mssql.base import CursorWrapper

from audit import services as audit_services
from banking import ledger_statements
from campaigns.services import queue_statements
from outreach import outbox_statements
from telemarketing.management.tsql_export import EXPORT_ALIAS, offline_connection
from tests.tsql_shadow import parse_query

MODULES = (ledger_statements, outbox_statements, queue_statements)


def compiled_statements():
    found = [(f"{module.__name__}.{name}", factory) for module in MODULES for name, factory in vars(module).items()]
    found = [(name, factory) for name, factory in found if isinstance(factory, _lru_cache_wrapper)]
    return [*found, ("audit.services._insert_event", audit_services._insert_event)]


@pytest.fixture
def sql_server():
    connection = offline_connection()
    connections[EXPORT_ALIAS] = connection
    try:
        yield connection
    finally:
        del connections[EXPORT_ALIAS]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "factory"), compiled_statements(), ids=[name for name, _ in compiled_statements()])
def test_each_compiled_statement_is_valid_t_sql(name, factory, sql_server):
    with transaction.atomic():  # a SELECT … FOR UPDATE is compiled inside a transaction
        compiled = factory(EXPORT_ALIAS)
    statement = getattr(compiled, "statement", compiled)  # InsertRows: one INSERT a row on SQL Server
    # As mssql-django's cursor sends it (tests/tsql_shadow.py): only the number of parameters matters here.
    cursor = CursorWrapper(None, sql_server)
    sql, params = statement.sql, [value for _, value in statement.params]
    if "GROUP BY" in sql:
        sql, params = cursor.format_group_by_params(sql, params)
    tsql = cursor.format_sql(sql, params)
    # mssql-django's batch for an INSERT that returns its identity starts "SET NOCOUNT ON INSERT …": T-SQL needs
    # no semicolon there, but sqlglot would read the rest as SET's argument.
    assert parse_query(tsql.removeprefix("SET NOCOUNT ON ")), name
