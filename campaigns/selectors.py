"""Reads of campaigns' data: bank news for product managers, the audiences news goes to, client pickers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Account, Client
from campaigns.models import Campaign, News
from surveys.selectors import local_days, ordering_for

# The columns a product manager can sort news by (design rule 8), each with the fields it orders on.
NEWS_SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title",),
    "body": ("body",),
    "account": ("account__username",),
    "client": ("account__client__surname", "account__client__name", "account__client__patronymic"),
    "published_at": ("published_at",),
    "withdrawn_at": ("withdrawn_at",),
}
NEWS_SORT_KEYS = tuple(key for column in NEWS_SORT_FIELDS for key in (column, f"-{column}"))
CLIENT_SEARCH_LIMIT = 20


def news_for_management(
    *,
    search: str = "",
    account_id: int | None = None,
    withdrawn: bool | None = None,
    published_from: dt.date | None = None,
    published_to: dt.date | None = None,
    sort: str = "-published_at",
) -> QuerySet[News]:
    """News rows (one per account they went to) with their accounts and clients, in one query per page."""
    condition = Q()
    if search:
        condition &= Q(title__icontains=search) | Q(body__icontains=search)
    if account_id is not None:
        condition &= Q(account_id=account_id)
    if withdrawn is not None:
        condition &= Q(withdrawn_at__isnull=not withdrawn)
    condition &= local_days("published_at", published_from, published_to)
    return (
        News.objects.filter(condition)
        .select_related("account", "account__client")
        .order_by(*ordering_for(sort, NEWS_SORT_FIELDS))
    )


def customer_accounts() -> QuerySet[Account]:
    """Every active online-banking login of a client: the "all customers" audience."""
    return Account.objects.filter(client__isnull=False, is_active=True)


def campaign_customer_accounts(*, campaign_id: int) -> QuerySet[Account]:
    """The customers a campaign reached: clients that one of its leads became, and clients it sent a message to."""
    return customer_accounts().filter(
        Q(client__leads__campaign_leads__campaign_id=campaign_id) | Q(client__messages__campaign_id=campaign_id)
    ).distinct()


def search_clients(*, query: str, limit: int = CLIENT_SEARCH_LIMIT) -> list[Client]:
    """Clients whose name, e-mail or phone contain every word of the query, with their active logins
    (two queries), for the pickers of the desktop program."""
    condition = Q()
    for word in query.split():
        condition &= (
            Q(surname__icontains=word)
            | Q(name__icontains=word)
            | Q(patronymic__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    logins = Prefetch("accounts", queryset=Account.objects.filter(is_active=True).order_by("username"))
    return list(Client.objects.filter(condition).prefetch_related(logins).order_by("surname", "name", "id")[:limit])


def campaigns_for_picker() -> QuerySet[Campaign]:
    return Campaign.objects.only("id", "name", "status", "started_at", "ended_at").order_by("-created_at", "-id")
