"""Campaign lifecycle and budget: draft → active ⇄ paused, active → finished (rules 3 and 4)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models, transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import Campaign, CampaignStatus, Product
from campaigns.services.errors import CampaignTransitionError
from core.money import MONEY


def recalculate_budget(*, campaign_id: int) -> None:
    """Budget = base amount + cost of the products, computed in one UPDATE so it cannot race."""
    product_costs = (
        Product.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    money: DecimalField[Decimal, Decimal] = DecimalField(**MONEY)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign_id).update(
            budget=F("base_amount")
            + Coalesce(Subquery(product_costs, output_field=money), Value(0), output_field=money)
        )


class CampaignAction(models.TextChoices):
    START = "start", gettext_lazy("start")
    PAUSE = "pause", gettext_lazy("pause")
    RESUME = "resume", gettext_lazy("resume")
    FINISH = "finish", gettext_lazy("finish")


# action: (the status it starts from, the status it leads to)
_LIFECYCLE = {
    CampaignAction.START: (CampaignStatus.DRAFT, CampaignStatus.ACTIVE),
    CampaignAction.PAUSE: (CampaignStatus.ACTIVE, CampaignStatus.PAUSED),
    CampaignAction.RESUME: (CampaignStatus.PAUSED, CampaignStatus.ACTIVE),
    CampaignAction.FINISH: (CampaignStatus.ACTIVE, CampaignStatus.FINISHED),
}


def _refusal(action: str, campaign: Campaign) -> str:
    values = {"name": campaign.name, "status": campaign.get_status_display()}
    if action == CampaignAction.START:
        return gettext("Only a draft campaign can be started; “%(name)s” is %(status)s.") % values
    if action == CampaignAction.PAUSE:
        return gettext("Only an active campaign can be paused; “%(name)s” is %(status)s.") % values
    if action == CampaignAction.RESUME:
        return gettext("Only a paused campaign can be resumed; “%(name)s” is %(status)s.") % values
    if campaign.status == CampaignStatus.PAUSED:
        return gettext("“%(name)s” is paused: resume it before finishing it.") % values
    return gettext("Only an active campaign can be finished; “%(name)s” is %(status)s.") % values


def change_campaign_status(*, campaign: Campaign, action: str, actor: Account | None = None) -> Campaign:
    """Move a campaign along its lifecycle. Starting stamps the start time (once), finishing the end time.

    The same function serves the admin actions and the staff pages; ``campaign`` is updated in place.
    """
    if action not in _LIFECYCLE:
        raise CampaignTransitionError(gettext("Unknown campaign action “%(action)s”.") % {"action": action})
    required, target = _LIFECYCLE[CampaignAction(action)]
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != required:
            raise CampaignTransitionError(_refusal(action, locked))
        now = timezone.now()
        changes: dict = {"status": target}
        if locked.started_at is None:
            changes["started_at"] = now
        if target == CampaignStatus.FINISHED:
            changes["ended_at"] = now
        Campaign.objects.filter(pk=locked.pk).update(**changes)
        record_event(
            actor=actor,
            action=AuditAction.CAMPAIGN_TRANSITION,
            target=locked,
            summary=f"{locked.name}: {locked.status} → {target}",
        )
    for name, value in {"started_at": locked.started_at, "ended_at": locked.ended_at, **changes}.items():
        setattr(campaign, name, value)
    return campaign


def start_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.START, actor=actor)


def pause_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.PAUSE, actor=actor)


def resume_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.RESUME, actor=actor)


def finish_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.FINISH, actor=actor)
