"""Turn ``DATABASE_URL`` into Django's ``DATABASES`` entry.

SQLite and PostgreSQL URLs go through dj-database-url. SQL Server URLs are built here, because the
deployment needs secure ODBC defaults (``Encrypt=yes``, certificate checked) that dj-database-url
does not know about.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
# Connections are kept between requests: a new SQLite connection re-reads the whole schema on its first
# query, and the chat's consumers would otherwise open one for every frame (see docs/benchmarks.md).
_SQLITE_CONN_MAX_AGE = 60


def database_from_url(url: str | None, *, base_dir: Path) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / "db.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
            "CONN_MAX_AGE": _SQLITE_CONN_MAX_AGE,
        }
    scheme = url.split(":", 1)[0].lower()
    if scheme in MSSQL_SCHEMES:
        return _mssql_database(url)
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite://, postgres:// or mssql://"
        )
    config = dj_database_url.parse(url, conn_max_age=_SQLITE_CONN_MAX_AGE if scheme == "sqlite" else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(_SQLITE_OPTIONS)
    return config


def _mssql_database(url: str) -> dict:
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
        "connection_timeout": int(query.get("timeout", "15")),
        "connection_retries": 0,
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
        "CONN_MAX_AGE": 60,
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
    arguments = getattr(cause, "args", ())
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
