"""The call outcomes every campaign has (system dispositions), kept present after every migrate."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import pgettext_noop

from campaigns.models import Disposition, LeadState

CONTEXT = "call outcome"  # the msgctxt of the system outcomes' names (Disposition.label)

# code, name, state it leaves the lead in, reached the person, call again after, maximum calls, hotkey
SYSTEM_DISPOSITIONS = [
    ("no_answer", pgettext_noop(CONTEXT, "No answer"), LeadState.RECYCLE, False, timedelta(hours=2), 6, "1"),
    ("busy", pgettext_noop(CONTEXT, "Busy"), LeadState.RECYCLE, False, timedelta(minutes=15), 6, "2"),
    ("voicemail", pgettext_noop(CONTEXT, "Voicemail"), LeadState.RECYCLE, False, timedelta(hours=4), 6, "3"),
    ("wrong_number", pgettext_noop(CONTEXT, "Wrong number"), LeadState.WRONG_NUMBER, False, None, None, "4"),
    ("callback", pgettext_noop(CONTEXT, "Call back"), LeadState.CALLBACK, True, None, None, "5"),
    ("interested", pgettext_noop(CONTEXT, "Interested"), LeadState.INTERESTED, True, None, None, "6"),
    ("not_interested", pgettext_noop(CONTEXT, "Not interested"), LeadState.NOT_INTERESTED, True, None, None, "7"),
    ("converted", pgettext_noop(CONTEXT, "Converted"), LeadState.CONVERTED, True, None, None, "8"),
    ("do_not_call", pgettext_noop(CONTEXT, "Do not call"), LeadState.DO_NOT_CALL, True, None, None, "9"),
]


def ensure_system_dispositions(*, using: str = "default") -> None:
    """Create the system outcomes that are missing; ones the back office has changed are left as they are."""
    with transaction.atomic(using=using):
        for position, (code, name, state, reached, recycle_after, max_attempts, hotkey) in enumerate(
            SYSTEM_DISPOSITIONS
        ):
            Disposition.objects.using(using).get_or_create(
                campaign=None,
                code=code,
                defaults={
                    "name": name,
                    "lead_state": state,
                    "reached": reached,
                    "recycle_after": recycle_after,
                    "max_attempts": max_attempts,
                    "hotkey": hotkey,
                    "position": position,
                },
            )
