"""The desktop program stands alone: no Django, every interface text in Russian too, and its own checks."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_client.api import ApiProblem, normalise_server_address
from desktop_client.formats import day, moment, number, parse_day
from desktop_client.i18n import RUSSIAN, Translator, choose_language

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_client"


def test_it_imports_nothing_of_django():
    code = (
        "import sys, desktop_client.app, desktop_client.surveys, desktop_client.news, desktop_client.statistics; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'telemarketing', 'api')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert result.stdout.strip() == "[]"


def interface_texts() -> set[str]:
    """Every literal passed to the translator, tr("…"), in the program's source."""
    texts = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) == "tr" or getattr(node.func, "attr", None) == "tr")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                texts.add(node.args[0].value)
    return texts


def test_every_interface_text_has_its_russian():
    texts = interface_texts()
    assert len(texts) > 50
    assert sorted(texts - set(RUSSIAN)) == []


def test_russian_placeholders_match_the_english():
    for english, russian in RUSSIAN.items():
        assert sorted(part.split("}")[0] for part in english.split("{")[1:]) == sorted(
            part.split("}")[0] for part in russian.split("{")[1:]
        ), english


def test_the_language_comes_from_the_flag_then_the_environment(monkeypatch):
    monkeypatch.setenv("TELEMARKETING_LANG", "en")
    assert choose_language("ru") == "ru"
    assert choose_language(None) == "en"
    assert Translator("ru")("Sign in") == "Войти"
    assert Translator("en")("Sign in") == "Sign in"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bank.example", "https://bank.example"),
        ("https://bank.example:8443/", "https://bank.example:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_server_addresses(typed, expected):
    assert normalise_server_address(typed, Translator("en")) == expected


@pytest.mark.parametrize("typed", ["", "http://bank.example", "ftp://bank.example"])
def test_bad_server_addresses(typed):
    with pytest.raises(ApiProblem):
        normalise_server_address(typed, Translator("en"))


def test_days_are_read_as_typed_in_either_format():
    assert parse_day(" 2024-02-29 ") == dt.date(2024, 2, 29)
    assert parse_day("29.02.2024") == parse_day("1.3.2024") - dt.timedelta(days=1)
    assert parse_day("") is None
    for bad in ("2023-02-29", "31.04.2024", "2024-2-9", "29/02/2024"):
        with pytest.raises(ValueError):
            parse_day(bad)


def test_numbers_and_dates_in_the_readers_locale():
    assert number(3.391, "ru") == "3,39" and number(3.391, "en") == "3.39"
    assert number(12345, "ru") == "12\u202f345" and number(None, "ru") == "—"
    assert day("2024-03-21", "ru") == "21.03.2024" and day("2024-03-21", "en") == "2024-03-21"
    assert moment("2024-03-21T11:05:00+03:00", "ru") == "21.03.2024 11:05"


def test_without_a_display_it_says_so_in_one_line():
    environment = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_client"], capture_output=True, text=True, cwd=PACKAGE.parent, env=environment
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "cannot open a window" in result.stderr and "Traceback" not in result.stderr
