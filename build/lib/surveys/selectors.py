"""Reads of surveys: the product managers' filtered, sorted lists and the statistics, aggregated in the database."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Account
from core.querying import local_days, ordering_for
from surveys.models import Survey, SurveyKind

# The columns a product manager can sort surveys by (design rule 8), each with the fields it orders on.
SURVEY_SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "created_at": ("created_at",),
    "kind": ("kind",),
    "rating": ("rating",),
    "source": ("source",),
    "client": ("client__surname", "client__name", "client__patronymic"),
    "client_email": ("client__email",),
    "text": ("text",),
    "suggestions": ("suggestions",),
}
SURVEY_SORT_KEYS = tuple(key for column in SURVEY_SORT_FIELDS for key in (column, f"-{column}"))
RATINGS = range(1, 6)





def filtered_surveys(
    *,
    kind: str | None = None,
    source: str | None = None,
    client_id: int | None = None,
    rating: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Survey]:
    condition = local_days("created_at", date_from, date_to)
    if kind:
        condition &= Q(kind=kind)
    if source:
        condition &= Q(source=source)
    if client_id is not None:
        condition &= Q(client_id=client_id)
    if rating is not None:
        condition &= Q(rating=rating)
    return Survey.objects.filter(condition)


def surveys_for_management(*, sort: str = "-created_at", **filters) -> QuerySet[Survey]:
    """Surveys with their clients (one query per page), filtered and sorted by any column."""
    return filtered_surveys(**filters).select_related("client").order_by(*ordering_for(sort, SURVEY_SORT_FIELDS))


def survey_statistics(**filters) -> dict:
    """Count per kind, per month, average rating and its distribution: three aggregate queries, whatever the data."""
    surveys = filtered_surveys(**filters).order_by()
    overall = surveys.aggregate(
        total=Count("id"),
        average=Avg("rating"),
        **{f"rating_{rating}": Count("id", filter=Q(rating=rating)) for rating in RATINGS},
    )
    per_kind = {
        row["kind"]: row
        for row in surveys.values("kind").annotate(count=Count("id"), average=Avg("rating")).order_by("kind")
    }
    per_month = (
        surveys.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"), average=Avg("rating"))
        .order_by("month")
    )
    return {
        "total": overall["total"],
        "average_rating": rounded(overall["average"]),
        "rating_distribution": [{"rating": rating, "count": overall[f"rating_{rating}"]} for rating in RATINGS],
        "per_kind": [
            {
                "kind": kind.value,
                "label": str(kind.label),
                "count": per_kind.get(kind.value, {}).get("count", 0),
                "average_rating": rounded(per_kind.get(kind.value, {}).get("average")),
            }
            for kind in SurveyKind
        ],
        "per_month": [
            {"month": row["month"].strftime("%Y-%m"), "count": row["count"], "average_rating": rounded(row["average"])}
            for row in per_month
        ],
    }


def rounded(average: float | None) -> float | None:
    return None if average is None else round(float(average), 2)
def customer_reviews(*, account: Account) -> QuerySet[Survey]:
    """The customer's reviews and survey answers, newest first."""
    if account.client_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(client_id=account.client_id).order_by("-created_at", "-id")
