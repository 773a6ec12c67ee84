"""The management API's endpoints: parse the input, call one service or selector, answer JSON (see docs/api.md)."""

from __future__ import annotations

from django.contrib.auth import user_logged_in
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.services import SecondFactorRequired, SignInError, SignInRefused, sign_in_with_password_and_code
from api import presenters
from api.http import ApiError, endpoint, read_json_object
from api.inputs import ID_MAX, Inputs
from api.openapi import openapi_schema
from api.presenters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.selectors import is_product_manager
from api.services import issue_token, revoke_token
from campaigns import selectors as campaign_selectors
from outreach import selectors as news_selectors
from outreach import services as news_services
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.models import SurveyKind, SurveySource


def _page(fields: Inputs) -> tuple[int, int]:
    page = fields.integer("page", minimum=1, maximum=1_000_000, default=1)
    page_size = fields.integer("page_size", minimum=1, maximum=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)
    return page, page_size


# --- signing in and out -------------------------------------------------------------------------------------------


def sign_in(request: HttpRequest) -> JsonResponse:
    """Username, password and, for a login with a second factor, its code, for a bearer token; the website's
    throttling applies (accounts.services.sign_in_with_password_and_code)."""
    fields = Inputs(read_json_object(request), from_query=False)
    username = fields.text("username", required=True, max_length=150)
    password = fields.text("password", required=True, max_length=4096)
    code = fields.text("otp_code", max_length=16)
    fields.check()
    try:
        account = sign_in_with_password_and_code(request=request, username=username, password=password, code=code)
    except SignInRefused as refusal:
        raise ApiError(429, str(refusal), headers={"Retry-After": str(refusal.retry_after)}) from None
    except SecondFactorRequired as error:
        raise ApiError(401, str(error), details={"otp_code": str(error)}) from None
    except SignInError as error:
        raise ApiError(401, str(error)) from None
    if not is_product_manager(account=account):
        raise ApiError(403, _("Only product managers may use the management API."))
    user_logged_in.send(sender=account.__class__, request=request, user=account)
    token, secret = issue_token(account=account, user_agent=request.headers.get("User-Agent", ""))
    return JsonResponse(
        {
            "token": secret,
            "token_type": "Bearer",
            "expires_at": presenters.moment(token.expires_at),
            "account": presenters.account_json(account),
        },
        status=201,
    )


def sign_out(request: HttpRequest) -> JsonResponse:
    revoke_token(token=request.api_token)
    return JsonResponse({"signed_out": True})


def who_am_i(request: HttpRequest) -> JsonResponse:
    Inputs(request.GET, from_query=True).check()
    return JsonResponse(
        {
            "account": presenters.account_json(request.user),
            "expires_at": presenters.moment(request.api_token.expires_at),
        }
    )


# --- surveys ------------------------------------------------------------------------------------------------------


def _survey_filters(fields: Inputs) -> dict:
    filters = {
        "kind": fields.choice("kind", SurveyKind.values),
        "source": fields.choice("source", SurveySource.values),
        "client_id": fields.identifier("client_id"),
        "rating": fields.integer("rating", minimum=1, maximum=5),
        "date_from": fields.date("date_from"),
        "date_to": fields.date("date_to"),
    }
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        fields.errors["date_to"] = _("The end of the period comes before its start.")
    return filters


def list_surveys(request: HttpRequest) -> JsonResponse:
    fields = Inputs(request.GET, from_query=True)
    filters = _survey_filters(fields)
    sort = fields.choice("sort", survey_selectors.SURVEY_SORT_KEYS, default="-created_at")
    page, page_size = _page(fields)
    fields.check()
    surveys = survey_selectors.surveys_for_management(sort=sort, **filters)
    return JsonResponse(presenters.page_of(surveys, page=page, page_size=page_size, present=presenters.survey_json))


def create_survey(request: HttpRequest) -> JsonResponse:
    fields = Inputs(read_json_object(request), from_query=False)
    arguments = {
        "client_id": fields.identifier("client_id", nullable=True),
        "client_email": fields.email("client_email"),
        "kind": fields.choice("kind", survey_services.ON_BEHALF_KINDS, required=True),
        "rating": fields.integer("rating", required=True, minimum=1, maximum=5),
        "text": fields.text("text", max_length=survey_services.REVIEW_TEXT_MAX_LENGTH),
        "suggestions": fields.text("suggestions", max_length=survey_services.REVIEW_TEXT_MAX_LENGTH),
        "source": fields.choice("source", survey_services.ON_BEHALF_SOURCES, default=SurveySource.PHONE),
    }
    fields.check()
    survey = survey_services.record_survey_on_behalf(**arguments)
    return JsonResponse(presenters.survey_json(survey), status=201)


def survey_statistics(request: HttpRequest) -> JsonResponse:
    fields = Inputs(request.GET, from_query=True)
    filters = _survey_filters(fields)
    fields.check()
    return JsonResponse(survey_selectors.survey_statistics(**filters))


# --- news ---------------------------------------------------------------------------------------------------------


def list_news(request: HttpRequest) -> JsonResponse:
    fields = Inputs(request.GET, from_query=True)
    filters = {
        "search": fields.text("q", max_length=200).strip(),
        "account_id": fields.identifier("account_id"),
        "withdrawn": fields.boolean("withdrawn"),
        "published_from": fields.date("date_from"),
        "published_to": fields.date("date_to"),
        "sort": fields.choice("sort", news_selectors.NEWS_SORT_KEYS, default="-published_at"),
    }
    page, page_size = _page(fields)
    fields.check()
    news = news_selectors.news_for_management(**filters)
    return JsonResponse(presenters.page_of(news, page=page, page_size=page_size, present=presenters.news_json))


def publish_news(request: HttpRequest) -> JsonResponse:
    fields = Inputs(read_json_object(request), from_query=False)
    arguments = {
        "title": fields.text("title", required=True),
        "body": fields.text("body", required=True),
        "audience": fields.choice("audience", news_services.NEWS_AUDIENCES, required=True),
        "account_id": fields.identifier("account_id", nullable=True),
        "campaign_id": fields.identifier("campaign_id", nullable=True),
    }
    fields.check()
    publication = news_services.publish_news(**arguments, actor=request.user)
    return JsonResponse(
        {"published": publication.published, "already_had": publication.already_had},
        status=201 if publication.published else 200,
    )


def _existing_key(news_id: int) -> int:
    if news_id > ID_MAX:
        raise ApiError(404, _("There is no news with this number."))
    return news_id


def edit_news(request: HttpRequest, news_id: int) -> JsonResponse:
    fields = Inputs(read_json_object(request), from_query=False)
    arguments = {
        "title": fields.text("title", required=True),
        "body": fields.text("body", required=True),
        "everywhere": fields.boolean("everywhere", default=False),
    }
    fields.check()
    changed = news_services.edit_news(news_id=_existing_key(news_id), **arguments, actor=request.user)
    return JsonResponse({"changed": changed})


def withdraw_news(request: HttpRequest, news_id: int) -> JsonResponse:
    fields = Inputs(read_json_object(request) if request.body else {}, from_query=False)
    everywhere = fields.boolean("everywhere", default=False)
    fields.check()
    return JsonResponse(
        {
            "withdrawn": news_services.withdraw_news(
                news_id=_existing_key(news_id), everywhere=everywhere, actor=request.user
            )
        }
    )


# --- pickers ------------------------------------------------------------------------------------------------------


def search_clients(request: HttpRequest) -> JsonResponse:
    fields = Inputs(request.GET, from_query=True)
    query = fields.text("q", max_length=200).strip()
    limit = fields.integer("limit", minimum=1, maximum=account_selectors.CLIENT_SEARCH_LIMIT, default=10)
    fields.check()
    clients = account_selectors.search_clients(query=query, limit=limit)
    return JsonResponse({"results": [presenters.client_json(client) for client in clients]})


def list_campaigns(request: HttpRequest) -> JsonResponse:
    Inputs(request.GET, from_query=True).check()
    campaigns = campaign_selectors.campaigns_for_picker()
    return JsonResponse({"results": [presenters.campaign_json(campaign) for campaign in campaigns]})


def schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})


token = endpoint(public=True, POST=sign_in)
session = endpoint(GET=who_am_i, DELETE=sign_out)
surveys = endpoint(GET=list_surveys, POST=create_survey)
statistics = endpoint(GET=survey_statistics)
news = endpoint(GET=list_news, POST=publish_news)
news_item = endpoint(PATCH=edit_news)
news_withdrawal = endpoint(POST=withdraw_news)
clients = endpoint(GET=search_clients)
campaigns = endpoint(GET=list_campaigns)
openapi = endpoint(public=True, GET=schema)
