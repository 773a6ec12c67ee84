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

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version as package_version

import django
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from mssql.base import DatabaseWrapper
from mssql.introspection import DatabaseIntrospection
from mssql.schema import DatabaseSchemaEditor

TARGET_SQL_SERVER_VERSION = 2022
EXPORT_ALIAS = "tsql_export"
BATCH_SEPARATOR = "GO"

_NAME = r"\[([^\]]+)\]"
_SERVER_NAMED_PREFIX = "__server_named__"


class OfflineExportError(RuntimeError):
    """The schema editor needed something from a server that the offline export cannot answer."""


@dataclass
class TableConstraint:
    """One entry of ``introspection.get_constraints()``, as SQL Server would report it."""

    columns: list[str]
    primary_key: bool = False
    unique: bool = False
    unique_constraint: bool = False
    foreign_key: tuple[str, str] | None = None
    check: bool = False
    index: bool = False
    default: bool = False
    index_type: str | None = None
    orders: list[str] = field(default_factory=list)

    def as_introspection(self) -> dict:
        info = {
            "columns": list(self.columns),
            "primary_key": self.primary_key,
            "unique": self.unique,
            "unique_constraint": self.unique_constraint,
            "foreign_key": self.foreign_key,
            "check": self.check,
            "index": self.index,
            "default": self.default,
        }
        if self.index:
            info["type"] = self.index_type
            info["orders"] = list(self.orders)
        return info


@dataclass(frozen=True)
class ServerNamedConstraint:
    """A constraint whose name SQL Server generates (``PK__table__…``): found by what it is, not its name."""

    kind: str  # "PK", "UQ", "D" (default) or "C" (check)
    table: str
    columns: tuple[str, ...]


def _split_top_level(text: str) -> list[str]:
    """Split a column/constraint list on the commas that are not inside parentheses or quotes."""
    parts, depth, current, quote = [], 0, [], None
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
            continue
        if char in "'[\"":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _balanced(text: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses opening at ``start``, and the index after the closing one."""
    depth, quote = 0, None
    for position in range(start, len(text)):
        char = text[position]
        if quote:
            if char == quote:
                quote = None
            continue
        if char in "'[":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : position], position + 1
    raise OfflineExportError(f"unbalanced parentheses in: {text}")


def _referenced_columns(expression: str) -> list[str]:
    """The columns a CHECK expression uses (what INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE lists)."""
    without_literals = re.sub(r"'(?:[^']|'')*'", "''", expression)
    names = [a or b for a, b in re.findall(r'\[([^\]]+)\]|"([^"]+)"', without_literals)]
    return list(dict.fromkeys(names))


def _column_list(text: str) -> tuple[list[str], list[str]]:
    columns, orders = [], []
    for item in _split_top_level(text):
        match = re.fullmatch(_NAME + r"(?:\s+(ASC|DESC))?", item.strip())
        if not match:
            raise OfflineExportError(f"cannot read the column list {text!r}")
        columns.append(match.group(1))
        orders.append(match.group(2) or "ASC")
    return columns, orders


class SchemaCatalog:
    """The tables' constraints and indexes as the collected statements leave them."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, TableConstraint]] = {}
        self.server_named: dict[str, ServerNamedConstraint] = {}

    def constraints(self, table: str) -> dict[str, dict]:
        return {name: item.as_introspection() for name, item in self.tables.get(table, {}).items()}

    def has_table_constraint(self, name: str) -> bool:
        """Whether ``name`` is a table constraint (PK, UNIQUE, FK or CHECK), not a bare index."""
        return any(
            name in items and not items[name].index and not items[name].default for items in self.tables.values()
        )

    def default_constraint_names(self, table: str, column: str) -> list[str]:
        return [name for name, item in self.tables.get(table, {}).items() if item.default and item.columns == [column]]

    def _server_named(self, kind: str, table: str, columns: list[str]) -> str:
        placeholder = f"{_SERVER_NAMED_PREFIX}{kind}__{table}__{'__'.join(columns)}"
        self.server_named[placeholder] = ServerNamedConstraint(kind, table, tuple(columns))
        return placeholder

    # --- applying statements -------------------------------------------------------------------
    def apply(self, sql: str) -> None:
        statement = " ".join(sql.split()).rstrip(";").strip()
        for pattern, handler in self._handlers():
            match = re.fullmatch(pattern, statement, flags=re.IGNORECASE | re.DOTALL)
            if match:
                handler(match)
                return
        raise OfflineExportError(
            "export_tsql does not know how this statement changes the schema, so it cannot answer the "
            f"schema editor's later questions about it; teach SchemaCatalog: {statement}"
        )

    def _handlers(self):
        return [
            (r"CREATE TABLE " + _NAME + r" \((.*)\)", self._create_table),
            (r"ALTER TABLE " + _NAME + r" ADD CONSTRAINT " + _NAME + r" (.*)", self._add_constraint),
            (r"ALTER TABLE " + _NAME + r" ADD DEFAULT .* FOR " + _NAME, self._add_default),
            (r"ALTER TABLE " + _NAME + r" ADD " + _NAME + r" (.*)", self._add_column),
            (r"ALTER TABLE " + _NAME + r" DROP CONSTRAINT " + _NAME, self._drop_constraint),
            (r"ALTER TABLE " + _NAME + r" DROP COLUMN " + _NAME, self._drop_column),
            (r"ALTER TABLE " + _NAME + r" ALTER COLUMN .*", lambda match: None),
            (r"CREATE (UNIQUE )?INDEX " + _NAME + r" ON " + _NAME + r"\s?\((.*)", self._create_index),
            (r"DROP INDEX " + _NAME + r" ON " + _NAME, self._drop_index),
            (r"UPDATE " + _NAME + r" SET .*", lambda match: None),  # noqa: S608  (a pattern, not a query)
            (r"EXEC sp_rename '([^'.]+)\.([^'.]+)', " + _NAME + r", 'COLUMN'", self._rename_column),
            (r"EXEC sp_rename " + _NAME + r", " + _NAME, self._rename_table),
            (r"DECLARE @sql_foreign_constraint_name .* DROP TABLE " + _NAME, self._drop_table),
            (r"IF NOT EXISTS \(SELECT NULL FROM sys\.extended_properties .*", lambda match: None),
        ]

    def _create_table(self, match: re.Match) -> None:
        table = match.group(1)
        self.tables[table] = {}
        for item in _split_top_level(match.group(2)):
            named = re.fullmatch(r"CONSTRAINT " + _NAME + r" (.*)", item, flags=re.IGNORECASE)
            if named:
                self._table_constraint(table, named.group(1), named.group(2))
            elif re.match(r"PRIMARY KEY \(", item, flags=re.IGNORECASE):
                columns, _ = _column_list(_balanced(item, item.index("("))[0])
                self._add(table, self._server_named("PK", table, columns), TableConstraint(columns, True, True))
            else:
                column = re.match(_NAME + r" (.*)", item)
                if not column:
                    raise OfflineExportError(f"cannot read the column definition {item!r} of {table}")
                self._column_constraints(table, column.group(1), column.group(2))

    def _column_constraints(self, table: str, column: str, definition: str) -> None:
        """Constraints written inline in a column definition (CREATE TABLE or ALTER TABLE … ADD)."""
        checks = []
        for check in re.finditer(r"(?:CONSTRAINT (\[?[^\s\]]+\]?) )?CHECK \(", definition, flags=re.IGNORECASE):
            expression, _ = _balanced(definition, check.end() - 1)
            checks.append((check.group(1), expression))
        plain = re.sub(r"\((?:[^()]|\([^()]*\))*\)|'(?:[^']|'')*'", "()", definition).upper()
        if " PRIMARY KEY" in f" {plain}":
            self._add(table, self._server_named("PK", table, [column]), TableConstraint([column], True, True))
        if re.search(r"(^|\s)UNIQUE(\s|$)", plain):
            self._add(
                table,
                self._server_named("UQ", table, [column]),
                TableConstraint([column], unique=True, unique_constraint=True),
            )
        if re.search(r"(^|\s)DEFAULT(\s|$)", plain):
            self._add(table, self._server_named("D", table, [column]), TableConstraint([column], default=True))
        for name, expression in checks:
            columns = _referenced_columns(expression) or [column]
            if name:
                self._add(table, name.strip("[]"), TableConstraint(columns, check=True))
            else:
                self._add(table, self._server_named("C", table, [column]), TableConstraint(columns, check=True))

    def _table_constraint(self, table: str, name: str, body: str) -> None:
        kind = body.split("(", 1)[0].strip().upper()
        inner, after = _balanced(body, body.index("("))
        if kind == "CHECK":
            self._add(table, name, TableConstraint(_referenced_columns(inner), check=True))
        elif kind == "UNIQUE":
            columns, _ = _column_list(inner)
            self._add(table, name, TableConstraint(columns, unique=True, unique_constraint=True))
        elif kind == "PRIMARY KEY":
            columns, _ = _column_list(inner)
            self._add(table, name, TableConstraint(columns, primary_key=True, unique=True))
        elif kind == "FOREIGN KEY":
            columns, _ = _column_list(inner)
            target = re.match(r"\s*REFERENCES " + _NAME + r"\s*\(" + _NAME + r"\)", body[after:], flags=re.I)
            if not target:
                raise OfflineExportError(f"cannot read the foreign key {body!r} of {table}")
            self._add(table, name, TableConstraint(columns, foreign_key=(target.group(1), target.group(2))))
        else:
            raise OfflineExportError(f"unknown constraint kind {kind!r} in {body!r} of {table}")

    def _add_constraint(self, match: re.Match) -> None:
        self._table_constraint(match.group(1), match.group(2), match.group(3))

    def _add_default(self, match: re.Match) -> None:
        table, column = match.group(1), match.group(2)
        self._add(table, self._server_named("D", table, [column]), TableConstraint([column], default=True))

    def _add_column(self, match: re.Match) -> None:
        self._column_constraints(match.group(1), match.group(2), match.group(3))

    def _create_index(self, match: re.Match) -> None:
        unique, name, table, rest = bool(match.group(1)), match.group(2), match.group(3), "(" + match.group(4)
        columns, orders = _column_list(_balanced(rest, 0)[0])
        self._add(
            table,
            name,
            TableConstraint(columns, unique=unique, index=True, index_type="idx", orders=orders),
        )

    def _drop_constraint(self, match: re.Match) -> None:
        self._remove(match.group(1), match.group(2))

    def _drop_index(self, match: re.Match) -> None:
        self._remove(match.group(2), match.group(1))

    def _drop_column(self, match: re.Match) -> None:
        table, column = match.group(1), match.group(2)
        items = self.tables.get(table, {})
        for name in [name for name, item in items.items() if column in item.columns]:
            del items[name]  # SQL Server refuses to drop a column still used; the editor dropped these first

    def _rename_column(self, match: re.Match) -> None:
        table, old, new = match.group(1), match.group(2), match.group(3)
        for item in self.tables.get(table, {}).values():
            item.columns = [new if column == old else column for column in item.columns]

    def _rename_table(self, match: re.Match) -> None:
        old, new = match.group(1), match.group(2)
        self.tables[new] = self.tables.pop(old, {})
        for items in self.tables.values():
            for item in items.values():
                if item.foreign_key and item.foreign_key[0] == old:
                    item.foreign_key = (new, item.foreign_key[1])

    def _drop_table(self, match: re.Match) -> None:
        table = match.group(1)
        self.tables.pop(table, None)
        for items in self.tables.values():
            for name in [name for name, item in items.items() if item.foreign_key and item.foreign_key[0] == table]:
                del items[name]  # the generated block drops every foreign key pointing at the table

    def _add(self, table: str, name: str, item: TableConstraint) -> None:
        self.tables.setdefault(table, {})[name] = item

    def _remove(self, table: str, name: str) -> None:
        if name not in self.tables.get(table, {}):
            raise OfflineExportError(f"the schema editor drops {name!r} from {table!r}, which does not exist there")
        del self.tables[table][name]


def drop_server_named_constraint_sql(constraint: ServerNamedConstraint) -> str:
    """Look the server-generated name up in ``sys.*`` and drop that constraint with dynamic SQL.

    This writes script text for sql/schema.sql (never executed here); the names come from the migrations.
    """
    table = constraint.table.replace("'", "''")
    column = constraint.columns[0].replace("'", "''") if constraint.columns else ""
    if constraint.kind == "D":
        lookup = (
            "SELECT d.name FROM sys.default_constraints AS d "  # noqa: S608
            "JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id "
            f"WHERE d.parent_object_id = OBJECT_ID(N'[{table}]') AND c.name = N'{column}'"
        )
        what = f"DEFAULT constraint of [{constraint.table}].[{constraint.columns[0]}]"
    elif constraint.kind == "C":
        lookup = (
            "SELECT k.name FROM sys.check_constraints AS k "  # noqa: S608
            "JOIN sys.columns AS c ON c.object_id = k.parent_object_id AND c.column_id = k.parent_column_id "
            f"WHERE k.parent_object_id = OBJECT_ID(N'[{table}]') AND c.name = N'{column}'"
        )
        what = f"CHECK constraint of [{constraint.table}].[{constraint.columns[0]}]"
    else:
        columns = ", ".join(f"N'{name}'" for name in constraint.columns)
        lookup = (
            "SELECT k.name FROM sys.key_constraints AS k "  # noqa: S608
            f"WHERE k.parent_object_id = OBJECT_ID(N'[{table}]') AND k.type = '{constraint.kind}' "
            "AND (SELECT COUNT(*) FROM sys.index_columns AS ic "
            "WHERE ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id) = "
            f"{len(constraint.columns)} "
            "AND NOT EXISTS (SELECT 1 FROM sys.index_columns AS ic "
            "WHERE ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id "
            f"AND COL_NAME(ic.object_id, ic.column_id) NOT IN ({columns}))"
        )
        label = "PRIMARY KEY" if constraint.kind == "PK" else "UNIQUE constraint"
        what = f"{label} of [{constraint.table}] ({', '.join(constraint.columns)})"
    return "\n".join(
        [
            f"-- SQL Server named the {what} itself: look the name up, then drop it.",
            f"DECLARE @constraint_name sysname = ({lookup});",
            f"IF @constraint_name IS NULL RAISERROR (N'No {what} to drop.', 16, 1);",
            f"DECLARE @drop_constraint nvarchar(max) = N'ALTER TABLE [{table}] DROP CONSTRAINT ' "
            "+ QUOTENAME(@constraint_name);",
            "EXEC sp_executesql @drop_constraint;",
        ]
    )


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
            placeholders = set(re.findall(r"\[(" + _SERVER_NAMED_PREFIX + r"[^\]]+)\]", statement))
            catalog.apply(statement)
            if placeholders:
                drop = re.fullmatch(
                    r"ALTER TABLE \[[^\]]+\] DROP CONSTRAINT \[(" + _SERVER_NAMED_PREFIX + r"[^\]]+)\];",
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


def export_schema_sql() -> str:
    """The whole of sql/schema.sql, the same text on every run for the same migrations."""
    connection = offline_connection()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    lines = [header(), "SET XACT_ABORT ON;", BATCH_SEPARATOR]
    with _registered(connection):
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
