"""Russian by default, English on request; and the committed Russian catalogue is complete and compiled."""

from __future__ import annotations

import ast
import fnmatch
import gettext
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from banking.models import Transfer

CATALOGUE = Path(django_settings.BASE_DIR) / "telemarketing" / "locale" / "ru" / "LC_MESSAGES"


@pytest.fixture
def russian_default(settings):
    settings.LANGUAGE_CODE = "ru"


@pytest.mark.django_db
def test_pages_are_in_russian_by_default(client, russian_default):
    page = client.get("/login/").content.decode()
    assert '<html lang="ru">' in page
    assert "Вход в интернет-банк" in page
    assert "Запомнить мой логин" in page


@pytest.mark.django_db
def test_the_language_switch_turns_the_site_english_and_back(client, russian_default):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to online banking" in page
    client.post("/i18n/setlang/", {"language": "ru", "next": "/login/"})
    assert "Вход в интернет-банк" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_an_unsafe_next_address(client, russian_default):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"})
    assert "evil" not in response.get("Location", "")


@pytest.mark.django_db
def test_a_sign_in_failure_and_a_payment_refusal_are_explained_in_russian(
    customer_client, russian_default, rub_account, others_rub_account
):
    assert "Неверный логин или пароль" in Client().post("/login/", {"username": "x", "password": "y"}).content.decode()
    page = customer_client.post(
        "/payments/new/",
        {
            "payer": rub_account.number,
            "recipient": others_rub_account.number,
            "amount": "1 000 000",
            "idempotency_key": "3f2c1b1e-8a4e-4f7e-9a55-3d2b1c0a9e8f",
        },
    ).content.decode()
    assert "Недостаточно средств: на счёте 10\xa0000,00 RUB." in page
    assert not Transfer.objects.exists()


@pytest.mark.django_db
def test_the_dashboard_formats_money_the_russian_way(customer_client, russian_default, rub_account):
    page = customer_client.get("/").content.decode()
    assert "Ваши счета" in page
    assert "10\xa0000,00\xa0₽" in page  # grouped with no-break spaces, a decimal comma, the rouble's sign


def po_messages(path: Path) -> list[str]:
    """The msgids of a .po file (the header excluded); one with a context as gettext keys it, "context\x04msgid"."""
    msgids, current, key, context = [], [], None, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (\".*\")$", line)
        if match:
            if key == "msgctxt":
                context = "".join(current)
            if key == "msgid":
                msgid = "".join(current)
                msgids.append(f"{context}\x04{msgid}" if context and msgid else msgid)
                context = ""
            key, current = match.group(1), [ast.literal_eval(match.group(2))]
        elif line.startswith('"') and key:
            current.append(ast.literal_eval(line))
    return [msgid for msgid in msgids if msgid]


def test_every_message_is_translated_and_compiled():
    """The .mo is committed (a fresh install needs no gettext), so it must match the .po."""
    catalogue = gettext.GNUTranslations((CATALOGUE / "django.mo").open("rb"))
    messages = po_messages(CATALOGUE / "django.po")
    assert len(messages) > 300
    untranslated = [
        msgid for msgid in messages if catalogue._catalog.get(msgid, catalogue._catalog.get((msgid, 0))) in (None, "")
    ]
    assert untranslated == []


def test_the_catalogue_ships_inside_a_package_that_pip_installs():
    """`pip install .` packages the apps' directories only: a catalogue beside them would leave an installed
    bank in English."""
    base = Path(django_settings.BASE_DIR)
    project = tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = project["tool"]["setuptools"]["packages"]["find"]["include"]
    for path in django_settings.LOCALE_PATHS:
        package = Path(path).relative_to(base).parts[0]
        assert (base / package / "__init__.py").exists(), path
        assert any(fnmatch.fnmatch(package, pattern) for pattern in packaged), path
        assert (Path(path) / "ru" / "LC_MESSAGES" / "django.mo").exists(), path
