"""Every script under sql/ is T-SQL that sqlglot's tsql dialect parses, batch by batch (GO), and the
DBA scripts are written to be run again safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from django.conf import settings
from sqlglot import exp
from sqlglot.errors import ErrorLevel

SQL_DIR = Path(settings.BASE_DIR) / "sql"
SCRIPTS = sorted(SQL_DIR.rglob("*.sql"))
DBA_SCRIPTS = [path for path in SCRIPTS if path.name != "schema.sql"]

# Statements sqlglot only tokenizes (an exp.Command) instead of parsing them into a tree. They are
# legitimate T-SQL that its dialect does not model; anything else falling back to a Command is a mistake.
TOKENIZED_ONLY = (
    ("CREATE", "MASTER KEY"),
    ("CREATE", "CERTIFICATE"),
    ("CREATE", "DATABASE ENCRYPTION KEY"),
    ("CREATE", "LOGIN"),
    ("CREATE", "USER"),
    ("CREATE", "ROLE"),
    ("ALTER", "DATABASE"),
    ("ALTER", "ROLE"),
    ("GRANT", ""),
    ("PRINT", ""),
    # mssql-django's DEFAULT constraint for django-tasks-db's run_after (a third-party migration).
    ("ALTER", "TABLE [DJANGO_TASKS_DATABASE_DBTASKRESULT] ADD DEFAULT"),
)


def batches(text: str) -> list[str]:
    """The script's batches, split on sqlcmd's GO lines, without the ones holding only comments."""
    parts = re.split(r"^[ \t]*GO[ \t]*$", text, flags=re.MULTILINE | re.IGNORECASE)
    return [part for part in parts if re.sub(r"--[^\n]*", "", part).strip()]


# sqlglot's tsql dialect does not model ADD <column> ... DEFAULT ... WITH VALUES (fill the existing rows with the
# default); such a statement is parsed without that last clause.
WITH_VALUES = re.compile(r"\s+WITH\s+VALUES\s*;", re.IGNORECASE)


def parsed(path: Path) -> list[exp.Expression]:
    trees = []
    for number, batch in enumerate(batches(path.read_text(encoding="utf-8")), start=1):
        batch = WITH_VALUES.sub(";", batch)
        try:
            trees += [tree for tree in sqlglot.parse(batch, read="tsql", error_level=ErrorLevel.RAISE) if tree]
        except sqlglot.errors.ParseError as error:
            pytest.fail(f"{path.name}, batch {number} does not parse as T-SQL: {error}\n{batch}")
    return trees


def commands(trees: list[exp.Expression]) -> list[exp.Command]:
    return [node for tree in trees for node in tree.walk() if isinstance(node, exp.Command)]


def command_text(command: exp.Command) -> str:
    rest = re.sub(r"/\*.*?\*/", "", str(command.expression or ""), flags=re.DOTALL)
    return f"{command.this} {' '.join(rest.split())}".upper()


def test_there_are_the_scripts_the_dbas_need():
    names = {path.name for path in SCRIPTS}
    assert {"schema.sql", "tde_enable.sql", "logins_and_roles.sql", "force_encryption.sql"} <= names


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_every_sql_file_parses_as_tsql(path):
    trees = parsed(path)
    assert trees, f"{path.name} holds no statement"
    unexpected = [
        command_text(command)
        for command in commands(trees)
        if not any(
            str(command.this).upper() == keyword and command_text(command).startswith(f"{keyword} {words}".strip())
            for keyword, words in TOKENIZED_ONLY
        )
    ]
    assert unexpected == [], "sqlglot could only tokenize these statements; write them in a form it parses"


@pytest.mark.parametrize("path", DBA_SCRIPTS, ids=lambda path: path.name)
def test_dba_scripts_start_with_instructions_for_the_dba(path):
    head = path.read_text(encoding="utf-8").split("\nSET ", 1)[0]
    assert all(line.startswith("--") for line in head.strip().splitlines())
    assert "sqlcmd" in head and "-b" in head, "say how to run it, stopping at the first error"


@pytest.mark.parametrize("path", DBA_SCRIPTS, ids=lambda path: path.name)
def test_dba_scripts_create_and_alter_only_what_is_missing(path):
    """Idempotent: every CREATE, ALTER ROLE … ADD MEMBER and SET ENCRYPTION sits under an IF that checks first."""
    trees = parsed(path)
    unguarded = [
        command_text(command)
        for command in commands(trees)
        if str(command.this).upper() in ("CREATE", "ALTER") and command.find_ancestor(exp.IfBlock) is None
    ]
    unguarded += [tree.sql("tsql") for tree in trees if isinstance(tree, exp.Create | exp.Alter | exp.Drop)]
    # rows are only ever written to table variables (@name), which live for one batch
    unguarded += [
        tree.sql("tsql") for tree in trees if isinstance(tree, exp.Insert) and not tree.this.sql().startswith("@")
    ]
    assert unguarded == []


def test_tde_script_covers_every_step_and_checks_the_result():
    text = re.sub(r"--[^\n]*", "", (SQL_DIR / "tde_enable.sql").read_text(encoding="utf-8"))
    steps = [
        "CREATE MASTER KEY ENCRYPTION BY PASSWORD",
        "CREATE CERTIFICATE",
        "BACKUP CERTIFICATE",
        "WITH PRIVATE KEY",
        "CREATE DATABASE ENCRYPTION KEY",
        "ENCRYPTION BY SERVER CERTIFICATE",
        "SET ENCRYPTION ON",
        "FROM sys.dm_database_encryption_keys AS k",  # the report at the end
    ]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions
    assert positions == sorted(positions), "the steps must run in this order"


def test_the_application_login_gets_no_ddl():
    text = (SQL_DIR / "logins_and_roles.sql").read_text(encoding="utf-8")
    grants = re.findall(r"^GRANT (.+?) TO \[(\w+)\];", text, flags=re.MULTILINE | re.DOTALL)
    application = " ".join(what for what, role in grants if role == "telemarketing_application")
    assert application
    assert not re.search(r"\b(CREATE|ALTER|DROP|REFERENCES|CONTROL|TAKE OWNERSHIP)\b", application)
    schema_owner = " ".join(what for what, role in grants if role == "telemarketing_schema_owner")
    assert "CREATE TABLE" in schema_owner and "ALTER" in schema_owner
