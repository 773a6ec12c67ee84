"""Shadow compilation for SQL Server: every query the ORM runs during the tests is also compiled by
mssql-django's own SQL compiler, on the offline SQL Server connection of ``export_tsql``, and the T-SQL it
would send is parsed with sqlglot's ``tsql`` dialect.

The hook is ``SQLCompiler.execute_sql`` (and ``SQLInsertCompiler.execute_sql``): while it runs, the
compiler's ``as_sql`` is wrapped on that one instance, so the SQL the test database is about to run is
known, and it keys a cache: a query of the same shape is compiled for SQL Server once. The T-SQL is
formatted as mssql-django's cursor would format it before sending (``%s`` → ``?``, parameters of a
GROUP BY query declared as variables), then parsed batch by batch.

A query that mssql-django refuses to compile, or whose T-SQL sqlglot cannot parse, fails the run at the
end (exit status 1), with the test that ran it and the innermost frame of project code that issued it.
``-p no:tsql_shadow`` turns the plugin off for a quick local run. Under pytest-xdist each worker compiles
what its tests ran and hands its results to the controller, which reports and fails the run for all of them.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
import sqlglot
from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError, connections
from django.db.models.constants import OnConflict
from django.db.models.sql import compiler as django_compiler
from mssql.base import CursorWrapper
from sqlglot import exp
from sqlglot.dialects.tsql import TSQL
from sqlglot.errors import ErrorLevel, SqlglotError
from sqlglot.tokens import TokenType

from core import compiled
from telemarketing.management.tsql_export import OfflineSqlServerWrapper, offline_connection

PLUGIN_NAME = "tsql_shadow"
# A statement sqlglot cannot parse is reported as a failure below, not as its logged warning.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
BASE_DIR = Path(settings.BASE_DIR).resolve()
_THIS_FILE = str(Path(__file__).resolve())
# Where a compiled statement is built, not where core.compiled compiles it, is the line to fix.
_NOT_THE_ORIGIN = {_THIS_FILE, str(Path(compiled.__file__).resolve())}


def batches(text: str) -> list[str]:
    """The batches of a T-SQL script, split on sqlcmd's GO lines, without the ones holding only comments."""
    parts = re.split(r"^[ \t]*GO[ \t]*$", text, flags=re.MULTILINE | re.IGNORECASE)
    return [part for part in parts if re.sub(r"--[^\n]*", "", part).strip()]


# sqlglot's tsql dialect still reads some other dialects' syntax (it transpiles it); SQL Server does not.
NOT_TSQL_TOKENS = {
    TokenType.LIMIT: "LIMIT (T-SQL has TOP and OFFSET … FETCH)",
    TokenType.ILIKE: "ILIKE",
    TokenType.DCOLON: ":: casts",
    TokenType.RETURNING: "RETURNING (T-SQL has OUTPUT)",
}


def parse_tsql(text: str) -> list[exp.Expression]:
    """Parse T-SQL batch by batch with sqlglot's tsql dialect; a ParseError names the batch."""
    trees: list[exp.Expression] = []
    for number, batch in enumerate(batches(text), start=1):
        try:
            foreign = [NOT_TSQL_TOKENS[t.token_type] for t in TSQL().tokenize(batch) if t.token_type in NOT_TSQL_TOKENS]
            if foreign:
                raise sqlglot.errors.ParseError(f"not T-SQL: {', '.join(foreign)}")
            trees += [tree for tree in sqlglot.parse(batch, read="tsql", error_level=ErrorLevel.RAISE) if tree]
        except sqlglot.errors.ParseError as error:
            raise sqlglot.errors.ParseError(f"batch {number} does not parse as T-SQL: {error}") from error
    return trees


def parse_query(tsql: str) -> list[exp.Expression]:
    """Parse one query's T-SQL; a statement sqlglot can only tokenize (an exp.Command) was not parsed."""
    # mssql-django declares a GROUP BY query's parameters on a first line, without a semicolon, which
    # T-SQL allows and sqlglot does not: parse that line on its own.
    if tsql.startswith("DECLARE ") and "\n" in tsql:
        declare, query = tsql.split("\n", 1)
        trees = parse_tsql(declare) + parse_tsql(query)
    else:
        trees = parse_tsql(tsql)
    if any(isinstance(node, exp.Command) for tree in trees for node in tree.walk()):
        raise sqlglot.errors.ParseError("sqlglot could only tokenize it, not parse it")
    return trees


@dataclass
class Failure:
    test: str
    origin: str
    source_sql: str
    error: str
    tsql: str = ""
    times: int = 1


def shorten(sql: str, limit: int = 400) -> str:
    return sql if len(sql) <= limit else f"{sql[:limit]} …"


_NOT_PROJECT = tuple(
    {
        f"{form}/"
        for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, BASE_DIR / ".venv")
        for form in (Path(path), Path(path).resolve())
    }
)


def _origin() -> str:
    """The innermost frame of project code (not Python's, not a package's, not this plugin's nor core.compiled's)
    on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename not in _NOT_THE_ORIGIN and filename.startswith("/") and not filename.startswith(_NOT_PROJECT):
            path = Path(filename)
            shown = path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path
            return f"{shown}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return "(no project frame on the stack)"


def _called_from_m2m_add() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "_add_items" and frame.f_code.co_filename.endswith("related_descriptors.py"):
            return True
        frame = frame.f_back
    return False


class ShadowCompiler:
    """Compiles each distinct query for SQL Server once, parses it, and keeps what failed."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: OfflineSqlServerWrapper = offline_connection()
        # mssql-django's cursor formats the SQL before sending it; only its formatting is used here.
        self.formatter = CursorWrapper(None, self.connection)
        self.results: dict[tuple, Failure | None] = {}
        self.statements: set[str] = set()
        self.queries = 0
        self.test = "(outside any test)"
        self.lock = threading.Lock()

    # --- the hook ------------------------------------------------------------------------------------
    def install(self) -> None:
        self.originals = {
            django_compiler.SQLCompiler: django_compiler.SQLCompiler.execute_sql,
            django_compiler.SQLInsertCompiler: django_compiler.SQLInsertCompiler.execute_sql,
        }
        for klass, original in self.originals.items():
            klass.execute_sql = self._wrap(original)
        # Statements compiled once and run many times (core.compiled) never pass through execute_sql.
        self.original_compile_query = compiled.compile_query
        compiled.compile_query = self._wrap_compile_query(self.original_compile_query)

    def uninstall(self) -> None:
        for klass, original in self.originals.items():
            klass.execute_sql = original
        compiled.compile_query = self.original_compile_query

    def _wrap_compile_query(self, original):
        def compile_query(query, alias, **kwargs):
            compiler, result = original(query, alias, **kwargs)
            self.check(compiler, result)
            return compiler, result

        return compile_query

    def _wrap(self, original):
        shadow = self

        def execute_sql(compiler, *args, **kwargs):
            # SQLUpdateCompiler.execute_sql calls SQLCompiler.execute_sql: wrap the instance once only.
            if "as_sql" in compiler.__dict__ or isinstance(compiler.connection, OfflineSqlServerWrapper):
                return original(compiler, *args, **kwargs)
            real_as_sql = compiler.as_sql

            def as_sql(*as_args, **as_kwargs):
                result = real_as_sql(*as_args, **as_kwargs)
                shadow.check(compiler, result)
                return result

            compiler.as_sql = as_sql
            try:
                return original(compiler, *args, **kwargs)
            finally:
                del compiler.as_sql

        return execute_sql

    # --- compiling and parsing -------------------------------------------------------------------------
    def check(self, compiler, result) -> None:
        pairs = result if isinstance(result, list) else [result]
        # Django's many-to-many add() asks for ignore_conflicts only where the backend supports it, and
        # otherwise inserts just the missing rows: that plain INSERT is what runs on SQL Server.
        m2m_add = getattr(compiler.query, "on_conflict", None) is not None and _called_from_m2m_add()
        key = (type(compiler.query).__name__, m2m_add, *(str(sql) for sql, _ in pairs))
        with self.lock:
            self.queries += 1
            known = key in self.results
            if known and self.results[key] is not None:
                self.results[key].times += 1
        if not known:  # compiled outside the lock: threads of the concurrency tests must not queue here
            result = self._compile(compiler.query, source_sql=key[2] if len(key) > 2 else "", m2m_add=m2m_add)
            with self.lock:
                self.results.setdefault(key, result)

    def _compile(self, query, *, source_sql: str, m2m_add: bool = False) -> Failure | None:
        tsql = ""
        try:
            # An aggregate over a subquery compiles its inner query by alias (connections[using]): the
            # offline connection is registered in this thread (connections are per thread) under its alias.
            connections[self.connection.alias] = self.connection
            query = query.clone()
            if m2m_add:
                query.on_conflict = None
            self.refuse_what_the_queryset_would(query)
            try:
                compiled = query.get_compiler(using=self.connection.alias, connection=self.connection).as_sql()
            except (EmptyResultSet, FullResultSet):
                return None  # mssql-django, like the test database, sends nothing for this query
            for sql, params in compiled if isinstance(compiled, list) else [compiled]:
                tsql = self.sent_text(sql, params)
                self.statements.add(tsql)
                parse_query(tsql)
        except SqlglotError as error:
            return Failure(self.test, _origin(), source_sql, f"sqlglot: {error}", tsql)
        except Exception as error:  # mssql-django refused it: NotSupportedError, NotImplementedError, …
            return Failure(self.test, _origin(), source_sql, f"mssql-django: {type(error).__name__}: {error}")
        return None

    def refuse_what_the_queryset_would(self, query) -> None:
        """Feature checks Django makes in QuerySet methods, before any compiler runs (bulk_create's)."""
        features = self.connection.features
        on_conflict = getattr(query, "on_conflict", None)
        if on_conflict == OnConflict.IGNORE and not features.supports_ignore_conflicts:
            raise NotSupportedError("bulk_create(ignore_conflicts=True): SQL Server cannot ignore conflicts")
        if on_conflict == OnConflict.UPDATE and not features.supports_update_conflicts:
            raise NotSupportedError("bulk_create(update_conflicts=True): SQL Server cannot update conflicts")

    def sent_text(self, sql: str, params) -> str:
        """The text mssql-django's cursor would send for this SQL (CursorWrapper.execute's formatting)."""
        params = list(params) if params is not None else None
        if "GROUP BY" in sql:
            sql, params = self.formatter.format_group_by_params(sql, params)
        return self.formatter.format_sql(sql, params)

    # --- pytest hooks --------------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.test = item.nodeid
        try:
            return (yield)
        finally:
            self.test = "(between tests)"

    def failures(self) -> list[Failure]:
        return [failure for failure in self.results.values() if failure is not None]

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self.uninstall()
        if hasattr(self.config, "workeroutput"):  # an xdist worker: the controller reports
            self.config.workeroutput[PLUGIN_NAME] = {
                "queries": self.queries,
                "results": [[list(key), asdict(failure) if failure else None] for key, failure in self.results.items()],
                "statements": sorted(self.statements),
            }
            return
        if self.failures() and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """An xdist worker finished: add what it compiled to this (the controller's) results."""
        output = getattr(node, "workeroutput", {}).get(PLUGIN_NAME)
        if not output:
            return
        self.queries += output["queries"]
        self.statements.update(output["statements"])
        for key, failure in output["results"]:
            known = self.results.get(tuple(key))
            if known is not None and failure is not None:
                known.times += failure["times"]
            elif tuple(key) not in self.results or failure is not None:
                self.results[tuple(key)] = Failure(**failure) if failure else None

    def pytest_terminal_summary(self, terminalreporter) -> None:
        failures = self.failures()
        writer = terminalreporter
        writer.section("T-SQL shadow compilation (mssql-django + sqlglot tsql)", sep="-", bold=not failures)
        writer.line(
            f"{self.queries} queries compiled for SQL Server, {len(self.results)} distinct queries, "
            f"{len(self.statements)} distinct T-SQL statements; {len(failures)} failed"
        )
        for failure in failures:
            writer.line("")
            writer.line(f"FAILED {failure.test} ({failure.times}x)", red=True, bold=True)
            writer.line(f"  issued at {failure.origin}")
            writer.line(f"  {failure.error}")
            writer.line(f"  query on the test database: {shorten(failure.source_sql)}")
            if failure.tsql:
                writer.line(f"  T-SQL: {shorten(failure.tsql)}")
        if failures:
            writer.line("")
            writer.line(
                "These queries would fail on SQL Server: fix the project code that issues them "
                "(docs/sql-server.md, 'Shadow compilation').",
                red=True,
                bold=True,
            )


def register(config) -> None:
    """Called from tests/conftest.py: install the shadow compiler unless ``-p no:tsql_shadow`` was given."""
    if config.pluginmanager.is_blocked(PLUGIN_NAME):
        return
    shadow = ShadowCompiler(config)
    config.pluginmanager.register(shadow, PLUGIN_NAME)
    shadow.install()
