"""The house holds: imports between the bank's apps point down the house, so that no two apps import each other;
and no module of the code outgrows what a reader takes in at once."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
# INSTALLED_APPS lists the bank's apps from the bottom of the house up: each may import those before it.
HOUSE = [app for app in settings.INSTALLED_APPS if (REPO / app / "apps.py").exists()]
MAX_MODULE_LINES = 400  # migrations, tests and generated files aside


def _modules(app: str) -> list[Path]:
    return [path for path in (REPO / app).rglob("*.py") if "migrations" not in path.parts]


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(HOUSE)


def _upward_imports() -> list[str]:
    wrong = []
    for level, app in enumerate(HOUSE):
        above = set(HOUSE[level + 1 :])
        for path in _modules(app):
            for imported in sorted(_imported_apps(path) & above):
                wrong.append(f"{path.relative_to(REPO)} imports {imported}, which is above {app} in the house")
    return wrong


def test_the_house_lists_every_app_of_the_bank():
    assert HOUSE[:2] == ["core", "audit"]
    assert HOUSE[-1] == "telemarketing"
    assert {"accounts", "banking", "campaigns", "outreach", "surveys", "chat", "api", "portal"} <= set(HOUSE)


def test_apps_import_only_the_apps_below_them_so_there_is_no_cycle():
    assert _upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule above can fail: a lower app importing a higher one is reported."""
    fake = tmp_path / "module.py"
    fake.write_text("from portal.views import home\nimport chat.services\n")
    assert _imported_apps(fake) == {"portal", "chat"}


def test_no_module_of_the_code_outgrows_four_hundred_lines():
    code = [path for app in [*HOUSE, "bench", "desktop_client"] for path in _modules(app)]
    long = {
        str(path.relative_to(REPO)): lines
        for path in code
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
