"""Saved replies: agents keep their own, the back office keeps the team's (admin), and the desk inserts one
when the agent types ``/shortcut``. Placeholders are filled for the conversation (``fill``)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from chat.models import MAX_MESSAGE_LENGTH, MAX_SHORTCUT_LENGTH, SHORTCUT_PATTERN, Conversation, SavedReply
from chat.selectors import display_name, is_chat_agent
from chat.services import ChatError, NotAllowed

PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = ("first_name", "last_name", "full_name", "agent_first_name", "agent_name")


class ReplyRefused(ChatError):
    code = "invalid"
    default_message = _("The saved reply could not be kept.")


def placeholder_values(conversation: Conversation, agent: Account) -> dict[str, str]:
    """Expects ``customer`` loaded with the conversation."""
    customer = conversation.customer
    return {
        "first_name": customer.first_name or display_name(customer),
        "last_name": customer.last_name,
        "full_name": display_name(customer),
        "agent_first_name": agent.first_name or display_name(agent),
        "agent_name": display_name(agent),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Each known ``{placeholder}`` replaced by its value in one pass: a value is never read as a template
    (a customer named "{agent_name}" stays that), nothing but the listed names can be reached (unlike
    ``str.format``), unknown placeholders stay as written, and the result is plain text like any message."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)[:MAX_MESSAGE_LENGTH]


def _clean(shortcut, text) -> tuple[str, str]:
    if not isinstance(shortcut, str) or not re.match(SHORTCUT_PATTERN, shortcut.strip().lstrip("/").lower()):
        raise ReplyRefused(_("A shortcut is made of Latin letters, digits, “-” and “_”."))
    shortcut = shortcut.strip().lstrip("/").lower()
    if len(shortcut) > MAX_SHORTCUT_LENGTH:
        raise ReplyRefused(_("A shortcut may be at most %(limit)s characters long.") % {"limit": MAX_SHORTCUT_LENGTH})
    if not isinstance(text, str) or not text.strip():
        raise ReplyRefused(_("The reply is empty."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ReplyRefused(_("A reply may be at most %(limit)s characters long.") % {"limit": MAX_MESSAGE_LENGTH})
    return shortcut, text.strip()


def save_personal_reply(*, agent: Account, shortcut: str, text: str) -> SavedReply:
    """An agent's own reply; saving a shortcut they already have replaces its text."""
    if not is_chat_agent(agent):
        raise NotAllowed(_("Only chat agents have saved replies."))
    shortcut, text = _clean(shortcut, text)
    try:
        with transaction.atomic():
            reply, _created = SavedReply.objects.update_or_create(
                owner=agent, shortcut=shortcut, defaults={"text": text}
            )
    except IntegrityError:  # the same shortcut saved twice at once: the other one was stored
        raise ReplyRefused(_("That shortcut was just saved; try again.")) from None
    return reply


def delete_personal_reply(*, agent: Account, reply_id: int) -> None:
    """Agents delete their own replies only; team-wide ones are the back office's."""
    with transaction.atomic():
        deleted, _rows = SavedReply.objects.filter(pk=reply_id, owner=agent).delete()
    if not deleted:
        raise NotAllowed(_("There is no such reply among yours."))
