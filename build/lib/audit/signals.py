"""Admin changes are recorded by Django as LogEntry rows; each one is copied into the audit trail."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import AuditAction, AuditEvent

_ADMIN_ACTIONS = {ADDITION: AuditAction.ADMIN_ADD, CHANGE: AuditAction.ADMIN_CHANGE, DELETION: AuditAction.ADMIN_DELETE}


@receiver(post_save, sender=LogEntry)
def copy_admin_change(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    change = instance.get_change_message()
    AuditEvent.objects.create(
        actor_id=instance.user_id,
        actor_username=instance.user.get_username(),
        action=_ADMIN_ACTIONS[instance.action_flag],
        target_type=model._meta.label if model else "",
        target_id=instance.object_id or "",
        summary=f"{instance.object_repr}" + (f": {change}" if change else ""),
    )
