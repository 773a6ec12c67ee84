"""Reads of people and logins: the customers' logins, and the client search of the pickers."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Account, Client
from core.phones import phone_search_term
from core.querying import contains_in_any_case

CLIENT_SEARCH_LIMIT = 20


def customer_accounts() -> QuerySet[Account]:
    """Every active online-banking login of a client: the "all customers" audience."""
    return Account.objects.filter(client__isnull=False, is_active=True)


def search_clients(*, query: str, limit: int = CLIENT_SEARCH_LIMIT) -> list[Client]:
    """Clients whose name, e-mail or phone contain every word of the query, or whose number it is (written
    any way: 8 903 144-76-02), with their active logins (two queries), for the pickers of the desktop program."""
    number = phone_search_term(query)
    condition = Q(phone=number) if number else Q()
    for word in [] if number else query.split():
        condition &= contains_in_any_case(word, ("surname", "name", "patronymic", "email", "phone"))
    logins = Prefetch("accounts", queryset=Account.objects.filter(is_active=True).order_by("username"))
    return list(Client.objects.filter(condition).prefetch_related(logins).order_by("surname", "name", "id")[:limit])
