"""Every write and business rule of campaigns."""

from __future__ import annotations

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from campaigns.models import Campaign, Product


class CampaignError(Exception):
    """A campaign rule refused the request; the message is meant for a person."""


def recalculate_budget(*, campaign_id: int) -> None:
    """Budget = base amount + cost of the products, computed in one UPDATE so it cannot race."""
    product_costs = (
        Product.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign_id).update(
            budget=F("base_amount")
            + Coalesce(Subquery(product_costs, output_field=money), Value(0), output_field=money)
        )
