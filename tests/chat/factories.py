"""Customers, chat agents and their sessions for the chat tests."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import Account, Client, Worker
from accounts.roles import CHAT_AGENTS


def _unique() -> str:
    """Unique across processes too: the live tests create people in a database that outlives one process."""
    return uuid.uuid4().hex[:10]


def make_customer(*, first_name: str = "Анна", last_name: str = "Смирнова") -> Account:
    n = _unique()
    client = Client.objects.create(
        surname=last_name, name=first_name, sex="F", birth_date=datetime.date(1985, 5, 5), email=f"c{n}@example.com"
    )
    return Account.objects.create_user(
        username=f"customer-{n}", password=None, client=client, first_name=first_name, last_name=last_name
    )


def make_worker(*, groups: tuple[str, ...] = (), first_name: str = "Олег", last_name: str = "Кузнецов") -> Account:
    worker = Worker.objects.create(surname=last_name, name=first_name, position="agent")
    account = Account.objects.create_user(
        username=f"worker-{_unique()}", password=None, worker=worker, first_name=first_name, last_name=last_name
    )
    for name in groups:
        account.groups.add(Group.objects.get_or_create(name=name)[0])
    return account


def make_agent(**names: str) -> Account:
    return make_worker(groups=(CHAT_AGENTS,), **names)


def session_key_for(account: Account) -> str:
    """A signed-in session, as the login page would leave it, for websocket clients that send its cookie."""
    session = SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session.create()
    return session.session_key
