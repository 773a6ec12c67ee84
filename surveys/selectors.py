"""Reads of surveys: the product managers' filtered, sorted lists and the statistics, aggregated in the database."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet

from accounts.models import Account
from core.querying import LocalMonth, LocalWeek, local_days, ordering_for
from surveys.models import FIVE_POINT_SCALE, Survey, SurveyKind, SurveySource

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
RATINGS = FIVE_POINT_SCALE
# The average rating and its distribution are of the five-point kinds; NPS (0–10) has its own figures.
FIVE_POINT = ~Q(kind=SurveyKind.NPS)


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
        average=Avg("rating", filter=FIVE_POINT),
        **{f"rating_{rating}": Count("id", filter=FIVE_POINT & Q(rating=rating)) for rating in RATINGS},
    )
    per_kind = {
        row["kind"]: row
        for row in surveys.values("kind").annotate(count=Count("id"), average=Avg("rating")).order_by("kind")
    }
    per_month = (
        surveys.annotate(month=LocalMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"), average=Avg("rating", filter=FIVE_POINT))
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


# NPS: promoters answer 9–10, passives 7–8, detractors 0–6; the score is the promoters' share minus the
# detractors', in points from −100 to 100. CSAT: the share of 4s and 5s among CSAT answers, in per cent.
PROMOTERS = Q(kind=SurveyKind.NPS, rating__gte=9)
PASSIVES = Q(kind=SurveyKind.NPS, rating__gte=7, rating__lte=8)
DETRACTORS = Q(kind=SurveyKind.NPS, rating__lte=6)
SATISFIED = Q(kind=SurveyKind.CSAT, rating__gte=4)
TRENDS = {"week": LocalWeek, "month": LocalMonth}


def _aggregates() -> dict:
    return {
        "count": Count("id"),
        "average": Avg("rating", filter=FIVE_POINT),
        "promoters": Count("id", filter=PROMOTERS),
        "passives": Count("id", filter=PASSIVES),
        "detractors": Count("id", filter=DETRACTORS),
        "csat_answers": Count("id", filter=Q(kind=SurveyKind.CSAT)),
        "satisfied": Count("id", filter=SATISFIED),
    }


def _figures(row: dict) -> dict:
    """The figures of one aggregate row: count, average rating (five-point kinds), NPS and CSAT."""
    promoters, passives, detractors = row["promoters"], row["passives"], row["detractors"]
    nps_answers = promoters + passives + detractors
    return {
        "count": row["count"],
        "average_rating": rounded(row["average"]),
        "nps": {
            "promoters": promoters,
            "passives": passives,
            "detractors": detractors,
            "answers": nps_answers,
            "score": round(100 * (promoters - detractors) / nps_answers, 1) if nps_answers else None,
        },
        "csat": {
            "satisfied": row["satisfied"],
            "answers": row["csat_answers"],
            "score": round(100 * row["satisfied"] / row["csat_answers"], 1) if row["csat_answers"] else None,
        },
    }


def _change(current: dict, previous: dict) -> dict:
    def difference(now: float | None, before: float | None) -> float | None:
        return None if now is None or before is None else round(now - before, 2)

    return {
        "count": current["count"] - previous["count"],
        "average_rating": difference(current["average_rating"], previous["average_rating"]),
        "nps_score": difference(current["nps"]["score"], previous["nps"]["score"]),
        "csat_score": difference(current["csat"]["score"], previous["csat"]["score"]),
    }


def _next_period(start: dt.date, period: str) -> dt.date:
    if period == "week":
        return start + dt.timedelta(weeks=1)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def survey_analytics(*, period: str = "month", **filters) -> dict:
    """NPS, CSAT, count and average rating: over the filters' period and the equally long period before it (when
    both ends are given), per week or month (the bank's local calendar, grouped in the database) each with its change
    from the one before, and per kind and per source. Five aggregate queries, whatever the data.

    Surveys carry no campaign, so there is no breakdown by campaign."""
    surveys = filtered_surveys(**filters).order_by()
    previous = None
    date_from: dt.date | None = filters.get("date_from")
    date_to: dt.date | None = filters.get("date_to")
    length = date_to - date_from + dt.timedelta(days=1) if date_from and date_to else None
    if date_from and length is not None and date_from - dt.date.min >= length:  # no figures before the calendar
        before = {**filters, "date_from": date_from - length, "date_to": date_from - dt.timedelta(days=1)}
        previous = {
            "date_from": before["date_from"],
            "date_to": before["date_to"],
            **_figures(filtered_surveys(**before).aggregate(**_aggregates())),
        }
    overall = _figures(surveys.aggregate(**_aggregates()))
    buckets = {
        row["start"]: _figures(row)
        for row in surveys.annotate(start=TRENDS[period]("created_at"))
        .values("start")
        .annotate(**_aggregates())
        .order_by("start")
    }
    trend: list[dict] = []
    start = min(buckets, default=None)
    empty = _figures(dict.fromkeys(_aggregates(), 0) | {"average": None})
    while start is not None and start <= max(buckets):
        figures = buckets.get(start, empty)
        change = _change(figures, trend[-1]["figures"]) if trend else None
        trend.append({"start": start, "figures": figures, "change": change})
        start = _next_period(start, period)
    per_kind = {row["kind"]: _figures(row) for row in surveys.values("kind").annotate(**_aggregates())}
    per_source = {row["source"]: _figures(row) for row in surveys.values("source").annotate(**_aggregates())}
    return {
        "period": period,
        "overall": overall,
        "previous": previous,
        "change": _change(overall, previous) if previous else None,
        "trend": trend,
        "per_kind": [
            {"kind": kind.value, "label": str(kind.label), **per_kind.get(kind.value, empty)} for kind in SurveyKind
        ],
        "per_source": [
            {"source": source.value, "label": str(source.label), **per_source.get(source.value, empty)}
            for source in SurveySource
        ],
    }


def rounded(average: float | None) -> float | None:
    return None if average is None else round(float(average), 2)


def customer_reviews(*, account: Account) -> QuerySet[Survey]:
    """The customer's reviews and survey answers, newest first."""
    if account.client_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(client_id=account.client_id).order_by("-created_at", "-id")
