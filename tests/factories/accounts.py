"""People and their logins: clients, workers, customers' and staff's accounts in role groups, and signed-in sessions."""

from __future__ import annotations

import datetime as dt
import uuid

import factory
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from factory.django import DjangoModelFactory, Password

from accounts.models import Account, Client, Worker
from accounts.roles import (
    ADMINISTRATORS,
    BACK_OFFICE,
    CHAT_AGENTS,
    CHAT_SUPERVISORS,
    CUSTOMERS,
    PRODUCT_MANAGERS,
    TELEMARKETING_AGENTS,
)

# The password of every login made with ``password=PASSWORD``; without it a login has no usable password.
PASSWORD = "Correct-Horse-7-Battery"


def unique() -> str:
    """Unique across processes too: the live tests make people in a database that outlives one process."""
    return uuid.uuid4().hex[:10]


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    surname = "Иванов"
    name = "Иван"
    sex = "M"
    birth_date = dt.date(1980, 1, 1)
    email = factory.LazyFunction(lambda: f"client-{unique()}@example.ru")


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker

    surname = "Петров"
    name = "Пётр"
    position = "оператор"


class AccountFactory(DjangoModelFactory):
    """A login of nobody in particular; ``roles=[...]`` puts it in those role groups (accounts.roles), and
    ``password=`` gives it a password (none is usable by default)."""

    class Meta:
        model = Account

    username = factory.LazyFunction(lambda: f"account-{unique()}")
    password = Password(None)
    roles: tuple[str, ...] = ()

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("roles")
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        names = set(kwargs.pop("roles"))
        account = super()._create(model_class, *args, **kwargs)
        groups = list(Group.objects.filter(name__in=names))
        unknown = names - {group.name for group in groups}
        if unknown:
            raise ValueError(f"no role group {sorted(unknown)} (see accounts.roles)")
        account.groups.add(*groups)
        return account


class CustomerFactory(AccountFactory):
    """A client's login, in the customers group unless ``roles=`` says otherwise."""

    client = factory.SubFactory(ClientFactory)
    username = factory.LazyFunction(lambda: f"customer-{unique()}")
    first_name = factory.SelfAttribute("client.name")
    last_name = factory.SelfAttribute("client.surname")
    roles = (CUSTOMERS,)


class StaffFactory(AccountFactory):
    """A worker's login; the traits put it in one role: ``StaffFactory(chat_agent=True)``."""

    worker = factory.SubFactory(WorkerFactory)
    username = factory.LazyFunction(lambda: f"worker-{unique()}")
    first_name = factory.SelfAttribute("worker.name")
    last_name = factory.SelfAttribute("worker.surname")

    class Params:
        chat_agent = factory.Trait(roles=(CHAT_AGENTS,))
        chat_supervisor = factory.Trait(roles=(CHAT_SUPERVISORS,))
        telemarketing_agent = factory.Trait(
            roles=(TELEMARKETING_AGENTS,),
            # The caller's name is their login's, as the campaign results show it ("Alice Пётр").
            worker=factory.SubFactory(
                WorkerFactory, surname=factory.LazyAttribute(lambda worker: worker.factory_parent.username.title())
            ),
        )
        product_manager = factory.Trait(roles=(PRODUCT_MANAGERS,))
        back_office = factory.Trait(roles=(BACK_OFFICE,), is_staff=True)
        administrator = factory.Trait(roles=(ADMINISTRATORS,), is_staff=True)


def session_key_for(account: Account) -> str:
    """A signed-in session, as the login page leaves it, for clients that send its key as the sessionid cookie."""
    session = SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.AccountBackend"
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session.create()
    return session.session_key
