"""Writing to the audit trail. Called by the services that do the audited actions, inside their
transaction, so an action and its audit event are committed together or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from audit.models import AuditAction, AuditEvent


def record_event(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction,
    summary: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    actor_username: str = "",
) -> AuditEvent:
    """``target`` names the object acted on; an action on many rows names them by type and a shared id.
    ``actor_username`` names who acted when there is no login to point at (a failed sign-in's login name)."""
    if target is not None:
        target_type, target_id = target._meta.label, str(target.pk)
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
    )


def record_events(*, action: AuditAction, events: Sequence[tuple[models.Model, str]]) -> None:
    """Many events of one action with no person behind it (a worker's batch), as (target, summary), in one INSERT."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor_id=None,
                actor_username="",
                action=action,
                target_type=target._meta.label,
                target_id=str(target.pk),
                summary=summary[:500],
            )
            for target, summary in events
        ]
    )
