"""SQL Server, which cannot run here: the DDL the migrations produce, and the real ODBC driver's report
of an unreachable server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from telemarketing.database import SQL_SERVER_COLLATION, database_from_url
from telemarketing.management.odbc_driver import DRIVER_NAME, bundled_driver_path, register_driver
from telemarketing.management.tsql_catalog import OfflineExportError, SchemaCatalog
from telemarketing.management.tsql_export import export_schema_sql, offline_connection

pytestmark = pytest.mark.processes

BASE_DIR = Path(settings.BASE_DIR)
SCHEMA = BASE_DIR / "sql" / "schema.sql"

# https://learn.microsoft.com/sql/t-sql/language-elements/reserved-keywords-transact-sql
TSQL_RESERVED = set(
    """ADD ALL ALTER AND ANY AS ASC AUTHORIZATION BACKUP BEGIN BETWEEN BREAK BROWSE BULK BY CASCADE CASE CHECK
    CHECKPOINT CLOSE CLUSTERED COALESCE COLLATE COLUMN COMMIT COMPUTE CONSTRAINT CONTAINS CONTAINSTABLE CONTINUE
    CONVERT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR DATABASE DBCC
    DEALLOCATE DECLARE DEFAULT DELETE DENY DESC DISK DISTINCT DISTRIBUTED DOUBLE DROP DUMP ELSE END ERRLVL ESCAPE
    EXCEPT EXEC EXECUTE EXISTS EXIT EXTERNAL FETCH FILE FILLFACTOR FOR FOREIGN FREETEXT FREETEXTTABLE FROM FULL
    FUNCTION GOTO GRANT GROUP HAVING HOLDLOCK IDENTITY IDENTITY_INSERT IDENTITYCOL IF IN INDEX INNER INSERT
    INTERSECT INTO IS JOIN KEY KILL LEFT LIKE LINENO LOAD MERGE NATIONAL NOCHECK NONCLUSTERED NOT NULL NULLIF OF
    OFF OFFSETS ON OPEN OPENDATASOURCE OPENQUERY OPENROWSET OPENXML OPTION OR ORDER OUTER OVER PERCENT PIVOT PLAN
    PRECISION PRIMARY PRINT PROC PROCEDURE PUBLIC RAISERROR READ READTEXT RECONFIGURE REFERENCES REPLICATION
    RESTORE RESTRICT RETURN REVERT REVOKE RIGHT ROLLBACK ROWCOUNT ROWGUIDCOL RULE SAVE SCHEMA SECURITYAUDIT SELECT
    SEMANTICKEYPHRASETABLE SEMANTICSIMILARITYDETAILSTABLE SEMANTICSIMILARITYTABLE SESSION_USER SET SETUSER SHUTDOWN
    SOME STATISTICS SYSTEM_USER TABLE TABLESAMPLE TEXTSIZE THEN TO TOP TRAN TRANSACTION TRIGGER TRUNCATE
    TRY_CONVERT TSEQUAL UNION UNIQUE UNPIVOT UPDATE UPDATETEXT USE USER VALUES VARYING VIEW WAITFOR WHEN WHERE
    WHILE WITH WRITETEXT""".split()  # noqa: SIM905  (the list as Microsoft prints it)
)


@pytest.fixture(scope="module")
def exported() -> str:
    return export_schema_sql()


def project_models() -> list[type[models.Model]]:
    """The models of this repository's apps (not Django's contrib nor third-party packages)."""
    ours = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(BASE_DIR) and ".venv" not in Path(config.path).parts
    ]
    return [model for config in ours for model in config.get_models(include_auto_created=True)]


def statements(schema: str) -> list[str]:
    """The schema's statements, one per GO batch, without comments."""
    batches = re.split(r"^GO$", schema, flags=re.MULTILINE)
    lines = ("\n".join(line for line in batch.splitlines() if not line.startswith("--")).strip() for batch in batches)
    return [batch for batch in lines if batch]


def column_definitions(schema: str) -> dict[tuple[str, str], str]:
    """(table, column) -> the column's final definition, following CREATE TABLE, ADD, ALTER and DROP COLUMN."""
    columns: dict[tuple[str, str], str] = {}
    for statement in statements(schema):
        if match := re.fullmatch(r"CREATE TABLE \[(\w+)\] \((.*)\);", statement, flags=re.DOTALL):
            table = match.group(1)
            for name, definition in re.findall(r"(?:^|, )\[(\w+)\] ((?:[^,(]|\([^)]*\))*)", match.group(2)):
                columns[table, name] = definition
        elif match := re.fullmatch(r"ALTER TABLE \[(\w+)\] (?:ADD|ALTER COLUMN) \[(\w+)\] (.*);", statement):
            columns[match.group(1), match.group(2)] = match.group(3)
        elif match := re.fullmatch(r"ALTER TABLE \[(\w+)\] DROP COLUMN \[(\w+)\];", statement):
            del columns[match.group(1), match.group(2)]
    return columns


def nullable(definition: str) -> bool:
    return not re.search(r"\bNOT NULL\b|\bPRIMARY KEY\b", definition)


# --- sql/schema.sql ------------------------------------------------------------------------------


def test_schema_sql_is_current(exported):
    assert SCHEMA.read_text(encoding="utf-8") == exported, (
        "sql/schema.sql is stale: run `python manage.py export_tsql` and commit it"
    )


def test_schema_sql_is_for_dbas_and_split_in_batches(exported):
    assert exported.startswith("-- ")
    assert "DO NOT EDIT BY HAND" in exported
    assert "python manage.py export_tsql" in exported
    assert re.search(r"^GO$", exported, flags=re.MULTILINE)
    contrib_and_ours = {"contenttypes", "auth", "admin", "sessions", "axes"} | {
        model._meta.app_label for model in project_models()
    }
    assert all(f"-- Migration {app}.0001_initial" in exported for app in contrib_and_ours)


def test_export_is_the_same_whatever_the_hash_seed(tmp_path):
    """mssql-django orders deferred statements through a set: the file must not depend on hashing."""
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, "manage.py", "export_tsql", "--check"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "is current" in completed.stdout


def test_check_option_refuses_a_stale_or_missing_file(tmp_path, exported):
    stale = tmp_path / "schema.sql"
    stale.write_text(exported.replace("nvarchar(150)", "nvarchar(151)", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"is stale.*export_tsql"):
        call_command("export_tsql", "--check", output=stale)
    with pytest.raises(CommandError, match="is missing"):
        call_command("export_tsql", "--check", output=tmp_path / "absent.sql")


def test_export_writes_the_file(tmp_path, exported):
    target = tmp_path / "sql" / "schema.sql"
    call_command("export_tsql", output=target)
    assert target.read_text(encoding="utf-8") == exported


def test_the_export_connection_never_connects():
    connection = offline_connection()
    with pytest.raises(OfflineExportError, match="never connects"):
        connection.get_new_connection(connection.get_connection_params())
    with pytest.raises(OfflineExportError, match="cannot answer this query without a server"):
        connection.cursor().execute("SELECT @@VERSION")


def test_a_statement_the_catalog_does_not_understand_stops_the_export():
    with pytest.raises(OfflineExportError, match="does not know how this statement changes the schema"):
        SchemaCatalog().apply("CREATE SYNONYM [customers] FOR [accounts_client]")


def test_constraints_named_by_the_server_are_dropped_by_looking_their_name_up(exported):
    """auth.0010 widens auth_group.name, whose inline UNIQUE SQL Server named itself (UQ__auth_gro__…)."""
    widen = exported.index("ALTER TABLE [auth_group] ALTER COLUMN [name] nvarchar(150) NOT NULL;")
    before = exported[:widen]
    assert "SQL Server named the UNIQUE constraint of [auth_group] (name) itself" in before[-1500:]
    assert "EXEC sp_executesql @drop_constraint;" in before[-300:]
    assert "ALTER TABLE [auth_group] ADD CONSTRAINT [auth_group_name_a6ea08ec_uniq] UNIQUE ([name]);" in exported
    # and never the broken collect_sql output of mssql-django (a SELECT, then DROP CONSTRAINT [column])
    assert "SELECT d.name FROM sys.default_constraints d INNER JOIN" not in exported
    assert "DROP CONSTRAINT [session_hash]" not in exported


def test_no_database_level_cascades(exported):
    assert "ON DELETE" not in exported
    assert "ON UPDATE" not in exported


def test_no_index_or_unique_key_covers_nvarchar_max(exported):
    columns = column_definitions(exported)
    assert columns, "no column definitions were read from the schema"
    text_columns = {key for key, definition in columns.items() if definition.startswith("nvarchar(max)")}
    keyed = []
    for statement in statements(exported):
        if match := re.match(r"CREATE (?:UNIQUE )?INDEX \[\w+\] ON \[(\w+)\] ?\(([^)]*)\)", statement):
            keyed.append((match.group(1), match.group(2)))
        if match := re.match(
            r"ALTER TABLE \[(\w+)\] ADD CONSTRAINT \[\w+\] (?:UNIQUE|PRIMARY KEY) \(([^)]*)\)", statement
        ):
            keyed.append((match.group(1), match.group(2)))
    offending = [
        (table, column)
        for table, column_list in keyed
        for column in re.findall(r"\[(\w+)\]", column_list)
        if (table, column) in text_columns
    ]
    inline = [key for key in text_columns if re.search(r"\b(UNIQUE|PRIMARY KEY)\b", columns[key])]
    assert keyed
    assert offending + inline == []


def test_unique_keys_on_nullable_columns_are_filtered_indexes(exported):
    """A plain UNIQUE allows one NULL on SQL Server: nullable columns need WHERE … IS NOT NULL.

    The keys the migrations leave in place are checked against the final columns: a plain UNIQUE made while
    its column was NOT NULL, and dropped before the column became nullable, is history, not the schema."""
    columns = column_definitions(exported)
    live: dict[tuple[str, str], tuple[str, str]] = {}  # (table, name) -> (column list, WHERE clause)
    for statement in statements(exported):
        plain_unique = re.match(r"ALTER TABLE \[(\w+)\] ADD CONSTRAINT \[(\w+)\] UNIQUE \(([^)]*)\)", statement)
        unique_index = re.match(r"CREATE UNIQUE INDEX \[(\w+)\] ON \[(\w+)\] ?\(([^)]*)\)(.*)", statement, re.DOTALL)
        dropped = re.match(r"ALTER TABLE \[(\w+)\] DROP CONSTRAINT \[(\w+)\]", statement)
        dropped_index = re.match(r"DROP INDEX \[(\w+)\] ON \[(\w+)\]", statement)
        if plain_unique:
            live[plain_unique.group(1), plain_unique.group(2)] = (plain_unique.group(3), "")
        elif unique_index:
            name, table, column_list, where = unique_index.groups()
            live[table, name] = (column_list, where)
        elif dropped:
            live.pop((dropped.group(1), dropped.group(2)), None)
        elif dropped_index:
            live.pop((dropped_index.group(2), dropped_index.group(1)), None)
    assert live
    problems = []
    for (table, name), (column_list, where) in live.items():
        for column in re.findall(r"\[(\w+)\]", column_list):
            if (
                (table, column) in columns
                and nullable(columns[table, column])
                and f"[{column}] IS NOT NULL" not in where
            ):
                problems.append(f"{name}: {table}.{column}")
    inline = [f"{table}.{column}" for (table, column), d in columns.items() if " UNIQUE" in d and nullable(d)]
    assert problems + inline == []


def test_conditional_unique_constraints_and_nullable_unique_fields_become_filtered_indexes(exported):
    expected = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None:
                expected.append(rf"CREATE UNIQUE INDEX \[{constraint.name}\] ON \[{table}\] \(.*\) WHERE ")
        for field in model._meta.local_fields:
            if field.unique and field.null and not field.primary_key:
                column = field.column
                expected.append(
                    rf"CREATE UNIQUE INDEX \[\w+_uniq\] ON \[{table}\]\(\[{column}\]\) WHERE \[{column}\] IS NOT NULL"
                )
    assert expected, "the models have no conditional unique constraint any more: review this test"
    missing = [pattern for pattern in expected if not re.search(pattern, exported)]
    assert missing == []


def test_every_check_constraint_is_in_the_schema(exported):
    names = [
        constraint.name
        for model in apps.get_models(include_auto_created=True)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]
    assert len(names) > 10
    missing = [name for name in names if f"CONSTRAINT [{name}] CHECK (" not in exported]
    assert missing == []
    # positive integer fields get the backend's own CHECK too
    assert re.search(r"CONSTRAINT \w+_check CHECK \(\[\w+\] >= 0\)", exported)


def test_project_models_keep_to_the_sql_server_naming_rules():
    """DESIGN.md: identifiers up to 128 characters, no T-SQL reserved word as a table or column name."""
    problems = []
    for model in project_models():
        names = [model._meta.db_table, *(field.column for field in model._meta.local_fields)]
        names += [index.name for index in model._meta.indexes] + [c.name for c in model._meta.constraints]
        problems += [f"{model.__name__}: {name}" for name in names if name.upper() in TSQL_RESERVED or len(name) > 128]
    assert problems == []


@pytest.mark.django_db
def test_makemigrations_is_clean():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- the ODBC driver, against a port where nothing listens -----------------------------------------


@pytest.fixture
def closed_port():
    """A loopback port bound but never listening: connections to it are refused, and nobody else takes it."""
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        yield placeholder.getsockname()[1]


@pytest.fixture
def odbc_directory(tmp_path) -> Path:
    register_driver(tmp_path / "odbc")
    return tmp_path / "odbc"


def run_manage(*arguments: str, database_url: str, odbcsysini: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ODBCSYSINI": str(odbcsysini),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_registered_driver_is_the_wheels_library(odbc_directory):
    ini = (odbc_directory / "odbcinst.ini").read_text(encoding="utf-8")
    assert f"[{DRIVER_NAME}]" in ini
    driver = Path(re.search(r"^Driver=(.+)$", ini, flags=re.MULTILINE).group(1))
    assert driver == bundled_driver_path()
    assert driver.name.startswith("libmsodbcsql-18") and driver.is_file()


def test_register_odbc_driver_command_writes_the_ini(tmp_path):
    call_command("register_odbc_driver", "--dir", str(tmp_path / "odbc"))
    assert f"Driver={bundled_driver_path()}" in (tmp_path / "odbc" / "odbcinst.ini").read_text(encoding="utf-8")


def test_the_url_turns_connection_retries_off():
    """mssql-django retries a failed connection 5 times by default, with 5 s pauses."""
    config = database_from_url("mssql://app:pw@127.0.0.1:1433/bank?timeout=2", base_dir=BASE_DIR)
    assert config["OPTIONS"]["connection_retries"] == 0
    assert config["OPTIONS"]["connection_timeout"] == 2


def test_unreachable_server_through_pyodbc_and_odbc_driver_18(closed_port, odbc_directory):
    completed = run_manage(
        "migrate",
        database_url=f"mssql://app:secret@127.0.0.1:{closed_port}/bank?timeout=2",
        odbcsysini=odbc_directory,
    )
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    # Microsoft's driver itself answered (not unixODBC's "can't open lib"), without its bracketed noise.
    assert re.fullmatch(
        rf"Cannot connect to the SQL Server database 'bank' on host 127\.0\.0\.1:{closed_port}: "
        r"(Login timeout expired|.*TCP Provider: Error code 0x\w+.*) \(ODBC Driver 18 for SQL Server, SQLSTATE \w+\)",
        lines[0],
    ), lines[0]
    assert "secret" not in completed.stderr


def test_unreachable_server_through_the_bundled_mssql_python_driver(closed_port, odbc_directory):
    completed = run_manage(
        "migrate",
        database_url=f"mssql://app:secret@127.0.0.1:{closed_port}/bank?timeout=2&python_driver=mssql_python",
        odbcsysini=odbc_directory,
    )
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"Cannot connect to the SQL Server database 'bank' on host 127.0.0.1:{closed_port}: ")
    # Microsoft's native TCP provider answered: the driver library was loaded and tried the port.
    assert re.search(r"TCP Provider: Error code 0x[0-9A-F]+", lines[0])
    assert lines[0].endswith("(mssql-python's bundled Microsoft driver)")
    assert "secret" not in completed.stderr


def test_an_unregistered_driver_is_reported_with_the_fix(closed_port, tmp_path):
    completed = run_manage(
        "migrate",
        database_url=f"mssql://app:secret@127.0.0.1:{closed_port}/bank?timeout=2",
        odbcsysini=tmp_path,  # no odbcinst.ini here
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip() == (
        f"Cannot connect to the SQL Server database 'bank' on host 127.0.0.1:{closed_port}: "
        "the ODBC driver 'ODBC Driver 18 for SQL Server' is not installed or not registered with unixODBC; "
        "run `python manage.py register_odbc_driver` and export ODBCSYSINI (docs/sql-server.md)"
    )


# --- scripts/test-sqlserver, up to the connection ----------------------------------------------------


def run_test_sqlserver(database_url: str | None, odbcsysini: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "ODBCSYSINI": str(odbcsysini), "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("DATABASE_URL", None)
    if database_url is not None:
        environment["DATABASE_URL"] = database_url
    return subprocess.run(
        [str(BASE_DIR / "scripts" / "test-sqlserver")],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_test_sqlserver_needs_a_sql_server_url(tmp_path):
    completed = run_test_sqlserver("postgres://postgres@127.0.0.1:5432/telemarketing", tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        "scripts/test-sqlserver: set DATABASE_URL=mssql://login:password@host:1433/master (docs/sql-server.md)"
    ]


def test_test_sqlserver_stops_in_one_line_when_the_server_is_unreachable(closed_port, odbc_directory):
    completed = run_test_sqlserver(f"mssql://dba:secret@127.0.0.1:{closed_port}/master?timeout=2", odbc_directory)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"Cannot connect to the SQL Server database 'master' on host 127.0.0.1:{closed_port}: ")
    assert "(ODBC Driver 18 for SQL Server, SQLSTATE" in lines[0]
    assert "secret" not in completed.stderr
    assert "test session starts" not in completed.stdout  # pytest never started


def test_scratch_test_databases_on_sql_server_get_the_collation_of_create_database_sql():
    script = (BASE_DIR / "sql" / "create_database.sql").read_text(encoding="utf-8")
    config = database_from_url("mssql://app:pw@sql.bank.local/telemarketing", base_dir=BASE_DIR)
    assert config["TEST"]["COLLATION"] == SQL_SERVER_COLLATION
    code = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    assert f"CREATE DATABASE [$(DatabaseName)] COLLATE {SQL_SERVER_COLLATION};" in code
    # an existing database with another collation stops the script (sqlcmd -b)
    assert re.search(rf"IF @collation <> N'{SQL_SERVER_COLLATION}'\s+RAISERROR \(", code)
    assert "SET READ_COMMITTED_SNAPSHOT ON" in code
