"""The calling-hours offsets of the leads already in campaigns (the system outcomes: post_migrate)."""

from django.db import migrations
from django.utils import timezone

from core.phones import utc_offset_bounds


def set_utc_offsets(apps, schema_editor):
    CampaignLead = apps.get_model("campaigns", "CampaignLead")
    now = timezone.now()
    for campaign_lead in CampaignLead.objects.select_related("lead").iterator():
        low, high = utc_offset_bounds(campaign_lead.lead.phone, time_zone=campaign_lead.lead.time_zone, at=now)
        CampaignLead.objects.filter(pk=campaign_lead.pk).update(utc_offset_min=low, utc_offset_max=high)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_call_centre")]

    operations = [
        migrations.RunPython(set_utc_offsets, migrations.RunPython.noop),
    ]
