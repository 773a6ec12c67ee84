"""The OpenAPI 3 description of the management API, served at /api/v1/openapi.json.

Written by hand next to the views; tests/api/test_schema_conformance.py runs schemathesis against it,
so an answer the schema does not describe fails the build.
"""

from __future__ import annotations

from functools import cache

from accounts.selectors import CLIENT_SEARCH_LIMIT
from api.inputs import ID_MAX
from api.presenters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from outreach.selectors import NEWS_SORT_KEYS
from outreach.services import NEWS_AUDIENCES, NEWS_BODY_MAX_LENGTH, NEWS_TITLE_MAX_LENGTH
from surveys.models import SurveyKind, SurveySource
from surveys.selectors import SURVEY_SORT_KEYS
from surveys.services import ON_BEHALF_KINDS, ON_BEHALF_SOURCES, REVIEW_TEXT_MAX_LENGTH

SURVEY_KINDS = SurveyKind.values
SURVEY_SOURCES = SurveySource.values


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def answer(description: str, schema: dict | None = None) -> dict:
    return {"description": description, **json_content(schema or ref("Error"))}


IDENTIFIER = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
NULLABLE_IDENTIFIER = {**IDENTIFIER, "nullable": True}
MOMENT = {"type": "string", "format": "date-time"}
NON_BLANK = "\\S"  # at least one character that is not white space
AVERAGE = {"type": "number", "nullable": True, "minimum": 1, "maximum": 5}

SIGNED_IN = {
    "401": answer("Not signed in, or the token expired or was revoked."),
    "403": answer("Signed in, but not as a product manager."),
}
BAD_INPUT = {"400": answer("Some input is not right; `details` says what, per field.")}
NOT_JSON = {"415": answer("The body was not sent as application/json.")}
NOT_FOUND = {"404": answer("No such news.")}


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


SURVEY_FILTERS = [
    query("kind", {"type": "string", "enum": list(SURVEY_KINDS)}, "Only this kind of request."),
    query("source", {"type": "string", "enum": list(SURVEY_SOURCES)}, "Only from this source."),
    query("client_id", IDENTIFIER, "Only this client's surveys."),
    query("rating", {"type": "integer", "minimum": 1, "maximum": 5}, "Only this rating."),
    query("date_from", {"type": "string", "format": "date"}, "From this day on (the bank's time zone)."),
    query("date_to", {"type": "string", "format": "date"}, "Up to and including this day."),
]
PAGINATION = [
    query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "Page number, from 1."),
    query(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        "Rows per page.",
    ),
]
NEWS_ID = {"name": "news_id", "in": "path", "required": True, "schema": IDENTIFIER, "description": "News row number."}


def page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["count", "page", "page_size", "pages", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0, "description": "Rows matching the filters, on all pages."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "results": {"type": "array", "items": ref(item)},
        },
    }


def strict_object(properties: dict, *, required: list[str] | None = None) -> dict:
    """An answer object: every property listed, always present, nothing else."""
    return {
        "type": "object",
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


SCHEMAS = {
    "Error": strict_object(
        {
            "error": {"type": "string", "minLength": 1, "description": "What went wrong, for a person to read."},
            "details": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Per input field, what is wrong with it.",
            },
        }
    ),
    "ClientBrief": strict_object(
        {
            "id": IDENTIFIER,
            "full_name": {"type": "string"},
            "email": {"type": "string"},
            "phone": {"type": "string"},
        }
    ),
    "Account": strict_object(
        {
            "id": IDENTIFIER,
            "username": {"type": "string"},
            "full_name": {"type": "string"},
            "client": {**ref("ClientBrief"), "nullable": True},
        }
    ),
    "Client": strict_object(
        {
            "id": IDENTIFIER,
            "full_name": {"type": "string"},
            "email": {"type": "string"},
            "phone": {"type": "string"},
            "accounts": {
                "type": "array",
                "description": "The client's active online-banking logins (news goes to a login).",
                "items": strict_object({"id": IDENTIFIER, "username": {"type": "string"}}),
            },
        }
    ),
    "Survey": strict_object(
        {
            "id": IDENTIFIER,
            "client": ref("ClientBrief"),
            "kind": {"type": "string", "enum": list(SURVEY_KINDS)},
            "kind_label": {"type": "string"},
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "text": {"type": "string"},
            "suggestions": {"type": "string"},
            "source": {"type": "string", "enum": list(SURVEY_SOURCES)},
            "source_label": {"type": "string"},
            "created_at": MOMENT,
        }
    ),
    "SurveyPage": page_schema("Survey"),
    "NewSurvey": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "rating"],
        "description": "Give the client by `client_id` or by `client_email` (or both, if they agree).",
        "properties": {
            "client_id": NULLABLE_IDENTIFIER,
            "client_email": {"type": "string", "maxLength": 254},
            "kind": {"type": "string", "enum": [str(kind) for kind in ON_BEHALF_KINDS]},
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "text": {"type": "string", "maxLength": REVIEW_TEXT_MAX_LENGTH},
            "suggestions": {"type": "string", "maxLength": REVIEW_TEXT_MAX_LENGTH},
            "source": {"type": "string", "enum": [str(source) for source in ON_BEHALF_SOURCES], "default": "phone"},
        },
    },
    "SurveyStatistics": strict_object(
        {
            "total": {"type": "integer", "minimum": 0},
            "average_rating": AVERAGE,
            "rating_distribution": {
                "type": "array",
                "minItems": 5,
                "maxItems": 5,
                "items": strict_object(
                    {"rating": {"type": "integer", "minimum": 1, "maximum": 5}, "count": {"type": "integer"}}
                ),
            },
            "per_kind": {
                "type": "array",
                "items": strict_object(
                    {
                        "kind": {"type": "string", "enum": list(SURVEY_KINDS)},
                        "label": {"type": "string"},
                        "count": {"type": "integer", "minimum": 0},
                        "average_rating": AVERAGE,
                    }
                ),
            },
            "per_month": {
                "type": "array",
                "items": strict_object(
                    {
                        "month": {"type": "string", "pattern": "^\\d{4}-\\d{2}$", "description": "YYYY-MM"},
                        "count": {"type": "integer", "minimum": 0},
                        "average_rating": AVERAGE,
                    }
                ),
            },
        }
    ),
    "News": strict_object(
        {
            "id": IDENTIFIER,
            "title": {"type": "string"},
            "body": {"type": "string"},
            "account": ref("Account"),
            "published_at": MOMENT,
            "withdrawn_at": {**MOMENT, "nullable": True},
        }
    ),
    "NewsPage": page_schema("News"),
    "NewNews": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "body", "audience"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": NEWS_TITLE_MAX_LENGTH, "pattern": NON_BLANK},
            "body": {"type": "string", "minLength": 1, "maxLength": NEWS_BODY_MAX_LENGTH, "pattern": NON_BLANK},
            "audience": {
                "type": "string",
                "enum": list(NEWS_AUDIENCES),
                "description": "`account`: the login `account_id`; `all_customers`: every active customer login; "
                "`campaign`: the customers campaign `campaign_id` reached (clients its leads became, and clients "
                "it sent a message to).",
            },
            "account_id": NULLABLE_IDENTIFIER,
            "campaign_id": NULLABLE_IDENTIFIER,
        },
    },
    "Publication": strict_object(
        {
            "published": {"type": "integer", "minimum": 0, "description": "Logins that got the news now."},
            "already_had": {
                "type": "integer",
                "minimum": 0,
                "description": "Logins that already had the same title and text, and were left as they were.",
            },
        }
    ),
    "NewsCorrection": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": NEWS_TITLE_MAX_LENGTH, "pattern": NON_BLANK},
            "body": {"type": "string", "minLength": 1, "maxLength": NEWS_BODY_MAX_LENGTH, "pattern": NON_BLANK},
            "everywhere": {
                "type": "boolean",
                "default": False,
                "description": "Correct every login's copy of this news, not only this one.",
            },
        },
    },
    "Withdrawal": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "everywhere": {
                "type": "boolean",
                "default": False,
                "description": "Withdraw every login's copy of this news, not only this one.",
            }
        },
    },
    "Credentials": {
        "type": "object",
        "additionalProperties": False,
        "required": ["username", "password"],
        "properties": {
            "username": {"type": "string", "minLength": 1, "maxLength": 150, "pattern": NON_BLANK},
            "password": {"type": "string", "minLength": 1, "maxLength": 4096, "pattern": NON_BLANK},
            "otp_code": {
                "type": "string",
                "maxLength": 16,
                "description": "The authenticator app's code (or a recovery code), for a login with a second factor.",
            },
        },
    },
    "Token": strict_object(
        {
            "token": {"type": "string", "minLength": 32, "description": "Send as `Authorization: Bearer <token>`."},
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_at": MOMENT,
            "account": ref("Account"),
        }
    ),
    "Session": strict_object({"account": ref("Account"), "expires_at": MOMENT}),
    "Campaign": strict_object(
        {
            "id": IDENTIFIER,
            "name": {"type": "string"},
            "status": {"type": "string"},
            "status_label": {"type": "string"},
        }
    ),
}


def body(name: str, *, required: bool = True) -> dict:
    return {"required": required, **json_content(ref(name))}


PATHS = {
    "/auth/token": {
        "post": {
            "operationId": "signIn",
            "summary": "Sign in with username and password; get a bearer token",
            "description": "Failed attempts count towards the same throttling as the website's sign-in. A login "
            "with a second factor sends its code as `otp_code`; without it the answer is 401 with details.otp_code.",
            "security": [],
            "requestBody": body("Credentials"),
            "responses": {
                "201": answer("Signed in.", ref("Token")),
                **BAD_INPUT,
                "401": answer("Wrong username, password or confirmation code."),
                "403": answer("The account is not a product manager's."),
                "413": answer("The request body is too large."),
                **NOT_JSON,
                "429": answer("Too many failed attempts: wait (Retry-After) and try again."),
            },
        }
    },
    "/auth/session": {
        "get": {
            "operationId": "whoAmI",
            "summary": "The signed-in account and when its token expires",
            "responses": {"200": answer("The session.", ref("Session")), **SIGNED_IN},
        },
        "delete": {
            "operationId": "signOut",
            "summary": "Sign out: the token stops working at once",
            "responses": {
                "200": answer(
                    "Signed out.",
                    strict_object({"signed_out": {"type": "boolean", "enum": [True]}}),
                ),
                **SIGNED_IN,
            },
        },
    },
    "/surveys": {
        "get": {
            "operationId": "listSurveys",
            "summary": "Surveys, filtered, sorted by any column and paginated",
            "parameters": [
                *SURVEY_FILTERS,
                query(
                    "sort",
                    {"type": "string", "enum": list(SURVEY_SORT_KEYS), "default": "-created_at"},
                    "Column to sort by; a leading minus sorts in descending order.",
                ),
                *PAGINATION,
            ],
            "responses": {"200": answer("One page of surveys.", ref("SurveyPage")), **BAD_INPUT, **SIGNED_IN},
        },
        "post": {
            "operationId": "createSurvey",
            "summary": "Take down a survey on a client's behalf (a phone call, or at the desk)",
            "requestBody": body("NewSurvey"),
            "responses": {
                "201": answer("Saved.", ref("Survey")),
                **BAD_INPUT,
                **SIGNED_IN,
                **NOT_JSON,
            },
        },
    },
    "/surveys/statistics": {
        "get": {
            "operationId": "surveyStatistics",
            "summary": "Count per kind and per month, average rating and its distribution",
            "parameters": SURVEY_FILTERS,
            "responses": {
                "200": answer("The figures.", ref("SurveyStatistics")),
                **BAD_INPUT,
                **SIGNED_IN,
            },
        }
    },
    "/news": {
        "get": {
            "operationId": "listNews",
            "summary": "News rows (one per login they went to), filtered, sorted by any column and paginated",
            "parameters": [
                query("q", {"type": "string", "maxLength": 200}, "Words in the title or text."),
                query("account_id", IDENTIFIER, "Only news of this login."),
                query("withdrawn", {"type": "boolean"}, "Only withdrawn (true) or only visible (false) news."),
                query("date_from", {"type": "string", "format": "date"}, "Published from this day on."),
                query("date_to", {"type": "string", "format": "date"}, "Published up to and including this day."),
                query(
                    "sort",
                    {"type": "string", "enum": list(NEWS_SORT_KEYS), "default": "-published_at"},
                    "Column to sort by; a leading minus sorts in descending order.",
                ),
                *PAGINATION,
            ],
            "responses": {"200": answer("One page of news.", ref("NewsPage")), **BAD_INPUT, **SIGNED_IN},
        },
        "post": {
            "operationId": "publishNews",
            "summary": "Publish news to one login, all customers or a campaign's customers, never twice to a login",
            "requestBody": body("NewNews"),
            "responses": {
                "201": answer("Published to at least one login.", ref("Publication")),
                "200": answer(
                    "Every login of the audience had this news already (or there was none).", ref("Publication")
                ),
                **BAD_INPUT,
                **SIGNED_IN,
                **NOT_JSON,
            },
        },
    },
    "/news/{news_id}": {
        "parameters": [NEWS_ID],
        "patch": {
            "operationId": "editNews",
            "summary": "Correct the title and text of news",
            "requestBody": body("NewsCorrection"),
            "responses": {
                "200": answer("Corrected.", strict_object({"changed": {"type": "integer", "minimum": 0}})),
                **BAD_INPUT,
                **SIGNED_IN,
                **NOT_FOUND,
                **NOT_JSON,
            },
        },
    },
    "/news/{news_id}/withdraw": {
        "parameters": [NEWS_ID],
        "post": {
            "operationId": "withdrawNews",
            "summary": "Withdraw news: customers no longer see it",
            "requestBody": body("Withdrawal", required=False),
            "responses": {
                "200": answer(
                    "Withdrawn (0 if it was withdrawn already).",
                    strict_object({"withdrawn": {"type": "integer", "minimum": 0}}),
                ),
                **BAD_INPUT,
                **SIGNED_IN,
                **NOT_FOUND,
                **NOT_JSON,
            },
        },
    },
    "/clients": {
        "get": {
            "operationId": "searchClients",
            "summary": "Clients whose name, e-mail or phone contain every word of `q`, for pickers",
            "parameters": [
                query("q", {"type": "string", "maxLength": 200}, "Words to look for."),
                query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": CLIENT_SEARCH_LIMIT, "default": 10},
                    "At most this many clients.",
                ),
            ],
            "responses": {
                "200": answer(
                    "The clients found.",
                    strict_object({"results": {"type": "array", "items": ref("Client")}}),
                ),
                **BAD_INPUT,
                **SIGNED_IN,
            },
        }
    },
    "/campaigns": {
        "get": {
            "operationId": "listCampaigns",
            "summary": "Campaigns, newest first, for the news audience picker",
            "responses": {
                "200": answer(
                    "The campaigns.", strict_object({"results": {"type": "array", "items": ref("Campaign")}})
                ),
                **SIGNED_IN,
            },
        }
    },
}


@cache
def openapi_schema() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Telemarketing centre: management API",
            "version": "1.0.0",
            "description": "For the product managers' desktop program: surveys, their statistics, bank news. "
            'Every answer is JSON; an error is {"error": "…", "details": {field: message}}. '
            "Send `Accept-Language: en` or `ru` for the messages' language.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": PATHS,
    }
