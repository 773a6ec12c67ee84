"""The call outcomes every campaign has (system dispositions), kept present after every migrate."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import translation
from django.utils.translation import pgettext_lazy

from campaigns.models import Disposition, LeadState

CONTEXT = "call outcome"  # the msgctxt of the system outcomes' names (Disposition.label)

# code, name, state it leaves the lead in, reached the person, call again after, maximum calls, hotkey
SYSTEM_DISPOSITIONS = [
    ("no_answer", pgettext_lazy(CONTEXT, "No answer"), LeadState.RECYCLE, False, timedelta(hours=2), 6, "1"),
    ("busy", pgettext_lazy(CONTEXT, "Busy"), LeadState.RECYCLE, False, timedelta(minutes=15), 6, "2"),
    ("voicemail", pgettext_lazy(CONTEXT, "Voicemail"), LeadState.RECYCLE, False, timedelta(hours=4), 6, "3"),
    ("wrong_number", pgettext_lazy(CONTEXT, "Wrong number"), LeadState.WRONG_NUMBER, False, None, None, "4"),
    ("callback", pgettext_lazy(CONTEXT, "Call back"), LeadState.CALLBACK, True, None, None, "5"),
    ("interested", pgettext_lazy(CONTEXT, "Interested"), LeadState.INTERESTED, True, None, None, "6"),
    ("not_interested", pgettext_lazy(CONTEXT, "Not interested"), LeadState.NOT_INTERESTED, True, None, None, "7"),
    ("converted", pgettext_lazy(CONTEXT, "Converted"), LeadState.CONVERTED, True, None, None, "8"),
    ("do_not_call", pgettext_lazy(CONTEXT, "Do not call"), LeadState.DO_NOT_CALL, True, None, None, "9"),
]


def ensure_system_dispositions(*, using: str = "default") -> None:
    """Create the system outcomes that are missing; ones the back office has changed are left as they are."""
    with transaction.atomic(using=using):
        for position, (code, name, state, reached, recycle_after, max_attempts, hotkey) in enumerate(
            SYSTEM_DISPOSITIONS
        ):
            with translation.override(None):
                stored_name = str(name)  # the English msgid; Disposition.label translates it when shown
            Disposition.objects.using(using).get_or_create(
                campaign=None,
                code=code,
                defaults={
                    "name": stored_name,
                    "lead_state": state,
                    "reached": reached,
                    "recycle_after": recycle_after,
                    "max_attempts": max_attempts,
                    "hotkey": hotkey,
                    "position": position,
                },
            )
