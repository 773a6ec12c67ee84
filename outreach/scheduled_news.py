"""News published at a later time: scheduled from the API (the desktop program), withdrawn while it waits,
published by the periodic job ``outreach.publish_scheduled_news`` exactly once, however many workers run it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from outreach.models import ScheduledNews, ScheduledNewsStatus
from outreach.services import NewsError, NewsNotFound, news_errors, publish_news, refuse_news

# How far ahead news can be scheduled; earlier than a minute from now, publish it now instead.
LONGEST_WAIT = timedelta(days=366)
SHORTEST_WAIT = timedelta(minutes=1)


def schedule_news(
    *,
    title: str,
    body: str,
    audience: str,
    publish_at: datetime,
    account_id: int | None = None,
    campaign_id: int | None = None,
    actor: Account | None = None,
) -> ScheduledNews:
    """News to be published to its audience at ``publish_at`` (the audience is counted then, not now)."""
    title, body = title.strip(), body.strip()
    errors = news_errors(title=title, body=body, audience=audience, account_id=account_id, campaign_id=campaign_id)
    now = timezone.now()
    if timezone.is_naive(publish_at):
        errors["publish_at"] = _("Give the time with its time zone.")
    elif publish_at < now + SHORTEST_WAIT:
        errors["publish_at"] = _("Choose a time at least a minute from now, or publish the news now.")
    elif publish_at > now + LONGEST_WAIT:
        errors["publish_at"] = _("News can be scheduled at most a year ahead.")
    refuse_news(errors)
    with transaction.atomic():
        scheduled = ScheduledNews.objects.create(
            title=title,
            body=body,
            audience=audience,
            account_id=account_id if audience == "account" else None,
            campaign_id=campaign_id if audience == "campaign" else None,
            publish_at=publish_at,
            scheduled_by=actor,
        )
        record_event(
            actor=actor,
            action=AuditAction.NEWS_CHANGE,
            target=scheduled,
            summary=f"“{title}” ({audience}) scheduled for {publish_at.isoformat()}",
        )
    return scheduled


def withdraw_scheduled_news(*, scheduled_id: int, actor: Account | None = None) -> ScheduledNews:
    """Withdraw news that has not gone out yet; news already published is withdrawn as news (``withdraw_news``)."""
    with transaction.atomic():
        scheduled = ScheduledNews.objects.select_for_update().filter(pk=scheduled_id).first()
        if scheduled is None:
            raise NewsNotFound(_("There is no scheduled news with this number."))
        if scheduled.status != ScheduledNewsStatus.SCHEDULED:
            raise NewsError(
                _("This news is %(status)s: only news that waits can be withdrawn here.")
                % {"status": scheduled.get_status_display()}
            )
        scheduled.status, scheduled.withdrawn_at = ScheduledNewsStatus.WITHDRAWN, timezone.now()
        scheduled.save(update_fields=["status", "withdrawn_at"])
        record_event(
            actor=actor, action=AuditAction.NEWS_CHANGE, target=scheduled, summary=f"“{scheduled.title}” withdrawn"
        )
    return scheduled


def publish_due_news(*, now: datetime | None = None, limit: int = 50) -> int:
    """The periodic job: publish the news that is due, each once; how many were published.

    Each piece is taken by a conditional UPDATE (status scheduled → published) in the same transaction as its
    publication: a second worker's UPDATE matches nothing, and a worker that dies rolls both back.
    """
    now = now or timezone.now()
    due = list(
        ScheduledNews.objects.filter(status=ScheduledNewsStatus.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for pk in due:
        try:
            with transaction.atomic():
                taken = ScheduledNews.objects.filter(pk=pk, status=ScheduledNewsStatus.SCHEDULED).update(
                    status=ScheduledNewsStatus.PUBLISHED, published_at=timezone.now()
                )
                if not taken:
                    continue
                item = ScheduledNews.objects.select_related("scheduled_by").get(pk=pk)
                publication = publish_news(
                    title=item.title,
                    body=item.body,
                    audience=item.audience,
                    account_id=item.account_id,
                    campaign_id=item.campaign_id,
                    actor=item.scheduled_by,
                )
                ScheduledNews.objects.filter(pk=pk).update(published_to=publication.published)
                published += 1
        except NewsError as refusal:  # the login was closed, say, since it was scheduled
            ScheduledNews.objects.filter(pk=pk, status=ScheduledNewsStatus.SCHEDULED).update(
                status=ScheduledNewsStatus.FAILED, last_error=str(refusal)[:500]
            )
    return published
