"""Reads of personal messages and bank news: what reached a customer, and the product managers' news lists."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db import router
from django.db.models import Count, F, Min, Q, QuerySet, Window

from accounts.models import Account
from accounts.selectors import customer_accounts
from banking.confirmation import DELIVERY_KEY_PREFIX as PAYMENT_CODE_KEY_PREFIX
from campaigns.models import Campaign
from core.compiled import Select, Slots
from core.querying import contains_in_any_case, local_days, ordering_for
from outreach.models import Message, MessageStatus, News, ScheduledNews

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

# The columns the list of news items (one row per piece of news, whoever got it) sorts by.
NEWS_ITEM_SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title",),
    "body": ("body",),
    "published_at": ("published_at",),
    "recipients": ("recipients",),
    "withdrawn": ("withdrawn",),
}
NEWS_ITEM_SORT_KEYS = tuple(key for column in NEWS_ITEM_SORT_FIELDS for key in (column, f"-{column}"))


def customer_messages(*, account: Account) -> QuerySet[Message]:
    """The personal messages that reached this customer, newest first."""
    if account.client_id is None:
        return Message.objects.none()
    return (
        Message.objects.filter(client_id=account.client_id, status__in=MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS)
        .exclude(deliveries__idempotency_key__startswith=PAYMENT_CODE_KEY_PREFIX)  # codes are not offers
        .order_by("-created_at", "-id")
    )


def latest_customer_messages(*, account: Account, limit: int) -> tuple[list[Message], int]:
    """The newest ``limit`` messages and how many of all of them are unread, in one query."""
    if account.client_id is None:
        return [], 0
    latest = _latest_messages(router.db_for_read(Message), limit).all(client=account.client_id)
    return latest, latest[0].unread_in_all if latest else 0  # type: ignore[attr-defined]


def customer_news(*, account: Account, limit: int) -> list[News]:
    """The newest news published to this login and not withdrawn."""
    return _latest_news(router.db_for_read(News), limit).all(account=account.pk)


# The overview, the customers' most visited page, reads both; compiled once per database (``core.compiled``),
# as building them with the ORM on every visit cost more Python than the database spent running them.


@lru_cache(maxsize=16)
def _latest_messages(alias: str, limit: int) -> Select[Message]:
    """The unread count is a window over every message shown, computed before the LIMIT (each row carries it)."""
    slots = Slots(client=int)
    shown = customer_messages(account=Account(client_id=slots["client"]))
    unread = Window(Count("pk", filter=~Q(status=MessageStatus.READ)))
    return Select(shown.annotate(unread_in_all=unread)[:limit], alias=alias, slots=slots)


@lru_cache(maxsize=16)
def _latest_news(alias: str, limit: int) -> Select[News]:
    slots = Slots(account=int)
    news = News.objects.filter(account=slots["account"], withdrawn_at__isnull=True)
    return Select(news.order_by("-published_at", "-id")[:limit], alias=alias, slots=slots)


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


def news_items(
    *,
    search: str = "",
    withdrawn: bool | None = None,
    published_from: dt.date | None = None,
    published_to: dt.date | None = None,
    sort: str = "-published_at",
) -> QuerySet:
    """One row per piece of news (the rows of the same title and text, grouped by their digest): its first row's id,
    title, text, when it was first published, how many logins got it and how many copies are withdrawn.
    ``withdrawn``: only news withdrawn from every login (true), or still visible to someone (false)."""
    condition = local_days("published_at", published_from, published_to)
    for word in search.split():
        condition &= contains_in_any_case(word, ("title", "body"))
    items = (
        News.objects.filter(condition)
        .order_by()
        .values("digest")
        .annotate(
            recipients=Count("account_id"),
            withdrawn=Count("withdrawn_at"),
            id=Min("id"),
            title=Min("title"),
            body=Min("body"),
            published_at=Min("published_at"),
        )
    )
    if withdrawn is True:
        items = items.filter(withdrawn=F("recipients"))
    elif withdrawn is False:
        items = items.filter(withdrawn__lt=F("recipients"))
    return items.order_by(*ordering_for(sort, NEWS_ITEM_SORT_FIELDS))


def news_recipients(*, news_id: int) -> QuerySet[News] | None:
    """Every login's copy of the piece of news that row ``news_id`` belongs to, by client; None if there is no such
    row."""
    digest = News.objects.filter(pk=news_id).values_list("digest", flat=True).first()
    if digest is None:
        return None
    return (
        News.objects.filter(digest=digest)
        .select_related("account", "account__client")
        .order_by(*ordering_for("client", NEWS_SORT_FIELDS))
    )


def news_audience(*, audience: str, account_id: int | None = None, campaign_id: int | None = None) -> QuerySet[Account]:
    """The logins a piece of news would go to: one active customer login, every one, or a campaign's customers
    (none when the login or the campaign does not exist)."""
    if audience == "account":
        return customer_accounts().filter(pk=account_id) if account_id is not None else Account.objects.none()
    if audience == "campaign":
        if campaign_id is None or not Campaign.objects.filter(pk=campaign_id).exists():
            return Account.objects.none()
        return campaign_customer_accounts(campaign_id=campaign_id)
    if audience == "all_customers":
        return customer_accounts()
    raise ValueError(f"Unknown audience of news: {audience!r}")


def campaign_customer_accounts(*, campaign_id: int) -> QuerySet[Account]:
    """The customers a campaign reached: clients that one of its leads became, and clients it sent a message to."""
    return (
        customer_accounts()
        .filter(
            Q(client__leads__campaign_leads__campaign_id=campaign_id) | Q(client__messages__campaign_id=campaign_id)
        )
        .distinct()
    )


def scheduled_news(*, status: str | None = None) -> QuerySet[ScheduledNews]:
    """News scheduled for later, the soonest first (what was published or withdrawn stays, with its outcome)."""
    rows = ScheduledNews.objects.order_by("publish_at", "pk")
    return rows.filter(status=status) if status else rows
