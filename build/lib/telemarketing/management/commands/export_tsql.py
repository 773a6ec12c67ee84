"""``manage.py export_tsql``: write sql/schema.sql, the SQL Server DDL of every migration, without a server."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from telemarketing.management.tsql_export import export_schema_sql

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "sql" / "schema.sql"


class Command(BaseCommand):
    # Only the migrations matter here; a broken URLconf elsewhere must not stop a DBA's export.
    requires_system_checks = []
    help = (
        "Write the SQL Server DDL of all migrations (every app, contrib included) to sql/schema.sql, "
        "using mssql-django's schema editor offline. With --check, only verify that the file is current."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write (sql/schema.sql)")
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit non-zero if the file differs from what the migrations produce",
        )

    def handle(self, *args, output: Path, check: bool, **options) -> None:
        expected = export_schema_sql()
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else None
            if current != expected:
                reason = "is missing" if current is None else "is stale: the migrations have changed since"
                raise CommandError(f"{output} {reason}; run `python manage.py export_tsql` and commit the file.")
            self.stdout.write(f"{output} is current.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(expected, encoding="utf-8")
        self.stdout.write(f"Wrote {output} ({expected.count(chr(10))} lines).")
