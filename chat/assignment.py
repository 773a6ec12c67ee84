"""Who serves which conversation: agents' availability and capacity, automatic assignment, transfers and
private notes (protocol: docs/chat-protocol.md, desk socket).

A waiting conversation goes to the online agent with the fewest active conversations who is below their
capacity (ties: the one who was given a conversation longest ago). Assignment runs whenever that can change
the answer: a conversation starts or returns to the queue, an agent comes online, a conversation closes.
Manual claiming (services.claim_conversation) stays, and is not bound by the capacity.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.roles import CHAT_AGENTS
from audit.models import AuditAction
from audit.services import record_event
from chat import events
from chat.models import (
    MAX_NOTE_LENGTH,
    AgentSettings,
    Availability,
    Conversation,
    ConversationNote,
    ConversationStatus,
)
from chat.selectors import is_chat_agent
from chat.services import ChatError, ConversationClosed, ConversationNotFound, NotAllowed

# How many waiting conversations one pass hands out at most (the rest wait for the next event).
ASSIGN_BATCH = 50


class InvalidAvailability(ChatError):
    code = "invalid"
    default_message = _("Choose online, busy or away.")


class TransferRefused(ChatError):
    code = "transfer_refused"
    default_message = _("The conversation cannot be handed to that agent.")


class InvalidNote(ChatError):
    code = "invalid"
    default_message = _("The note is empty.")


def agent_settings(*, agent: Account) -> AgentSettings:
    """The agent's settings, made with the defaults (away, default capacity) the first time they are asked for."""
    return AgentSettings.objects.get_or_create(agent=agent)[0]


def set_availability(*, agent: Account, availability: str) -> AgentSettings:
    """The agent says they are online, busy or away. Coming online hands them waiting conversations."""
    if not is_chat_agent(agent):
        raise NotAllowed(_("Only chat agents have an availability."))
    if availability not in Availability.values:
        raise InvalidAvailability()
    with transaction.atomic():
        settings = agent_settings(agent=agent)
        AgentSettings.objects.filter(pk=settings.pk).update(availability=availability, changed_at=timezone.now())
        settings.refresh_from_db()
        if availability == Availability.ONLINE:
            assign_waiting()
    return settings


def _open_counts():
    return (
        Conversation.objects.filter(agent=OuterRef("agent"), status=ConversationStatus.ACTIVE)
        .order_by()
        .values("agent")
        .annotate(total=Count("pk"))
        .values("total")
    )


def _last_claims():
    return (
        Conversation.objects.filter(agent=OuterRef("agent"))
        .order_by()
        .values("agent")
        .annotate(last=Max("claimed_at"))
        .values("last")
    )


def _candidates() -> list[int]:
    """Ids of agents who may be given a conversation now, the best first."""
    rows = (
        AgentSettings.objects.filter(
            availability=Availability.ONLINE, agent__is_active=True, agent__groups__name=CHAT_AGENTS
        )
        .annotate(open=Coalesce(Subquery(_open_counts()), Value(0)), last_claim=Subquery(_last_claims()))
        .filter(open__lt=F("capacity"))
        .order_by("open", F("last_claim").asc(nulls_first=True), "agent_id")
    )
    return list(rows.values_list("agent_id", flat=True))


def _give(conversation: Conversation, agent_id: int) -> bool:
    """Give the conversation to the agent if they are still online and below capacity. Their settings row is
    locked first (on a server database), so that two processes assigning at once cannot overfill them."""
    settings = AgentSettings.objects.select_for_update().filter(agent_id=agent_id).first()
    if settings is None or settings.availability != Availability.ONLINE:
        return False
    active = Conversation.objects.filter(agent_id=agent_id, status=ConversationStatus.ACTIVE).count()
    if active >= settings.capacity:
        return False
    won = (
        Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.WAITING)
        .exclude(customer_id=agent_id)
        .update(status=ConversationStatus.ACTIVE, agent_id=agent_id, claimed_at=timezone.now())
    )
    if won:
        events.publish_conversation_on_commit(conversation.pk)
    return bool(won)


def assign_waiting() -> int:
    """Hand waiting conversations, oldest first, to available agents; returns how many were handed out.
    An agent who sent a conversation back to the queue is not given it again (they may still claim it)."""
    assigned = 0
    with transaction.atomic():
        waiting = list(
            Conversation.objects.filter(status=ConversationStatus.WAITING).order_by("created_at", "id")[:ASSIGN_BATCH]
        )
        for conversation in waiting:
            candidates = _candidates()
            if not candidates:
                break  # nobody can take anything more
            for agent_id in candidates:
                if agent_id in (conversation.customer_id, conversation.returned_by_id):
                    continue
                if _give(conversation, agent_id):
                    assigned += 1
                    break
    return assigned


def _clean_note(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidNote()
    text = text.strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidNote(_("A note may be at most %(limit)s characters long.") % {"limit": MAX_NOTE_LENGTH})
    return text


def _write_note(conversation_id: int, author: Account, text: str) -> ConversationNote:
    note = ConversationNote.objects.create(conversation_id=conversation_id, author=author, text=text)
    note.author = author
    transaction.on_commit(lambda: events.publish_note(note))
    return note


def add_note(*, conversation_id: int, author: Account, text: str) -> ConversationNote:
    """A private note by the conversation's agent: other agents who take it over read it; the customer never."""
    text = _clean_note(text)
    with transaction.atomic():
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            raise ConversationNotFound()
        if conversation.agent_id != author.pk or not is_chat_agent(author):
            raise NotAllowed(_("Only the conversation's agent can write notes in it."))
        return _write_note(conversation_id, author, text)


def _may_reassign_any(account: Account) -> bool:
    """The back office (staff with the right to change conversations) hands any open conversation on."""
    return account.is_staff and account.has_perm("chat.change_conversation")


def transfer_conversation(
    *, conversation_id: int, by: Account, to_agent_id: int | None, note: str = ""
) -> Conversation:
    """Hand an open conversation to another chat agent (``to_agent_id``) or back to the queue (None), optionally
    with a private note for whoever takes it next. Two kinds of people may: the conversation's own agent (an
    active conversation they hold), and the back office (any open one, from the admin). The former agent is not
    given it again automatically; its customer, the former agent and every desk are told; audited."""
    note = _clean_note(note) if isinstance(note, str) and note.strip() else ""
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of the outer join to the agent.
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None:
            raise ConversationNotFound()
        own = conversation.agent_id == by.pk and is_chat_agent(by)
        if not own and not _may_reassign_any(by):
            raise NotAllowed(_("Only the conversation's agent can hand it over."))
        if conversation.status == ConversationStatus.CLOSED:
            raise ConversationClosed()
        target = None
        if to_agent_id is not None:
            target = Account.objects.filter(pk=to_agent_id).first()
            if target is None or (own and target.pk == by.pk):
                raise TransferRefused()
            if not is_chat_agent(target):
                raise TransferRefused(_("%(name)s is not a chat agent.") % {"name": target.get_username()})
            if target.pk == conversation.customer_id:
                raise TransferRefused(_("An agent cannot serve their own conversation."))
        if conversation.agent_id == to_agent_id:
            return Conversation.objects.select_related("customer", "agent").get(pk=conversation_id)
        former = conversation.agent
        changes: dict[str, object]
        if target is None:
            changes = {"status": ConversationStatus.WAITING, "agent": None, "claimed_at": None}
            if former is not None:
                changes["returned_by"] = former
        else:
            changes = {"status": ConversationStatus.ACTIVE, "agent": target, "claimed_at": timezone.now()}
        Conversation.objects.filter(pk=conversation_id).update(**changes)
        if note:
            _write_note(conversation_id, by, note)
        record_event(
            actor=by,
            action=AuditAction.CHAT_REASSIGN,
            target=conversation,
            summary=f"{conversation}: {former.get_username() if former else '—'} → "
            f"{target.get_username() if target else '—'}",
        )
        events.publish_conversation_on_commit(conversation_id)
        if target is None:
            assign_waiting()
    return Conversation.objects.select_related("customer", "agent").get(pk=conversation_id)
