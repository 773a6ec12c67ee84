"""Reads of personal messages and bank news: what reached a customer, and the product managers' news lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Account
from accounts.selectors import customer_accounts
from core.querying import contains_in_any_case, local_days, ordering_for
from outreach.models import Message, MessageStatus, News

# A message still waiting to be sent, or one that failed, has not reached the customer.
MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)

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


def customer_messages(*, account: Account) -> QuerySet[Message]:
    """The personal messages that reached this customer, newest first."""
    if account.client_id is None:
        return Message.objects.none()
    return Message.objects.filter(client_id=account.client_id, status__in=MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS).order_by(
        "-created_at", "-id"
    )


def customer_news(*, account: Account, limit: int) -> list[News]:
    """The newest news published to this login and not withdrawn."""
    news = News.objects.filter(account=account, withdrawn_at__isnull=True)
    return list(news.order_by("-published_at", "-id")[:limit])


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
    for word in search.split():
        condition &= contains_in_any_case(word, ("title", "body"))
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


def campaign_customer_accounts(*, campaign_id: int) -> QuerySet[Account]:
    """The customers a campaign reached: clients that one of its leads became, and clients it sent a message to."""
    return (
        customer_accounts()
        .filter(
            Q(client__leads__campaign_leads__campaign_id=campaign_id) | Q(client__messages__campaign_id=campaign_id)
        )
        .distinct()
    )
