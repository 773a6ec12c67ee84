"""Writing to the audit trail. Called by the services that do the audited actions, inside their
transaction, so an action and its audit event are committed together or not at all."""

from __future__ import annotations

from django.db import models

from accounts.models import Account
from audit.models import AuditAction, AuditEvent


def record_event(*, actor: Account | None, action: AuditAction, target: models.Model, summary: str) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        summary=summary[:500],
    )
