"""The management API's operations, one ninja router per resource: each reads its validated input, calls one
service or selector and returns what api.schemas describes (see docs/api.md)."""

from __future__ import annotations

import math

from django.contrib.auth import user_logged_in
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from accounts import selectors as account_selectors
from accounts.services import (
    SecondFactorNotSetUp,
    SecondFactorRequired,
    SignInError,
    SignInRefused,
    sign_in_with_password_and_code,
)
from api import report_schemas, schemas
from api.auth import SignedInRequest
from api.http import ApiError
from api.schemas import Error
from api.selectors import is_product_manager
from api.services import issue_token, revoke_token
from campaigns import selectors as campaign_selectors
from outreach import selectors as news_selectors
from outreach import services as news_services
from surveys import selectors as survey_selectors
from surveys import services as survey_services

SIGNED_IN = {400: Error, 401: Error, 403: Error}  # 400: a parameter the operation does not know
WITH_BODY = {**SIGNED_IN, 413: Error, 415: Error}
# An operation without parameters still refuses any in its address (ninja gives an empty model nothing to check).
NO_PARAMETERS = Query({}, validate_default=True, include_in_schema=False)
NEWS_ID = Path(..., ge=1, le=schemas.ID_MAX, description="News row number.")


def page_of(queryset: QuerySet, *, page: int, page_size: int) -> dict:
    """One page of a sorted list: two queries (the count and the rows)."""
    count = queryset.count()
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(count / page_size)),
        "results": list(queryset[(page - 1) * page_size : page * page_size]),
    }


# --- signing in and out -------------------------------------------------------------------------------------------

auth = Router(tags=["signing in"])


@auth.post(
    "/token",
    auth=None,
    response={201: schemas.Token, 400: Error, 401: Error, 403: Error, 413: Error, 415: Error, 429: Error},
    summary="Sign in with username and password; get a bearer token",
    description="Failed attempts count towards the same lock-out as the website's sign-in.",
    operation_id="signIn",
)
def sign_in(request: HttpRequest, credentials: schemas.Credentials):
    """The website's throttling and second factor apply (accounts.services.sign_in_with_password_and_code)."""
    try:
        account = sign_in_with_password_and_code(
            request=request, username=credentials.username, password=credentials.password, code=credentials.otp_code
        )
    except SignInRefused as refusal:
        raise ApiError(429, str(refusal), headers={"Retry-After": str(refusal.retry_after)}) from None
    except SecondFactorRequired as error:
        raise ApiError(401, str(error), details={"otp_code": str(error)}) from None
    except SecondFactorNotSetUp as error:
        raise ApiError(403, str(error)) from None
    except SignInError as error:
        raise ApiError(401, str(error)) from None
    if not is_product_manager(account=account):
        raise ApiError(403, _("Only product managers may use the management API."))
    user_logged_in.send(sender=account.__class__, request=request, user=account)
    token, secret = issue_token(account=account, user_agent=request.headers.get("User-Agent", ""))
    return Status(201, {"token": secret, "token_type": "Bearer", "expires_at": token.expires_at, "account": account})


@auth.get(
    "/session",
    response={200: schemas.Session, **SIGNED_IN},
    summary="The signed-in account and when its token expires",
    operation_id="whoAmI",
)
def who_am_i(request: SignedInRequest, no_parameters: schemas.QueryParameters = NO_PARAMETERS):
    return {"account": request.auth.account, "expires_at": request.auth.expires_at}


@auth.delete(
    "/session",
    response={200: schemas.SignedOut, **SIGNED_IN},
    summary="Sign out: the token stops working at once",
    operation_id="signOut",
)
def sign_out(request: SignedInRequest):
    revoke_token(token=request.auth)
    return {"signed_out": True}


# --- surveys ------------------------------------------------------------------------------------------------------

surveys = Router(tags=["surveys"])


@surveys.get(
    "",
    response={200: schemas.SurveyPage, **SIGNED_IN},
    summary="Surveys, filtered, sorted by any column and paginated",
    operation_id="listSurveys",
)
def list_surveys(request: HttpRequest, query: Query[schemas.SurveyListQuery]):
    rows = survey_selectors.surveys_for_management(sort=query.sort, **query.selection())
    return page_of(rows, page=query.page, page_size=query.page_size)


@surveys.post(
    "",
    response={201: schemas.SurveyOut, **WITH_BODY},
    summary="Take down a survey on a client's behalf (a phone call, or at the desk)",
    operation_id="createSurvey",
)
def create_survey(request: HttpRequest, survey: schemas.NewSurvey):
    return Status(201, survey_services.record_survey_on_behalf(**survey.model_dump()))


@surveys.get(
    "/analytics",
    response={200: report_schemas.SurveyAnalytics, **SIGNED_IN},
    summary="NPS, CSAT, count and average rating: overall, against the period before, per week or month, per kind "
    "and per source",
    description="NPS: promoters answer 9–10, passives 7–8, detractors 0–6; the score is the promoters' share minus "
    "the detractors', in points. CSAT: the share of 4 and 5 among CSAT answers, per cent. The average rating is of the "
    "five-point kinds. Weeks and months are the bank's local calendar. Surveys carry no campaign, so there is no "
    "breakdown by campaign.",
    operation_id="surveyAnalytics",
)
def survey_analytics(request: HttpRequest, query: Query[report_schemas.SurveyAnalyticsQuery]):
    return survey_selectors.survey_analytics(period=query.period, **query.selection())


@surveys.get(
    "/statistics",
    response={200: schemas.SurveyStatistics, **SIGNED_IN},
    summary="Count per kind and per month, average rating and its distribution",
    operation_id="surveyStatistics",
)
def survey_statistics(request: HttpRequest, filters: Query[schemas.SurveyFilters]):
    return survey_selectors.survey_statistics(**filters.selection())


# --- news ---------------------------------------------------------------------------------------------------------

news = Router(tags=["news"])


@news.get(
    "",
    response={200: schemas.NewsPage, **SIGNED_IN},
    summary="News rows (one per login they went to), filtered, sorted by any column and paginated",
    operation_id="listNews",
)
def list_news(request: HttpRequest, query: Query[schemas.NewsListQuery]):
    rows = news_selectors.news_for_management(
        search=query.q.strip(),
        account_id=query.account_id,
        withdrawn=query.withdrawn,
        published_from=query.date_from,
        published_to=query.date_to,
        sort=query.sort,
    )
    return page_of(rows, page=query.page, page_size=query.page_size)


@news.get(
    "/items",
    response={200: report_schemas.NewsItemPage, **SIGNED_IN},
    summary="Pieces of news (one row for all the logins that got the same title and text), with how many logins "
    "got each and how many copies are withdrawn; filtered, sorted and paginated",
    operation_id="listNewsItems",
)
def list_news_items(request: HttpRequest, query: Query[report_schemas.NewsItemListQuery]):
    items = news_selectors.news_items(
        search=query.q.strip(),
        withdrawn=query.withdrawn,
        published_from=query.date_from,
        published_to=query.date_to,
        sort=query.sort,
    )
    return page_of(items, page=query.page, page_size=query.page_size)


@news.get(
    "/items/{int:news_id}/recipients",
    response={200: schemas.NewsPage, 404: Error, **SIGNED_IN},
    summary="Every login's copy of the piece of news that row `news_id` belongs to, by client, paginated",
    operation_id="listNewsRecipients",
)
def list_news_recipients(request: HttpRequest, paging: Query[schemas.Paging], news_id: int = NEWS_ID):
    rows = news_selectors.news_recipients(news_id=news_id)
    if rows is None:
        raise ApiError(404, _("There is no news with this number."))
    return page_of(rows, page=paging.page, page_size=paging.page_size)


@news.get(
    "/audience",
    response={200: report_schemas.Audience, **SIGNED_IN},
    summary="How many logins news would go to now, without publishing it",
    operation_id="countNewsAudience",
)
def count_news_audience(request: HttpRequest, query: Query[report_schemas.NewsAudienceQuery]):
    missing = {
        "account": ("account_id", query.account_id, _("Choose the customer's login to publish the news to.")),
        "campaign": ("campaign_id", query.campaign_id, _("Choose the campaign whose customers get the news.")),
    }.get(query.audience)
    if missing and missing[1] is None:
        field, _value, message = missing
        raise ApiError(400, message, details={field: message})
    audience = news_selectors.news_audience(
        audience=query.audience, account_id=query.account_id, campaign_id=query.campaign_id
    )
    return {"recipients": audience.count()}


@news.post(
    "",
    response={201: schemas.Publication, 200: schemas.Publication, **WITH_BODY},
    summary="Publish news to one login, all customers or a campaign's customers, never twice to a login",
    description="201 if it was published to at least one login; 200 if every login of the audience had it already.",
    operation_id="publishNews",
)
def publish_news(request: SignedInRequest, news: schemas.NewNews):
    publication = news_services.publish_news(**news.model_dump(), actor=request.auth.account)
    return Status(201 if publication.published else 200, publication)


@news.patch(
    "/{int:news_id}",
    response={200: schemas.Changed, 404: Error, **WITH_BODY},
    summary="Correct the title and text of news",
    operation_id="editNews",
)
def edit_news(request: SignedInRequest, correction: schemas.NewsCorrection, news_id: int = NEWS_ID):
    changed = news_services.edit_news(news_id=news_id, **correction.model_dump(), actor=request.auth.account)
    return {"changed": changed}


@news.post(
    "/{int:news_id}/withdraw",
    response={200: schemas.Withdrawn, 404: Error, **WITH_BODY},
    summary="Withdraw news: customers no longer see it",
    operation_id="withdrawNews",
)
def withdraw_news(request: SignedInRequest, withdrawal: schemas.Withdrawal | None = None, news_id: int = NEWS_ID):
    everywhere = withdrawal.everywhere if withdrawal else False
    withdrawn = news_services.withdraw_news(news_id=news_id, everywhere=everywhere, actor=request.auth.account)
    return {"withdrawn": withdrawn}


# --- pickers ------------------------------------------------------------------------------------------------------

pickers = Router(tags=["pickers"])


@pickers.get(
    "/clients",
    response={200: schemas.ClientList, **SIGNED_IN},
    summary="Clients whose name, e-mail or phone contain every word of `q`, for pickers",
    operation_id="searchClients",
)
def search_clients(request: HttpRequest, query: Query[schemas.ClientSearchQuery]):
    return {"results": account_selectors.search_clients(query=query.q.strip(), limit=query.limit)}


@pickers.get(
    "/campaigns",
    response={200: schemas.CampaignList, **SIGNED_IN},
    summary="Campaigns, newest first, for the news audience picker",
    operation_id="listCampaigns",
)
def list_campaigns(request: HttpRequest, no_parameters: schemas.QueryParameters = NO_PARAMETERS):
    return {"results": campaign_selectors.campaigns_for_picker()}
