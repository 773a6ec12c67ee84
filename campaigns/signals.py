"""Keep a campaign's budget current whatever path changes its products (admin, API, shell); keep the system
call outcomes present after every migrate."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigns.models import Product
from campaigns.services import recalculate_budget


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def product_changed(sender, instance: Product, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    recalculate_budget(campaign_id=instance.campaign_id)
    moved_from = getattr(instance, "loaded_campaign_id", None)
    if moved_from not in (None, instance.campaign_id):
        recalculate_budget(campaign_id=moved_from)
    # The same object may be saved again after moving to another campaign: remember where it is now.
    instance.loaded_campaign_id = instance.campaign_id


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    from campaigns.services.dispositions import ensure_system_dispositions

    ensure_system_dispositions(using=using)
