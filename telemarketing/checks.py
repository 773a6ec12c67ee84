"""System checks of the deployment's database: on SQL Server, the database must be encrypted by TDE.

``manage.py migrate`` and ``manage.py check --database default`` run these (Django runs database checks
only when asked for a database); elsewhere they stay silent, and on other vendors they do nothing.
"""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError, connections

TDE_ENCRYPTED = 3
# sys.dm_database_encryption_keys.encryption_state
TDE_STATES = {
    0: "no database encryption key",
    1: "unencrypted",
    2: "encryption in progress",
    3: "encrypted",
    4: "key change in progress",
    5: "decryption in progress",
    6: "protection change in progress",
}
TDE_STATE_QUERY = "SELECT encryption_state FROM sys.dm_database_encryption_keys WHERE database_id = DB_ID()"
# Readable by any login for its own database, when the DMV above needs VIEW SERVER STATE it lacks.
IS_ENCRYPTED_QUERY = "SELECT is_encrypted FROM sys.databases WHERE database_id = DB_ID()"


def tde_warnings(encryption_state: int | None, *, database: str) -> list[Warning]:
    """Decide from the TDE state of the database (None: it has no database encryption key)."""
    if encryption_state == TDE_ENCRYPTED:
        return []
    state = TDE_STATES.get(encryption_state or 0, f"state {encryption_state}")
    return [
        Warning(
            f"The SQL Server database {database!r} is not encrypted by Transparent Data Encryption ({state}).",
            hint="A DBA runs sql/tde_enable.sql on the server (docs/sql-server.md, 'Transparent Data Encryption').",
            id="telemarketing.W001",
        )
    ]


def sql_server_tde_state(connection) -> int | None:
    """The encryption_state of the connection's current database, read on the server."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(TDE_STATE_QUERY)
            row = cursor.fetchone()
            return row[0] if row else None
        except DatabaseError:  # no VIEW SERVER STATE: the catalog view only says whether encryption is on
            cursor.execute(IS_ENCRYPTED_QUERY)
            row = cursor.fetchone()
            return TDE_ENCRYPTED if row and row[0] else None


def check_sql_server_tde(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    if not databases or "default" not in databases:
        return []
    connection = connections["default"]
    if connection.vendor != "microsoft":
        return []
    return tde_warnings(sql_server_tde_state(connection), database=connection.settings_dict["NAME"])


def check_staff_two_factor(app_configs=None, **kwargs) -> list[Warning]:
    """``check --deploy``: staff must sign in with a second factor in production (ASVS V2.2.2)."""
    from django.conf import settings

    if settings.STAFF_TWO_FACTOR_REQUIRED:
        return []
    return [
        Warning(
            "Staff sign in without a second factor (DJANGO_STAFF_TWO_FACTOR is off).",
            hint="Unset DJANGO_STAFF_TWO_FACTOR in production; only the test suite turns it off.",
            id="telemarketing.W002",
        )
    ]
