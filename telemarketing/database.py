"""Turn ``DATABASE_URL`` into Django's ``DATABASES`` entry.

SQLite and PostgreSQL URLs go through dj-database-url. SQL Server URLs are built here, because the
deployment needs secure ODBC defaults (``Encrypt=yes``, certificate checked) that dj-database-url
does not know about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

MSSQL_SCHEMES = ("mssql", "sqlserver")
DEFAULT_ODBC_DRIVER = "ODBC Driver 18 for SQL Server"
# The collation sql/create_database.sql gives the database (docs/sql-server.md, "Collation"); the
# test databases created on SQL Server (scripts/test-sqlserver) get it too.
SQL_SERVER_COLLATION = "Latin1_General_100_CI_AS_SC_UTF8"

# Query parameters of an mssql:// URL that configure the backend itself; any other parameter
# is passed to the ODBC driver as a connection-string keyword.
_BACKEND_PARAMETERS = {"driver", "python_driver", "encrypt", "trust_server_certificate", "timeout"}


# IMMEDIATE transactions take the write lock up front, so concurrent writers queue instead of failing
# with "database is locked" halfway through a transfer. WAL lets readers go on while one writes and
# commits with one fsync instead of a rollback journal's several (synchronous stays FULL: durable).
_SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
# Connections are kept between uses: a new SQLite connection re-reads the whole schema on its first
# query, and the chat's consumers would otherwise open one for every frame (see docs/benchmarks.md).
# Under daphne every HTTP request runs in a thread of its own, so a kept connection of a request could
# never be used again: telemarketing.apps closes those at the end of each request (docs/deployment.md).
_SQLITE_CONN_MAX_AGE = 60


@dataclass(frozen=True)
class Limits:
    """How many connections a process may hold and how long a request may wait for the database."""

    pool_max_size: int = 10  # DATABASE_POOL_MAX_SIZE; 0: no pool (manage.py's commands need one connection)
    connect_timeout: int = 5  # DATABASE_CONNECT_TIMEOUT, seconds
    statement_timeout: int = 30  # DATABASE_STATEMENT_TIMEOUT, seconds

    def __post_init__(self) -> None:
        if self.pool_max_size < 0:
            raise ImproperlyConfigured("DATABASE_POOL_MAX_SIZE must be 0 (no pool) or more")
        # libpq and psycopg take any connect_timeout under 2 s as 2 s.
        if self.connect_timeout < 2 or self.statement_timeout < 1:
            raise ImproperlyConfigured(
                "DATABASE_CONNECT_TIMEOUT must be at least 2 seconds and DATABASE_STATEMENT_TIMEOUT at least 1"
            )


def database_from_url(url: str | None, *, base_dir: Path, limits: Limits | None = None) -> dict:
    limits = limits or Limits()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / "db.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
            "CONN_MAX_AGE": _SQLITE_CONN_MAX_AGE,
        }
    scheme = url.split(":", 1)[0].lower()
    if scheme in MSSQL_SCHEMES:
        return _mssql_database(url, limits)
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite://, postgres:// or mssql://"
        )
    if scheme == "sqlite":
        config = dj_database_url.parse(url, conn_max_age=_SQLITE_CONN_MAX_AGE)
        config["OPTIONS"] = dict(_SQLITE_OPTIONS)
        return dict(config)
    # PostgreSQL: one pool of at most pool_max_size connections per process, shared by all its threads
    # (the pool requires CONN_MAX_AGE = 0: a connection goes back to the pool when a request or a chat
    # frame is done). A request waits at most `timeout` for a free connection, connect_timeout for a new
    # one, and statement_timeout for a statement; a connection that died while in the pool is replaced.
    config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    config["OPTIONS"] = {
        **config.get("OPTIONS", {}),
        "connect_timeout": limits.connect_timeout,
        "options": f"-c statement_timeout={limits.statement_timeout * 1000}",
        # psycopg's default; Django sets None, which also refuses a statement asked to be prepared. Django's cursors
        # bind on the client and are never prepared: only the chat's message statement is (chat/message_statements.py).
        "prepare_threshold": 5,
    }
    if limits.pool_max_size:
        config["OPTIONS"]["pool"] = {
            "min_size": min(2, limits.pool_max_size),
            "max_size": limits.pool_max_size,
            "timeout": limits.connect_timeout,
            "max_idle": 300,
        }
    return dict(config)


def _mssql_database(url: str, limits: Limits) -> dict:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ImproperlyConfigured("DATABASE_URL for SQL Server needs a host: mssql://user:pass@host:1433/db")
    name = parts.path.lstrip("/")
    if not name:
        raise ImproperlyConfigured("DATABASE_URL for SQL Server needs a database name after the host")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    encrypt = query.get("encrypt", "yes")
    trust = query.get("trust_server_certificate", "no")
    extra = {"Encrypt": encrypt, "TrustServerCertificate": trust}
    extra.update({key: value for key, value in query.items() if key not in _BACKEND_PARAMETERS})
    options: dict = {
        "driver": query.get("driver", DEFAULT_ODBC_DRIVER),
        "extra_params": ";".join(f"{key}={value}" for key, value in extra.items()),
        "connection_timeout": int(query.get("timeout", str(limits.connect_timeout))),
        "connection_retries": 0,
        "query_timeout": limits.statement_timeout,
    }
    if query.get("python_driver"):
        options["python_driver"] = query["python_driver"]
    return {
        "ENGINE": "mssql",
        "NAME": unquote(name),
        "HOST": parts.hostname,
        "PORT": str(parts.port or 1433),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "OPTIONS": options,
        # Closed after each request and chat frame; the ODBC driver manager keeps the physical connection
        # for the next one (Pooling=Yes in the odbcinst.ini of register_odbc_driver; docs/sql-server.md).
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"COLLATION": SQL_SERVER_COLLATION},
    }


def describe_connection_failure(settings_dict: dict, error: BaseException) -> str:
    """One line a person can act on, instead of a driver's traceback."""
    engine = settings_dict.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        where = f"SQLite file {settings_dict.get('NAME')}"
    else:
        label = "SQL Server" if engine == "mssql" else engine.rsplit(".", 1)[-1]
        where = f"{label} database {settings_dict.get('NAME')!r} on host " + (
            f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 'default port'}"
        )
    reason = _sql_server_reason(settings_dict, error) if engine == "mssql" else None
    reason = reason or " ".join(str(error).split()) or type(error).__name__
    return f"Cannot connect to the {where}: {reason}"


# Winsock error codes that Microsoft's driver reports as "TCP Provider: Error code 0x…".
_TCP_ERRORS = {
    0x2749: "socket not connected: nothing accepted the connection",
    0x274C: "connection timed out",
    0x274D: "connection refused",
    0x2AF9: "host name not found",
}


def _sql_server_reason(settings_dict: dict, error: BaseException) -> str | None:
    """The driver's reason without its bracketed prefixes, naming which driver said it.

    pyodbc raises ``(sqlstate, "[HYT00] [Microsoft][ODBC Driver 18 for SQL Server]Login timeout
    expired (0) (SQLDriverConnect)")``; mssql-python raises ``"Driver Error: …; DDBC Error:
    [Microsoft]TCP Provider: Error code 0x2749"``.
    """
    driver = settings_dict.get("OPTIONS", {}).get("driver", DEFAULT_ODBC_DRIVER)
    cause = error.__cause__ or error
    arguments: tuple = getattr(cause, "args", ())
    if len(arguments) == 2 and all(isinstance(argument, str) for argument in arguments):  # pyodbc
        sqlstate, message = arguments
        if "can't open lib" in message.lower() or "data source name not found" in message.lower():
            return (
                f"the ODBC driver {driver!r} is not installed or not registered with unixODBC; run "
                "`python manage.py register_odbc_driver` and export ODBCSYSINI (docs/sql-server.md)"
            )
        prefix = re.match(r"(?:\s*\[[^\]]*\])+", message)
        labels = re.findall(r"\[([^\]]+)\]", prefix.group(0)) if prefix else []
        source = " ".join(label for label in labels if label not in (sqlstate, "Microsoft")) or "ODBC"
        text = re.sub(r"(?:\s*\(\d+\))?\s*\(SQL\w+\)\s*$", "", message[prefix.end() if prefix else 0 :])
        return f"{_with_tcp_meaning(text)} ({source}, SQLSTATE {sqlstate})"
    driver_error, ddbc_error = getattr(cause, "driver_error", None), getattr(cause, "ddbc_error", None)
    if driver_error or ddbc_error:  # mssql-python
        details = [part for part in (driver_error, re.sub(r"^(?:\[[^\]]*\])+", "", ddbc_error or "")) if part]
        return f"{_with_tcp_meaning('; '.join(details))} (mssql-python's bundled Microsoft driver)"
    return None


def _with_tcp_meaning(text: str) -> str:
    text = " ".join(text.split())
    match = re.search(r"TCP Provider: Error code (0x[0-9A-Fa-f]+)", text)
    if match and int(match.group(1), 16) in _TCP_ERRORS:
        return f"{text} ({_TCP_ERRORS[int(match.group(1), 16)]})"
    return text


def close_connections_of_finished_request(**kwargs) -> None:
    """Close the database connections of an HTTP request served through ASGI (daphne), when it is done.

    Django runs each ASGI request's synchronous code in a thread of its own, which ends with the request,
    so a connection kept for CONN_MAX_AGE could never be used again: it stayed open until the garbage
    collector found it (100 and more open SQLite handles under load). The chat's consumers run on one
    long-lived thread and keep theirs.
    """
    connections.close_all()
