"""The shadow compilation for SQL Server (tests/tsql_shadow.py), seen from a pytest run of its own: a query
that SQLite runs but mssql-django refuses fails the run at the end, naming the test and the line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.tsql_shadow import parse_query

pytestmark = pytest.mark.processes

BASE_DIR = Path(settings.BASE_DIR)

TESTS = """
import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from core.compiled import Select, Slots


@pytest.mark.django_db
def test_locks_with_of():
    with transaction.atomic():  # SQLite ignores select_for_update; SQL Server has no FOR UPDATE OF
        assert list(Group.objects.select_for_update(of=("self",)).filter(name="nobody")) == []


@pytest.mark.django_db
def test_compiles_a_statement_once():
    slots = Slots(name=str)
    groups = Group.objects.select_for_update(of=("self",)).filter(name=slots["name"]).order_by("name")
    with transaction.atomic():
        assert Select(groups, alias="default", slots=slots).all(name="nobody") == []


@pytest.mark.serverdb
@pytest.mark.django_db
def test_counts_groups():
    Group.objects.create(name="shadow")
    assert Group.objects.filter(name__startswith="shadow").count() == 1
"""


def run_pytest(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n", encoding="utf-8")
    (tmp_path / "test_queries.py").write_text(TESTS, encoding="utf-8")
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-c", str(BASE_DIR / "pyproject.toml"), *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["one process", "xdist workers"])
def test_a_query_sql_server_refuses_fails_the_run_though_every_test_passed(tmp_path, workers):
    completed = run_pytest(tmp_path, "-q", "-p", "no:cacheprovider", *workers)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "3 passed" in completed.stdout
    assert "FAILED" in completed.stdout and "test_locks_with_of" in completed.stdout
    assert f"issued at {tmp_path / 'test_queries.py'}:12 in test_locks_with_of" in completed.stdout
    # A statement compiled once and run many times (core.compiled) is compiled for SQL Server too.
    assert f"issued at {tmp_path / 'test_queries.py'}:20 in test_compiles_a_statement_once" in completed.stdout
    assert "FOR UPDATE OF is not supported" in completed.stdout
    assert "distinct T-SQL statements; 2 failed" in completed.stdout


def test_a_clean_run_reports_what_it_compiled_and_serverdb_is_postgres(tmp_path):
    completed = run_pytest(tmp_path, "-q", "-p", "no:cacheprovider", "-m", "postgres")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed, 2 deselected" in completed.stdout  # the serverdb test, chosen by -m postgres
    assert "0 failed" in completed.stdout
    assert "queries compiled for SQL Server" in completed.stdout


@pytest.mark.parametrize(
    "tsql",
    [
        "SELECT [a] FROM [t] LIMIT 1",
        "SELECT [a] FROM [t] WHERE [a] ILIKE ?",
        "SELECT [a]::text FROM [t]",
        "INSERT INTO [t] ([a]) VALUES (?) RETURNING [id]",
        "SELECT [a] FROM [t] FOR UPDATE SKIP LOCKED",
    ],
)
def test_what_is_not_t_sql_does_not_parse(tsql):
    with pytest.raises(Exception, match="does not parse as T-SQL"):
        parse_query(tsql)


def test_what_mssql_django_sends_parses():
    trees = parse_query(
        "DECLARE @var0 NVARCHAR(5) = ? \n"
        "SELECT TOP 1 [a], COUNT(*) FROM [t] WITH (ROWLOCK, UPDLOCK, READPAST) WHERE [b] = ? "
        "GROUP BY [a], @var0 ORDER BY [a] OFFSET 0 ROWS"
    )
    assert [type(tree).__name__ for tree in trees] == ["Declare", "Select"]
