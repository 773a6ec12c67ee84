"""The supervisors' figures of the chat (selectors): first-response time, resolution time and customer
satisfaction per agent and per day over a period, and the live queue. Everything is computed by the database in a
fixed number of queries (five), whatever the number of conversations: plain aggregates over columns, no subquery
inside an aggregate (SQL Server refuses those).

- First response: from the customer's arrival (``created_at``) to an agent's first message
  (``first_response_at``, stamped by ``services.post_message``).
- Resolution: from arrival to closing, for the conversations an agent took and that are closed.
- CSAT: the share of ratings of 4 or 5 (of 5) among the rated conversations; the average rating beside it.

A conversation counts for the agent who holds it last (after transfers) and for the local day (Europe/Moscow)
it started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Account
from accounts.roles import CHAT_AGENTS
from chat.models import Availability, Conversation, ConversationStatus
from core.querying import local_days

SATISFIED_FROM = 4  # ratings of 4 and 5 count as satisfied (the usual CSAT on a five-point scale)
DEFAULT_PERIOD_DAYS = 7


def _duration(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


_CLOSED_BY_AGENT = Q(status=ConversationStatus.CLOSED, agent__isnull=False)
AGGREGATES = {
    "conversations": Count("pk"),
    "answered": Count("first_response_at"),
    "first_response": Avg(_duration("first_response_at", "created_at")),
    "resolved": Count("pk", filter=_CLOSED_BY_AGENT),
    "resolution": Avg(_duration("closed_at", "created_at"), filter=_CLOSED_BY_AGENT),
    "rated": Count("rating"),
    "satisfied": Count("rating", filter=Q(rating__rating__gte=SATISFIED_FROM)),
    "average_rating": Avg("rating__rating"),
}


@dataclass(frozen=True)
class FigureRow:
    """One line of the figures: an agent's, a day's or the whole period's."""

    label: str
    conversations: int
    answered: int
    first_response: dt.timedelta | None
    resolved: int
    resolution: dt.timedelta | None
    rated: int
    satisfied: int
    average_rating: float | None

    @property
    def csat(self) -> int | None:
        """Per cent of satisfied ratings, None with no rating."""
        return round(100 * self.satisfied / self.rated) if self.rated else None


@dataclass(frozen=True)
class LiveQueue:
    waiting: int
    oldest_since: dt.datetime | None
    agents_online: int

    @property
    def longest_wait(self) -> dt.timedelta | None:
        return timezone.now() - self.oldest_since if self.oldest_since else None


@dataclass(frozen=True)
class ChatFigures:
    date_from: dt.date
    date_to: dt.date
    total: FigureRow
    agents: list[FigureRow]
    days: list[FigureRow]
    queue: LiveQueue


def _row(label: str, values: dict) -> FigureRow:
    return FigureRow(label=label, **{name: values[name] for name in AGGREGATES})


def _agent_label(values: dict) -> str:
    full = f"{values['agent__first_name']} {values['agent__last_name']}".strip()
    return full or values["agent__username"]


def default_period(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last seven local days, today included."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def live_queue() -> LiveQueue:
    """How many customers wait now, since when the longest has, and how many agents are online (two queries)."""
    waiting = Conversation.objects.filter(status=ConversationStatus.WAITING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    online = Account.objects.filter(
        is_active=True, groups__name=CHAT_AGENTS, chat_settings__availability=Availability.ONLINE
    ).count()
    return LiveQueue(waiting=waiting["count"], oldest_since=waiting["oldest"], agents_online=online)


def chat_figures(*, date_from: dt.date, date_to: dt.date) -> ChatFigures:
    """The figures of the conversations started on the local days from ``date_from`` to ``date_to`` (both
    included), with the queue as it is now."""
    period: QuerySet[Conversation] = Conversation.objects.filter(local_days("created_at", date_from, date_to))
    total = _row("", period.aggregate(**AGGREGATES))
    by_agent = (
        period.filter(agent__isnull=False)
        .values("agent", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(**AGGREGATES)
        .order_by("agent__last_name", "agent__first_name", "agent")
    )
    by_day = (
        period.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**AGGREGATES)
        .order_by("day")
    )
    return ChatFigures(
        date_from=date_from,
        date_to=date_to,
        total=total,
        agents=[_row(_agent_label(values), values) for values in by_agent],
        days=[_row(values["day"].strftime("%d.%m.%Y"), values) for values in by_day],
        queue=live_queue(),
    )
