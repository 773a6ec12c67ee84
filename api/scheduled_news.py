"""The management API's scheduled news: schedule news for a later time, list it, withdraw it while it waits.
The periodic job ``outreach.publish_scheduled_news`` publishes it when it is due (``outreach.scheduled_news``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Path, Query, Router, Schema, Status
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from api.auth import SignedInRequest
from api.schemas import Choice, Error, Identifier, JsonBody, Moment, NewNews, Page, Paging, Text
from api.views import WITH_BODY, page_of
from outreach import selectors
from outreach.models import NEWS_TITLE_MAX_LENGTH, ScheduledNewsStatus
from outreach.scheduled_news import schedule_news, withdraw_scheduled_news

SCHEDULED_ID = Path(..., ge=1, le=2**31 - 1, description="Scheduled news number.")


def _iso_moment(value: object) -> object:
    """Only an ISO 8601 time with its offset: "2026-12-24T09:00:00+03:00" (a time without a zone is ambiguous)."""
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_parsing", "Expected a time as YYYY-MM-DDTHH:MM[:SS]+HH:MM.")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("datetime_parsing", "Expected a time as YYYY-MM-DDTHH:MM[:SS]+HH:MM.") from None
    if moment.tzinfo is None:
        raise PydanticCustomError("datetime_parsing", "Give the time with its offset, e.g. +03:00.")
    return moment


class NewScheduledNews(NewNews):
    publish_at: Annotated[
        dt.datetime,
        BeforeValidator(_iso_moment),
        Field(description="When to publish: ISO 8601 with the offset, from a minute to a year from now."),
    ]


class ScheduledNewsListQuery(Paging):
    status: Annotated[Choice(ScheduledNewsStatus.values) | None, Field(description="Only news in this state.")] = None


class ScheduledNewsOut(Schema):
    id: int
    title: Text(NEWS_TITLE_MAX_LENGTH)
    body: str
    audience: str
    account_id: Identifier | None
    campaign_id: Identifier | None
    publish_at: Moment
    status: Choice(ScheduledNewsStatus.values)
    status_label: str
    published_at: Moment | None
    published_to: int | None = Field(ge=0, description="Logins that got it when it was published.")
    withdrawn_at: Moment | None
    last_error: str = Field(description="Why it could not be published, when its status is `failed`.")

    @staticmethod
    def resolve_status_label(item) -> str:
        return str(item.get_status_display())


class ScheduledNewsPage(Page):
    results: list[ScheduledNewsOut]


class NoBody(JsonBody):
    pass


router = Router(tags=["news"])


@router.get(
    "",
    response={200: ScheduledNewsPage, 400: Error, 401: Error, 403: Error},
    summary="News scheduled for later (and what became of it), the soonest first, paginated",
    operation_id="listScheduledNews",
)
def list_scheduled_news(request: SignedInRequest, query: Query[ScheduledNewsListQuery]):
    rows = selectors.scheduled_news(status=query.status)
    return page_of(rows, page=query.page, page_size=query.page_size)


@router.post(
    "",
    response={201: ScheduledNewsOut, **WITH_BODY},
    summary="Schedule news to be published to its audience at a later time",
    description="The audience is counted when the news is published, not now; it never goes twice to a login.",
    operation_id="scheduleNews",
)
def schedule(request: SignedInRequest, news: NewScheduledNews):
    return Status(201, schedule_news(**news.model_dump(), actor=request.auth.account))


@router.post(
    "/{int:scheduled_id}/withdraw",
    response={200: ScheduledNewsOut, 404: Error, **WITH_BODY},
    summary="Withdraw scheduled news before it goes out",
    description="400 when it is no longer waiting (published news is withdrawn through `withdrawNews`).",
    operation_id="withdrawScheduledNews",
)
def withdraw(request: SignedInRequest, body: NoBody | None = None, scheduled_id: int = SCHEDULED_ID):
    return withdraw_scheduled_news(scheduled_id=scheduled_id, actor=request.auth.account)
