"""Writing to the audit trail. Called by the services that do the audited actions, inside their
transaction, so an action and its audit event are committed together or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, router
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from core.compiled import Insert, Slots


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
    return _insert_event(router.db_for_write(AuditEvent)).create(
        created_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
    )


@lru_cache(maxsize=8)
def _insert_event(alias: str) -> Insert[AuditEvent]:
    """The event's INSERT, compiled once: every call-queue outcome and payment writes one (issue 19)."""
    slots = Slots(
        created_at=datetime,
        actor_id=int,
        actor_username=str,
        action=str,
        target_type=str,
        target_id=str,
        summary=str,
    )
    return Insert(AuditEvent, alias=alias, slots=slots)


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
