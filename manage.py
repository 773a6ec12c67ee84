#!/usr/bin/env python
"""Django's command-line utility; a database that cannot be reached is reported in one clear line."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")
    # A command needs one connection, and its failure should name the server's reason, not a pool timeout;
    # the pool is for serving processes (daphne, telemarketing.serve).
    os.environ.setdefault("DATABASE_POOL_MAX_SIZE", "0")
    from django.core.management import execute_from_command_line
    from django.db import Error, connection

    try:
        execute_from_command_line(sys.argv)
    except Error as error:  # any database error (a missing ODBC driver raises the generic Error)
        if connection.connection is not None:
            raise  # connected fine: this is a query's error, worth its traceback
        from telemarketing.database import describe_connection_failure

        sys.stderr.write(describe_connection_failure(connection.settings_dict, error) + "\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
