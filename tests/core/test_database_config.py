"""DATABASE_URL turns into the right Django database settings, with secure SQL Server defaults."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from telemarketing.database import Limits, database_from_url, describe_connection_failure

BASE = Path("/srv/bank")


def test_no_url_means_the_embedded_sqlite_file():
    config = database_from_url(None, base_dir=BASE)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == BASE / "db.sqlite3"


def test_postgres_url():
    config = database_from_url("postgres://bank:secret@db.example:6432/telemarketing", base_dir=BASE)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        6432,
        "telemarketing",
        "bank",
    )


def test_sql_server_defaults_encrypt_and_check_the_certificate():
    config = database_from_url("mssql://app:p%40ss@sql.bank.local/telemarketing", base_dir=BASE)
    assert config["ENGINE"] == "mssql"
    assert config["PASSWORD"] == "p@ss"
    assert config["PORT"] == "1433"
    assert config["OPTIONS"]["driver"] == "ODBC Driver 18 for SQL Server"
    assert "Encrypt=yes" in config["OPTIONS"]["extra_params"]
    assert "TrustServerCertificate=no" in config["OPTIONS"]["extra_params"]
    assert "python_driver" not in config["OPTIONS"]


def test_sql_server_options_are_settable():
    config = database_from_url(
        "mssql://app:pw@sql:14330/bank?python_driver=mssql_python&trust_server_certificate=yes"
        "&ApplicationIntent=ReadOnly&timeout=3",
        base_dir=BASE,
    )
    assert config["PORT"] == "14330"
    assert config["OPTIONS"]["python_driver"] == "mssql_python"
    assert config["OPTIONS"]["connection_timeout"] == 3
    assert config["OPTIONS"]["extra_params"] == "Encrypt=yes;TrustServerCertificate=yes;ApplicationIntent=ReadOnly"


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("oracle://x@y/z", "not supported"),
        ("mssql:///bank", "needs a host"),
        ("mssql://sql.bank.local", "needs a database name"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        database_from_url(url, base_dir=BASE)


def test_connection_failure_is_one_line_naming_the_host():
    config = database_from_url("postgres://bank@db.example:6432/telemarketing", base_dir=BASE)
    line = describe_connection_failure(config, OSError("connection refused\n  is the server running?"))
    assert line == (
        "Cannot connect to the postgresql database 'telemarketing' on host db.example:6432: "
        "connection refused is the server running?"
    )


def test_postgres_connections_come_from_a_bounded_pool_with_timeouts():
    limits = Limits(pool_max_size=7, connect_timeout=3, statement_timeout=12)
    config = database_from_url("postgres://bank@db.example/telemarketing", base_dir=BASE, limits=limits)
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["pool"]["max_size"] == 7
    assert config["OPTIONS"]["connect_timeout"] == 3
    assert config["OPTIONS"]["options"] == "-c statement_timeout=12000"
    unpooled = database_from_url("postgres://bank@db.example/telemarketing", base_dir=BASE, limits=Limits(0))
    assert "pool" not in unpooled["OPTIONS"]


def test_sql_server_gets_the_same_timeouts():
    limits = Limits(connect_timeout=4, statement_timeout=20)
    config = database_from_url("mssql://app:pw@sql/bank", base_dir=BASE, limits=limits)
    assert (config["OPTIONS"]["connection_timeout"], config["OPTIONS"]["query_timeout"]) == (4, 20)
    assert config["CONN_MAX_AGE"] == 0
