"""The management API's survey analytics and news items: the queries they take and the answers they give (the
rest is in api.schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from api.schemas import (
    Average,
    Choice,
    Day,
    Identifier,
    Moment,
    Page,
    Paging,
    QueryBoolean,
    QueryParameters,
    SurveyFilters,
    Text,
)
from outreach.selectors import NEWS_ITEM_SORT_KEYS
from outreach.services import NEWS_AUDIENCES
from surveys.models import SurveyKind, SurveySource

Change = Annotated[float | None, Field(description="This period's figure minus the previous one's.")]

# --- inputs -------------------------------------------------------------------------------------------------------


class SurveyAnalyticsQuery(SurveyFilters):
    period: Annotated[
        Literal["week", "month"], Field(description="Group the trend by week (from Monday) or by calendar month.")
    ] = "month"


class NewsItemListQuery(Paging):
    q: Annotated[Text(200), Field(description="Words in the title or text.")] = ""
    withdrawn: Annotated[
        QueryBoolean | None,
        Field(description="Only news withdrawn from every login (true), or still visible to someone (false)."),
    ] = None
    date_from: Annotated[Day | None, Field(description="Published from this day on.")] = None
    date_to: Annotated[Day | None, Field(description="Published up to and including this day.")] = None
    sort: Annotated[
        Choice(NEWS_ITEM_SORT_KEYS), Field(description="Column to sort by; a leading minus sorts in descending order.")
    ] = "-published_at"


class NewsAudienceQuery(QueryParameters):
    audience: Annotated[Choice(NEWS_AUDIENCES), Field(description="As in publishing news.")]
    account_id: Identifier | None = None
    campaign_id: Identifier | None = None


# --- answers ------------------------------------------------------------------------------------------------------


class NpsFigures(Schema):
    promoters: int = Field(ge=0, description="Answers 9–10.")
    passives: int = Field(ge=0, description="Answers 7–8.")
    detractors: int = Field(ge=0, description="Answers 0–6.")
    answers: int = Field(ge=0)
    score: float | None = Field(ge=-100, le=100, description="Promoters' share minus detractors', in points.")


class CsatFigures(Schema):
    satisfied: int = Field(ge=0, description="Answers 4–5.")
    answers: int = Field(ge=0)
    score: float | None = Field(ge=0, le=100, description="Satisfied answers' share, per cent.")


class Figures(Schema):
    count: int = Field(ge=0)
    average_rating: Average = Field(description="Of the five-point kinds (NPS excluded).")
    nps: NpsFigures
    csat: CsatFigures


class FiguresChange(Schema):
    count: int
    average_rating: Change
    nps_score: Change
    csat_score: Change


class PreviousFigures(Figures):
    date_from: dt.date
    date_to: dt.date


class TrendPoint(Schema):
    start: dt.date = Field(description="The first day of the week or month.")
    figures: Figures
    change: FiguresChange | None = Field(description="From the week or month before; none for the first.")


class KindAnalytics(Figures):
    kind: Choice(SurveyKind.values)
    label: str


class SourceAnalytics(Figures):
    source: Choice(SurveySource.values)
    label: str


class SurveyAnalytics(Schema):
    period: Literal["week", "month"]
    overall: Figures
    previous: PreviousFigures | None = Field(
        description="The equally long period just before `date_from`…`date_to`; none unless both are given."
    )
    change: FiguresChange | None
    trend: list[TrendPoint] = Field(description="Every week or month from the first survey's to the last one's.")
    per_kind: list[KindAnalytics]
    per_source: list[SourceAnalytics]


class NewsItem(Schema):
    id: int = Field(description="The number of its first row: for editing, withdrawing, the recipients.")
    title: str
    body: str
    published_at: Moment
    recipients: int = Field(ge=1, description="Logins that got it.")
    withdrawn: int = Field(ge=0, description="Of them, copies withdrawn.")


class NewsItemPage(Page):
    results: list[NewsItem]


class Audience(Schema):
    recipients: int = Field(ge=0, description="Logins that would get the news now.")
