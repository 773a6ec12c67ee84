"""``manage.py register_odbc_driver``: make pyodbc find the ODBC Driver 18 bundled in mssql-python-odbc."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from telemarketing.management.odbc_driver import DRIVER_NAME, DriverNotFound, register_driver


class Command(BaseCommand):
    help = (
        f'Write an odbcinst.ini registering "{DRIVER_NAME}" from the mssql-python-odbc wheel; '
        "then export ODBCSYSINI=<that directory> for every process that connects to SQL Server."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "odbc",
            help="directory for odbcinst.ini (default var/odbc)",
        )

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            ini = register_driver(directory.resolve())
        except DriverNotFound as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Registered {DRIVER_NAME} in {ini}.")
        self.stdout.write(f"Now: export ODBCSYSINI={ini.parent}")
