"""How the management API shows models as JSON (times in the bank's time zone, ISO 8601)."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account, Client
from campaigns.models import Campaign
from outreach.models import News
from surveys.models import Survey

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


def moment(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def page_of(queryset: QuerySet, *, page: int, page_size: int, present) -> dict:
    """One page of a sorted list: two queries (the count and the rows)."""
    count = queryset.count()
    rows = queryset[(page - 1) * page_size : page * page_size]
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(count / page_size)),
        "results": [present(row) for row in rows],
    }


def client_brief(client: Client | None) -> dict | None:
    if client is None:
        return None
    return {"id": client.pk, "full_name": client.full_name, "email": client.email, "phone": client.phone}


def survey_json(survey: Survey) -> dict:
    return {
        "id": survey.pk,
        "client": client_brief(survey.client),
        "kind": survey.kind,
        "kind_label": str(survey.get_kind_display()),
        "rating": survey.rating,
        "text": survey.text,
        "suggestions": survey.suggestions,
        "source": survey.source,
        "source_label": str(survey.get_source_display()),
        "created_at": moment(survey.created_at),
    }


def account_json(account: Account) -> dict:
    return {
        "id": account.pk,
        "username": account.username,
        "full_name": display_name(account),
        "client": client_brief(account.client) if account.client_id else None,
    }


def display_name(account: Account) -> str:
    if account.worker_id:
        return account.worker.full_name
    if account.client_id:
        return account.client.full_name
    return account.get_full_name() or account.username


def news_json(news: News) -> dict:
    return {
        "id": news.pk,
        "title": news.title,
        "body": news.body,
        "account": account_json(news.account),
        "published_at": moment(news.published_at),
        "withdrawn_at": moment(news.withdrawn_at),
    }


def client_json(client: Client) -> dict:
    return {
        **client_brief(client),
        "accounts": [{"id": account.pk, "username": account.username} for account in client.accounts.all()],
    }


def campaign_json(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "status_label": str(campaign.get_status_display()),
    }
