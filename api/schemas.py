"""What the management API reads and answers, as pydantic models; ninja validates requests against them and
generates /api/v1/openapi.json from them. Inputs are strict (unknown fields, wrong types, numbers out of range
and text too long are refused); outputs show times in the bank's time zone (ISO 8601)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator
from pydantic import field_validator as field_check
from pydantic_core import PydanticCustomError

from accounts.models import Account
from accounts.selectors import CLIENT_SEARCH_LIMIT
from core.dates import DATE_MAX, DATE_MIN
from outreach.selectors import NEWS_SORT_KEYS
from outreach.services import NEWS_AUDIENCES, NEWS_BODY_MAX_LENGTH, NEWS_TITLE_MAX_LENGTH
from surveys.models import NPS_SCALE, SurveyKind, SurveySource
from surveys.selectors import SURVEY_SORT_KEYS
from surveys.services import ON_BEHALF_KINDS, ON_BEHALF_SOURCES, REVIEW_TEXT_MAX_LENGTH

ID_MAX = 2**63 - 1  # the largest key a BigAutoField holds
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50

# --- field types; a refusal's ``type`` names the message api.errors shows for it ------------------------------------


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Text cannot contain the NUL character.")
    return value


def _iso_day(value: object) -> object:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_parsing", "Expected a date as YYYY-MM-DD.")
    return value


def _within_dates(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise PydanticCustomError("date_out_of_range", "Expected a date within the bank's range.")
    return value


def _true_or_false(value: object) -> object:
    if value not in ("true", "false"):
        raise PydanticCustomError("bool_parsing", "Expected true or false.")
    return value == "true"


def _email_or_nothing(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise PydanticCustomError("email", "Expected an e-mail address.") from None
    return value


def Text(max_length: int, *, required: bool = False):
    """Text without NUL characters, at most ``max_length`` long; ``required`` text has a visible character."""
    if required:
        return Annotated[str, Field(min_length=1, max_length=max_length, pattern=r"\S"), AfterValidator(_without_nul)]
    return Annotated[str, Field(max_length=max_length), AfterValidator(_without_nul)]


def Choice(values):
    return Literal[tuple(str(value) for value in values)]


Identifier = Annotated[int, Field(ge=1, le=ID_MAX, description="A row's number.")]
Rating = Annotated[int, Field(ge=NPS_SCALE[0], le=NPS_SCALE[-1], description="0–10 for NPS, 1–5 for other kinds.")]
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_day),
    AfterValidator(_within_dates),
    Field(description="YYYY-MM-DD, in the bank's time zone."),
]
QueryBoolean = Annotated[bool, BeforeValidator(_true_or_false)]
Moment = Annotated[dt.datetime, AfterValidator(timezone.localtime)]


# --- inputs -------------------------------------------------------------------------------------------------------


class JsonBody(BaseModel):
    """A JSON object with exactly these fields, each of exactly its JSON type (no "5" for 5, no true for 1)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryParameters(BaseModel):
    """The query string of a list: every parameter must be one of these, so a misspelt filter is refused.

    A parameter left out is ``None`` (or its default); ``None`` is not a value one can send in the address."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _with_unknown_parameters(cls, data: dict, info: ValidationInfo) -> dict:
        """ninja hands over only the parameters it knows: put the others back, for ``extra="forbid"`` to refuse."""
        request = (info.context or {}).get("request")
        if request is None:
            return data
        known = {field.alias or name for name, field in cls.model_fields.items()}
        return {**data, **{name: request.GET[name] for name in request.GET if name not in known}}


class Paging(QueryParameters):
    page: Annotated[int, Field(ge=1, le=1_000_000, description="Page number, from 1.")] = 1
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")] = DEFAULT_PAGE_SIZE


class SurveyFilters(QueryParameters):
    kind: Choice(SurveyKind.values) = None
    source: Choice(SurveySource.values) = None
    client_id: Identifier | None = None
    rating: Rating | None = None
    date_from: Day | None = None
    date_to: Annotated[Day | None, Field(description="Up to and including this day.")] = None

    @field_check("date_to")
    @classmethod
    def _period_in_order(cls, date_to: dt.date | None, info: ValidationInfo) -> dt.date | None:
        date_from = info.data.get("date_from")
        if date_to and date_from and date_from > date_to:
            raise PydanticCustomError("period_reversed", "The end of the period comes before its start.")
        return date_to

    def selection(self) -> dict:
        return self.model_dump(include=set(SurveyFilters.model_fields))


class SurveyListQuery(SurveyFilters, Paging):
    sort: Annotated[
        Choice(SURVEY_SORT_KEYS), Field(description="Column to sort by; a leading minus sorts in descending order.")
    ] = "-created_at"


class NewsListQuery(Paging):
    q: Annotated[Text(200), Field(description="Words in the title or text.")] = ""
    account_id: Annotated[Identifier | None, Field(description="Only news of this login.")] = None
    withdrawn: Annotated[
        QueryBoolean | None, Field(description="Only withdrawn (true) or only visible (false) news.")
    ] = None
    date_from: Annotated[Day | None, Field(description="Published from this day on.")] = None
    date_to: Annotated[Day | None, Field(description="Published up to and including this day.")] = None
    sort: Annotated[
        Choice(NEWS_SORT_KEYS), Field(description="Column to sort by; a leading minus sorts in descending order.")
    ] = "-published_at"


class ClientSearchQuery(QueryParameters):
    q: Annotated[Text(200), Field(description="Words to look for in names, e-mails and phones.")] = ""
    limit: Annotated[int, Field(ge=1, le=CLIENT_SEARCH_LIMIT, description="At most this many clients.")] = 10


class Credentials(JsonBody):
    username: Text(150, required=True)
    password: Text(4096, required=True)
    otp_code: Annotated[
        Text(16), Field(description="The authenticator app's code (or a recovery code), for a login with two factors.")
    ] = ""


class NewSurvey(JsonBody):
    """Give the client by ``client_id`` or by ``client_email`` (or both, if they agree)."""

    client_id: Identifier | None = None
    client_email: Annotated[Text(254), AfterValidator(_email_or_nothing)] = ""
    kind: Choice(ON_BEHALF_KINDS)
    rating: Rating
    text: Text(REVIEW_TEXT_MAX_LENGTH) = ""
    suggestions: Text(REVIEW_TEXT_MAX_LENGTH) = ""
    source: Choice(ON_BEHALF_SOURCES) = str(SurveySource.PHONE)
    taken_on: Annotated[
        dt.date | None,
        Field(strict=False, description="The day the client answered, YYYY-MM-DD, not in the future; default today."),
        BeforeValidator(lambda value: value if value is None else _iso_day(value)),
    ] = None


class NewNews(JsonBody):
    title: Text(NEWS_TITLE_MAX_LENGTH, required=True)
    body: Text(NEWS_BODY_MAX_LENGTH, required=True)
    audience: Annotated[
        Choice(NEWS_AUDIENCES),
        Field(
            description="`account`: the login `account_id`; `all_customers`: every active customer login; "
            "`campaign`: the customers campaign `campaign_id` reached (clients its leads became, and clients it sent "
            "a message to)."
        ),
    ]
    account_id: Identifier | None = None
    campaign_id: Identifier | None = None


class NewsCorrection(JsonBody):
    title: Text(NEWS_TITLE_MAX_LENGTH, required=True)
    body: Text(NEWS_BODY_MAX_LENGTH, required=True)
    everywhere: bool = Field(False, description="Correct every login's copy of this news, not only this one.")


class Withdrawal(JsonBody):
    everywhere: bool = Field(False, description="Withdraw every login's copy of this news, not only this one.")


# --- answers ------------------------------------------------------------------------------------------------------


class Error(Schema):
    error: str = Field(min_length=1, description="What went wrong, for a person to read.")
    details: dict[str, str] = Field(description="Per input field, what is wrong with it.")


class ClientBrief(Schema):
    id: int
    full_name: str
    email: str
    phone: str


class AccountOut(Schema):
    id: int
    username: str
    full_name: str
    client: ClientBrief | None

    @staticmethod
    def resolve_full_name(account: Account) -> str:
        if account.worker is not None:
            return account.worker.full_name
        if account.client is not None:
            return account.client.full_name
        return account.get_full_name() or account.username

    @staticmethod
    def resolve_client(account: Account):
        return account.client if account.client_id else None


class Login(Schema):
    id: int
    username: str


class ClientOut(ClientBrief):
    accounts: list[Login] = Field(description="The client's active online-banking logins (news goes to a login).")

    @staticmethod
    def resolve_accounts(client) -> list:
        return list(client.accounts.all())


class SurveyOut(Schema):
    id: int
    client: ClientBrief
    kind: Choice(SurveyKind.values)
    kind_label: str
    rating: Rating
    text: str
    suggestions: str
    source: Choice(SurveySource.values)
    source_label: str
    created_at: Moment

    @staticmethod
    def resolve_kind_label(survey) -> str:
        return str(survey.get_kind_display())

    @staticmethod
    def resolve_source_label(survey) -> str:
        return str(survey.get_source_display())


class NewsOut(Schema):
    id: int
    title: str
    body: str
    account: AccountOut
    published_at: Moment
    withdrawn_at: Moment | None


class ProductOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    interest_rate: Decimal | None = Field(description="Per cent a year; null where none applies (insurance).")

    @staticmethod
    def resolve_kind_label(product) -> str:
        return str(product.get_kind_display())


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    products: list[ProductOut] = Field(description="What the campaign promotes, with interest rates.")

    @staticmethod
    def resolve_status_label(campaign) -> str:
        return str(campaign.get_status_display())


class Page(Schema):
    count: int = Field(ge=0, description="Rows matching the filters, on all pages.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    pages: int = Field(ge=1)


class SurveyPage(Page):
    results: list[SurveyOut]


class NewsPage(Page):
    results: list[NewsOut]


Average = Annotated[float, Field(ge=1, le=5)] | None
AnyScaleAverage = Annotated[float, Field(ge=0, le=10, description="On the kind's own scale.")] | None


class RatingCount(Schema):
    rating: Rating
    count: int = Field(ge=0)


class KindFigures(Schema):
    kind: Choice(SurveyKind.values)
    label: str
    count: int = Field(ge=0)
    average_rating: AnyScaleAverage


class MonthFigures(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    count: int = Field(ge=0)
    average_rating: Average


class SurveyStatistics(Schema):
    total: int = Field(ge=0)
    average_rating: Average
    rating_distribution: list[RatingCount] = Field(min_length=5, max_length=5)
    per_kind: list[KindFigures]
    per_month: list[MonthFigures]


class Token(Schema):
    token: str = Field(min_length=32, description="Send as `Authorization: Bearer <token>`.")
    token_type: Literal["Bearer"]
    expires_at: Moment
    account: AccountOut


class Session(Schema):
    account: AccountOut
    expires_at: Moment


class SignedOut(Schema):
    signed_out: Literal[True]


class Publication(Schema):
    published: int = Field(ge=0, description="Logins that got the news now.")
    already_had: int = Field(ge=0, description="Logins that already had the same title and text, left as they were.")


class Changed(Schema):
    changed: int = Field(ge=0)


class Withdrawn(Schema):
    withdrawn: int = Field(ge=0)


class ClientList(Schema):
    results: list[ClientOut]


class CampaignList(Schema):
    results: list[CampaignOut]
