"""The system check warning when the SQL Server database is not encrypted by TDE (telemarketing.W001)."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import ProgrammingError, connection

from telemarketing import checks as tde
from telemarketing.checks import check_sql_server_tde, sql_server_tde_state, tde_warnings


@pytest.mark.parametrize(
    ("state", "meaning"),
    [
        (None, "no database encryption key"),
        (1, "unencrypted"),
        (2, "encryption in progress"),
        (5, "decryption in progress"),
    ],
)
def test_a_database_not_yet_encrypted_gets_a_warning_saying_what_to_do(state, meaning):
    [warning] = tde_warnings(state, database="telemarketing")
    assert warning.id == "telemarketing.W001"
    assert warning.level == checks.WARNING
    assert "'telemarketing'" in warning.msg and f"({meaning})" in warning.msg
    assert "sql/tde_enable.sql" in warning.hint


def test_an_encrypted_database_passes():
    assert tde_warnings(3, database="telemarketing") == []


class SqlServerAnswering:
    """Stands in for the server only where it answers: the rows the two queries return."""

    vendor = "microsoft"
    settings_dict = {"NAME": "telemarketing"}

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers
        self.queries: list[str] = []

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def execute(self, sql):
        self.queries.append(sql)
        answer = self.answers[sql]
        if isinstance(answer, Exception):
            raise answer
        self.row = answer

    def fetchone(self):
        return self.row


def test_the_state_is_read_from_the_encryption_keys_view():
    server = SqlServerAnswering({tde.TDE_STATE_QUERY: (3,)})
    assert sql_server_tde_state(server) == 3
    server = SqlServerAnswering({tde.TDE_STATE_QUERY: None})  # no database encryption key at all
    assert sql_server_tde_state(server) is None


def test_without_view_server_state_the_catalog_says_whether_encryption_is_on():
    denied = ProgrammingError("VIEW SERVER STATE permission was denied on object 'server', database 'master'.")
    assert sql_server_tde_state(SqlServerAnswering({tde.TDE_STATE_QUERY: denied, tde.IS_ENCRYPTED_QUERY: (1,)})) == 3
    assert sql_server_tde_state(SqlServerAnswering({tde.TDE_STATE_QUERY: denied, tde.IS_ENCRYPTED_QUERY: (0,)})) is None


def test_the_check_runs_against_sql_server_only_when_asked_for_the_database(monkeypatch):
    server = SqlServerAnswering({tde.TDE_STATE_QUERY: (1,)})
    monkeypatch.setattr(tde, "connections", {"default": server})
    assert check_sql_server_tde(databases=None) == []
    assert server.queries == []
    [warning] = check_sql_server_tde(databases=["default"])
    assert warning.id == "telemarketing.W001"


def test_on_other_databases_the_check_does_nothing():
    assert connection.vendor != "microsoft"
    assert check_sql_server_tde(databases=["default"]) == []


def test_the_check_is_registered_for_database_checks():
    registered = checks.registry.registry.get_checks()
    assert check_sql_server_tde in registered
    assert {"database", "security"} <= set(check_sql_server_tde.tags)


@pytest.mark.django_db
def test_manage_py_check_with_the_database_is_silent_here(capsys):
    call_command("check", "--database", "default")
    assert "telemarketing.W001" not in capsys.readouterr().err
