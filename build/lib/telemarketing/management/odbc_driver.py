"""Register Microsoft's ODBC Driver 18 for SQL Server, as shipped in the ``mssql-python-odbc`` wheel.

pyodbc goes through unixODBC (Debian's ``unixodbc``), which finds drivers by name in ``odbcinst.ini``.
The wheel brings the driver library but registers nothing, so this writes an ``odbcinst.ini`` naming
"ODBC Driver 18 for SQL Server" and pointing at the wheel's library; unixODBC reads it from the
directory in the ``ODBCSYSINI`` environment variable.
"""

from __future__ import annotations

import platform
from pathlib import Path

import mssql_python_odbc

DRIVER_NAME = "ODBC Driver 18 for SQL Server"

# /etc/os-release IDs and the wheel's directory built for them.
_DISTRIBUTION_DIRECTORIES = {
    "debian": "debian_ubuntu",
    "ubuntu": "debian_ubuntu",
    "rhel": "rhel",
    "centos": "rhel",
    "fedora": "rhel",
    "rocky": "rhel",
    "almalinux": "rhel",
    "ol": "rhel",
    "sles": "suse",
    "suse": "suse",
    "opensuse": "suse",
}


class DriverNotFound(RuntimeError):
    pass


def _distribution_ids(os_release: Path) -> list[str]:
    ids: list[str] = []
    if os_release.exists():
        for line in os_release.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key in ("ID", "ID_LIKE"):
                ids.extend(value.strip().strip('"').split())
    return ids


def bundled_driver_path(*, os_release: Path = Path("/etc/os-release"), machine: str | None = None) -> Path:
    """The driver library in the wheel built for this Linux distribution and processor."""
    architecture = {"amd64": "x86_64", "aarch64": "arm64"}.get((machine or platform.machine()).lower())
    architecture = architecture or (machine or platform.machine()).lower()
    linux = Path(mssql_python_odbc.get_libs_dir()) / "linux"
    known = _DISTRIBUTION_DIRECTORIES
    directories = [known[name] for name in _distribution_ids(os_release) if name in known]
    for directory in [*directories, "debian_ubuntu"]:
        libraries = sorted((linux / directory / architecture / "lib").glob("libmsodbcsql-18*.so*"))
        if libraries:
            return libraries[-1]
    raise DriverNotFound(
        f"mssql-python-odbc {mssql_python_odbc.__version__} has no ODBC Driver 18 library for "
        f"{' / '.join(directories) or 'this Linux'} on {architecture} under {linux}"
    )


def odbcinst_ini(driver_path: Path) -> str:
    return (
        "# Written by `python manage.py register_odbc_driver`: Microsoft's ODBC Driver 18 for SQL Server\n"
        "# from the mssql-python-odbc wheel. unixODBC reads this file from the directory in ODBCSYSINI.\n"
        f"[{DRIVER_NAME}]\n"
        f"Description=Microsoft ODBC Driver 18 for SQL Server (mssql-python-odbc {mssql_python_odbc.__version__})\n"
        f"Driver={driver_path}\n"
        "UsageCount=1\n"
    )


def register_driver(directory: Path, *, driver_path: Path | None = None) -> Path:
    """Write ``directory/odbcinst.ini`` (and an empty ``odbc.ini``); return the ini's path."""
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "odbcinst.ini"
    ini.write_text(odbcinst_ini(driver_path or bundled_driver_path()), encoding="utf-8")
    data_sources = directory / "odbc.ini"
    if not data_sources.exists():
        data_sources.write_text("# No data sources: the application passes a full connection string.\n")
    return ini
