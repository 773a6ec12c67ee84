"""Tell "the database cannot serve you now" apart from "your statement is wrong", for every backend we run on."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# SQLSTATE classes that mean "the database cannot serve you now", not "your statement is wrong":
# 08 connection exception, 53 insufficient resources (too many connections), 57 operator intervention
# (shutdown, statement timeout), HYT timeouts of ODBC.
_UNAVAILABLE_SQLSTATES = ("08", "53", "57", "HYT")
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked", "disk i/o error")


def is_database_unavailable(error: BaseException) -> bool:
    """Whether a database error means the database cannot be reached or is not answering."""
    if isinstance(error, InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)  # psycopg
    if sqlstate is None and len(getattr(cause, "args", ())) == 2 and isinstance(cause.args[0], str):
        sqlstate = cause.args[0]  # pyodbc: (sqlstate, message)
    if sqlstate:
        return sqlstate.upper().startswith(_UNAVAILABLE_SQLSTATES)
    message = str(cause).lower()
    if type(cause).__module__ == "sqlite3":
        return message.startswith(_SQLITE_UNAVAILABLE)
    # psycopg reports a failed connection attempt, a pool timeout or a lost server without a SQLSTATE.
    return True
