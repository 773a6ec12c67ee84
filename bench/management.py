"""Management API: survey statistics and sorted survey lists over 100,000 surveys.

Measured in this process through the selectors the API calls (``surveys.selectors``, with the API's
output schema ``api.schemas.SurveyPage`` for the lists), against the equivalent raw SQL: the same aggregates
(months in the bank's time zone) and the same ORDER BY … LIMIT/OFFSET with the client joined. Then each
endpoint once more through the whole HTTP layer (Django test client, bearer token, middleware, JSON), to
show what the layer adds. Each figure is the median of several repeats.
"""

from __future__ import annotations

import datetime
import random
import time

from django.conf import settings
from django.db import connection
from django.test import Client as TestClient
from django.utils import timezone

from accounts.roles import PRODUCT_MANAGERS
from api.schemas import SurveyPage
from api.services import issue_token
from api.views import page_of
from bench import data
from bench.stats import median, ratio
from surveys import selectors
from surveys.models import Survey, SurveyKind, SurveySource

PAGE_SIZE = 50
WORDS = [
    "карта",
    "вклад",
    "кредит",
    "перевод",
    "приложение",
    "отделение",
    "кэшбэк",
    "ставка",
    "лимит",
    "курс",
    "чат",
    "оператор",
]
# Sort keys as the API takes them, and the columns of the equivalent raw ORDER BY.
SORTS = {
    "-created_at": "s.created_at DESC, s.id DESC",
    "rating": "s.rating ASC, s.id ASC",
    "client": "c.surname ASC, c.name ASC, c.patronymic ASC, s.id ASC",
    "text": "s.text ASC, s.id ASC",
}


def make_surveys(count: int, *, clients: int) -> None:
    people = data.customers(clients, prefix="survey")
    client_ids = [person.client_id for person in people]
    rng = random.Random(8)
    now = timezone.now()
    # Five-point kinds only: the statistics measured here leave NPS (0–10) out of the average (surveys.selectors).
    kinds = [kind for kind in SurveyKind.values if kind != SurveyKind.NPS]
    sources = SurveySource.values
    batch = []
    for n in range(count):
        batch.append(
            Survey(
                client_id=client_ids[n % len(client_ids)],
                kind=kinds[rng.randrange(len(kinds))],
                text=" ".join(rng.choices(WORDS, k=rng.randint(3, 12))),
                suggestions=" ".join(rng.choices(WORDS, k=rng.randint(0, 5))),
                rating=rng.randint(1, 5),
                created_at=now - datetime.timedelta(seconds=rng.randrange(2 * 365 * 24 * 3600)),
                source=sources[rng.randrange(len(sources))],
            )
        )
        if len(batch) == 10_000:
            Survey.objects.bulk_create(batch, batch_size=data.BATCH)
            batch = []
    Survey.objects.bulk_create(batch, batch_size=data.BATCH)


def raw_statistics() -> dict:
    """The selector's three aggregates in plain SQL, assembled into the same figures."""
    zone = settings.TIME_ZONE
    if connection.vendor == "postgresql":
        month = "to_char(created_at AT TIME ZONE %s, 'YYYY-MM')"
        month_parameters = [zone]
    else:  # SQLite has no time zones: shift by the zone's offset now (Moscow has kept one since 2014)
        offset = int(timezone.localtime(timezone.now()).utcoffset().total_seconds() // 60)
        month = "strftime('%%Y-%%m', created_at, %s)"
        month_parameters = [f"{offset:+d} minutes"]
    distribution = ", ".join(f"SUM(CASE WHEN rating = {n} THEN 1 ELSE 0 END)" for n in range(1, 6))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), AVG(rating), {distribution} FROM surveys_survey")
        total, average, *ratings = cursor.fetchone()
        cursor.execute("SELECT kind, COUNT(*), AVG(rating) FROM surveys_survey GROUP BY kind ORDER BY kind")
        per_kind = cursor.fetchall()
        cursor.execute(
            f"SELECT {month} AS month, COUNT(*), AVG(rating) FROM surveys_survey GROUP BY 1 ORDER BY 1",
            month_parameters,
        )
        per_month = cursor.fetchall()
    return {
        "total": total,
        "average_rating": selectors.rounded(average),
        "rating_distribution": [{"rating": n, "count": count} for n, count in enumerate(ratings, 1)],
        "per_kind": [{"kind": kind, "count": n, "average_rating": selectors.rounded(avg)} for kind, n, avg in per_kind],
        "per_month": [{"month": m, "count": n, "average_rating": selectors.rounded(avg)} for m, n, avg in per_month],
    }


def raw_page(order_by: str, page: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM surveys_survey")
        (count,) = cursor.fetchone()
        cursor.execute(
            "SELECT s.id, s.kind, s.rating, s.text, s.suggestions, s.created_at, s.source, c.id, c.surname, c.name,"
            " c.patronymic, c.email, c.phone FROM surveys_survey s JOIN accounts_client c ON c.id = s.client_id"
            f" ORDER BY {order_by} LIMIT %s OFFSET %s",
            [PAGE_SIZE, (page - 1) * PAGE_SIZE],
        )
        rows = cursor.fetchall()
    return {"count": count, "results": rows}


def selector_page(sort: str, page: int) -> dict:
    surveys = selectors.surveys_for_management(sort=sort)
    return SurveyPage.model_validate(page_of(surveys, page=page, page_size=PAGE_SIZE)).model_dump()


def timed(function, repeats: int) -> tuple[float, object]:
    """Median seconds of ``repeats`` calls (after one unmeasured call that warms caches), and the last answer."""
    answer = function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = function()
        times.append(time.perf_counter() - started)
    return median(times), answer


def _same_statistics(ours: dict, raw: dict) -> bool:
    return (
        ours["total"] == raw["total"]
        and ours["average_rating"] == raw["average_rating"]
        and ours["rating_distribution"] == raw["rating_distribution"]
        and [row["count"] for row in ours["per_month"]] == [row["count"] for row in raw["per_month"]]
        and sum(row["count"] for row in ours["per_kind"]) == raw["total"]
    )


def run(parameters: dict) -> dict:
    started = time.perf_counter()
    make_surveys(parameters["surveys"], clients=parameters["clients"])
    setup_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    repeats = parameters["repeats"]
    deep_page = max(1, parameters["surveys"] // PAGE_SIZE // 2)
    operations = []

    statistics_time, ours = timed(selectors.survey_statistics, repeats)
    raw_time, raw = timed(raw_statistics, repeats)
    operations.append(
        {
            "operation": "statistics",
            "selector_ms": round(statistics_time * 1000, 2),
            "raw_sql_ms": round(raw_time * 1000, 2),
            "ratio": ratio(statistics_time, raw_time),
            "same_answer": _same_statistics(ours, raw),
        }
    )
    for sort, order_by in SORTS.items():
        for page in (1, deep_page):
            selector_time, ours = timed(lambda sort=sort, page=page: selector_page(sort, page), repeats)
            raw_time, raw = timed(lambda order_by=order_by, page=page: raw_page(order_by, page), repeats)
            operations.append(
                {
                    "operation": f"list sort={sort} page={page}",
                    "selector_ms": round(selector_time * 1000, 2),
                    "raw_sql_ms": round(raw_time * 1000, 2),
                    "ratio": ratio(selector_time, raw_time),
                    "same_answer": [row["id"] for row in ours["results"]] == [row[0] for row in raw["results"]],
                }
            )

    (manager,) = data.staff(1, prefix="pm", group=PRODUCT_MANAGERS)
    _token, secret = issue_token(account=manager, user_agent="bench")
    client = TestClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    http = []
    for name, path, selector_ms in (
        ("statistics", "/api/v1/surveys/statistics", operations[0]["selector_ms"]),
        ("list sort=rating page=1", "/api/v1/surveys?sort=rating&page_size=50", operations[3]["selector_ms"]),
    ):

        def call(path=path):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
            return response

        http_time, _response = timed(call, repeats)
        http.append(
            {
                "endpoint": path,
                "operation": name,
                "http_ms": round(http_time * 1000, 2),
                "selector_ms": selector_ms,
                "http_layer_ms": round(http_time * 1000 - selector_ms, 2),
            }
        )
    return {
        "vendor": connection.vendor,
        "surveys": Survey.objects.count(),
        "setup_seconds": round(setup_seconds, 1),
        "repeats": repeats,
        "operations": operations,
        "http": http,
        "correct": all(operation["same_answer"] for operation in operations),
    }
