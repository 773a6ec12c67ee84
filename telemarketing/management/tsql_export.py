"""The SQL Server DDL of every migration, written without a SQL Server.

mssql-django's schema editor is run in ``collect_sql`` mode on a connection configured for SQL Server
that never connects. Where the editor would ask the server something (which indexes and constraints a
table has, the name of a default constraint), the answer comes from a catalog of the schema built so
far, kept up to date from the statements collected. Constraints that SQL Server names itself (an inline
PRIMARY KEY, UNIQUE, DEFAULT or unnamed CHECK) get a placeholder in that catalog; a statement dropping
one is written as a lookup in ``sys.*`` followed by dynamic SQL, so the script stays correct on any server.
Anything else the editor would ask is refused with a clear error instead of being guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version as package_version

import django
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from django.utils import timezone as django_timezone
from mssql.base import DatabaseWrapper
from mssql.introspection import DatabaseIntrospection
from mssql.schema import DatabaseSchemaEditor

from telemarketing.management.tsql_catalog import (
    SERVER_NAMED_PREFIX,
    OfflineExportError,
    SchemaCatalog,
    drop_server_named_constraint_sql,
)

TARGET_SQL_SERVER_VERSION = 2022
EXPORT_ALIAS = "tsql_export"
BATCH_SEPARATOR = "GO"


class OfflineCursor:
    """Stands where a cursor would: introspection ignores it, and the one query answerable offline is."""

    def __init__(self, catalog: SchemaCatalog) -> None:
        self.catalog = catalog
        self.rows: list[tuple] = []

    def __enter__(self) -> OfflineCursor:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def execute(self, sql: str, params=None) -> None:
        match = re.search(r"INFORMATION_SCHEMA\.CONSTRAINT_COLUMN_USAGE WHERE CONSTRAINT_NAME = '([^']*)'", sql)
        if not match:
            raise OfflineExportError(f"export_tsql cannot answer this query without a server: {' '.join(sql.split())}")
        self.rows = [(1,)] if self.catalog.has_table_constraint(match.group(1)) else []

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return list(self.rows)


class OfflineIntrospection(DatabaseIntrospection):
    def get_constraints(self, cursor, table_name):
        return self.connection.catalog.constraints(table_name)

    def table_names(self, cursor=None, include_views=False):
        return sorted(self.connection.catalog.tables)


class OfflineSchemaEditor(DatabaseSchemaEditor):
    """mssql-django's editor, with server questions answered by the catalog and a deterministic order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The backend keeps this at class level, so one export would leak into the next.
        self._deferred_unique_indexes = defaultdict(list)

    def __exit__(self, exc_type, exc_value, traceback):
        # mssql-django deduplicates deferred statements through a set: sort them for a stable file.
        self.deferred_sql = sorted(self.deferred_sql, key=str)
        return super().__exit__(exc_type, exc_value, traceback)

    def execute(self, sql, params=(), has_result=False):
        catalog = self.connection.catalog
        if has_result:
            return self._answer_default_constraint_query(str(sql))
        before = len(self.collected_sql)
        super().execute(sql, params)
        for position in range(before, len(self.collected_sql)):
            statement = self.collected_sql[position]
            placeholders = set(re.findall(r"\[(" + SERVER_NAMED_PREFIX + r"[^\]]+)\]", statement))
            catalog.apply(statement)
            if placeholders:
                drop = re.fullmatch(
                    r"ALTER TABLE \[[^\]]+\] DROP CONSTRAINT \[(" + SERVER_NAMED_PREFIX + r"[^\]]+)\];",
                    statement.strip(),
                )
                if not drop:
                    raise OfflineExportError(f"a server-named constraint is used in an unexpected way: {statement}")
                self.collected_sql[position] = drop_server_named_constraint_sql(catalog.server_named[drop.group(1)])
        return None

    def _answer_default_constraint_query(self, sql: str) -> list[tuple[str]]:
        match = re.search(r"t\.name = '([^']*)' AND c\.name = '([^']*)'", sql)
        if not match or "sys.default_constraints" not in sql:
            raise OfflineExportError(f"export_tsql cannot answer this query without a server: {' '.join(sql.split())}")
        return [(name,) for name in self.connection.catalog.default_constraint_names(match.group(1), match.group(2))]


class OfflineSqlServerWrapper(DatabaseWrapper):
    """A SQL Server connection that never connects: enough for the schema editor to collect SQL."""

    SchemaEditorClass = OfflineSchemaEditor
    introspection_class = OfflineIntrospection
    sql_server_version = TARGET_SQL_SERVER_VERSION
    to_azure_sql_db = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = SchemaCatalog()

    def get_new_connection(self, conn_params):
        raise OfflineExportError("export_tsql never connects to SQL Server")

    def get_autocommit(self) -> bool:
        # Queries compiled here (tests/tsql_shadow.py) run inside their caller's transaction, as a
        # select_for_update() must; asking the base class would connect.
        return False

    def cursor(self):
        return OfflineCursor(self.catalog)


def offline_connection() -> OfflineSqlServerWrapper:
    # configure_settings() fills in every key Django expects (and insists on the name "default").
    settings_dict = ConnectionHandler().configure_settings({"default": {"ENGINE": "mssql", "NAME": "telemarketing"}})[
        "default"
    ]
    return OfflineSqlServerWrapper(settings_dict, alias=EXPORT_ALIAS)


@contextmanager
def _registered(connection: OfflineSqlServerWrapper) -> Iterator[None]:
    """Migration operations look their connection up by alias (router checks), so register it meanwhile."""
    connections[EXPORT_ALIAS] = connection
    try:
        yield
    finally:
        del connections[EXPORT_ALIAS]


def migration_plan(loader: MigrationLoader) -> list[tuple[str, str]]:
    """Every migration of every app, each after its dependencies, in a stable order."""
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.extend(node for node in loader.graph.forwards_plan(leaf) if node not in plan)
    return plan


def header() -> str:
    return "\n".join(
        [
            "-- " + "=" * 100,
            "-- Telemarketing centre of the bank: the SQL Server schema, i.e. the DDL of every Django migration",
            "-- (contrib apps included), in the order `manage.py migrate` applies them.",
            "--",
            "-- GENERATED FILE: DO NOT EDIT BY HAND. Regenerate it after any model or migration change with",
            "--     python manage.py export_tsql",
            f"-- It is mssql-django {package_version('mssql-django')}'s own SQL (Django {django.get_version()}) "
            f"for SQL Server {TARGET_SQL_SERVER_VERSION},",
            "-- collected without a server; tests fail when this file no longer matches the migrations.",
            "--",
            "-- The supported way to deploy is `python manage.py migrate` run under the migration login",
            "-- (docs/sql-server.md): it also runs the data migrations (role groups, permissions) marked",
            '-- "THIS OPERATION CANNOT BE WRITTEN AS SQL" below, and records what it applied in django_migrations.',
            "-- Use this file to review a release's schema, to diff two releases, or to build an empty reference",
            "-- database:  sqlcmd -b -I -S <server> -d <database> -i sql/schema.sql",
            "-- (-b stops at the first error; each migration runs in its own transaction, with XACT_ABORT on.)",
            "-- " + "=" * 100,
        ]
    )


class _MidnightOf2000(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2000, 1, 1, tzinfo=tz)


@contextmanager
def _fixed_clock() -> Iterator[None]:
    """``timezone.now`` answers one fixed instant: an AddField whose default is ``timezone.now`` (django-tasks-db's
    ``enqueued_at``) writes that value once, for the rows already there, so the file stays the same on every run."""
    original = django_timezone.datetime
    django_timezone.datetime = _MidnightOf2000
    try:
        yield
    finally:
        django_timezone.datetime = original


def export_schema_sql() -> str:
    """The whole of sql/schema.sql, the same text on every run for the same migrations."""
    connection = offline_connection()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    lines = [header(), "SET XACT_ABORT ON;", BATCH_SEPARATOR]
    with _registered(connection), _fixed_clock():
        plan = migration_plan(loader)
        state = loader.project_state(plan[0], at_end=False) if plan else None
        for key in plan:
            migration = loader.graph.nodes[key]
            with connection.schema_editor(collect_sql=True, atomic=False) as editor:
                state = migration.apply(state, editor, collect_sql=True)
            lines.append("")
            lines.append(f"-- Migration {migration.app_label}.{migration.name}")
            if migration.atomic:
                lines.extend(["BEGIN TRANSACTION;", BATCH_SEPARATOR])
            lines.extend(_batches(editor.collected_sql))
            if migration.atomic:
                lines.extend(["COMMIT TRANSACTION;", BATCH_SEPARATOR])
    return "\n".join(lines) + "\n"


def _batches(collected: list[str]) -> list[str]:
    """Django's description comments as they are; every statement in a batch of its own, as migrate runs it."""
    lines = []
    for item in collected:
        if item.startswith("--") and "\n" not in item:  # Django's one-line description of an operation
            if item != "--":
                lines.append(item)
            continue
        lines.append(_format_statement(item))
        lines.append(BATCH_SEPARATOR)
    return lines


# A column added with default=timezone.now (django-otp's created_at) fills existing rows with the time the
# migration runs; the backend writes the export's own clock as a literal, which would change on every run: the file
# says what migrate does on the server, the server's time.
_NOW_DEFAULT = re.compile(r"(datetimeoffset DEFAULT )'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\+00:00'( WITH VALUES)")


def _format_statement(statement: str) -> str:
    """Trim the backend's template indentation; the time of the run becomes the server's (see _NOW_DEFAULT)."""
    rows = [row.strip() for row in statement.strip().splitlines()]
    return _NOW_DEFAULT.sub(r"\1SYSDATETIMEOFFSET()\2", "\n".join(row for row in rows if row))
