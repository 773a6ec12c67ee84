"""Every write of the chat: starting, claiming, messaging, closing and rating a conversation.

Each change is committed before anyone hears of it (events are published on commit), so a client
that reconnects and asks for what it missed finds it in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, router, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Account
from audit.models import AuditAction
from audit.services import record_event
from chat import events
from chat import message_statements as statements
from chat.message_statements import OPEN_STATUSES
from chat.models import MAX_MESSAGE_LENGTH, ChatAttachment, ChatMessage, Conversation, ConversationStatus
from chat.selectors import SignIn, is_chat_agent, is_customer, session_is_current
from surveys.models import Survey, SurveyKind, SurveySource

MAX_TOPIC_LENGTH = 200
MAX_CLIENT_MESSAGE_ID_LENGTH = 64
MAX_OPEN_CONVERSATIONS = 3
MAX_RATING_COMMENT_LENGTH = 2000


class ChatError(Exception):
    """A chat request refused; ``code`` is stable for programs, the message is for people."""

    code = "chat_error"
    default_message: StrOrPromise = _("The chat could not do that.")

    def __init__(self, message=None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class SessionEnded(ChatError):
    """The chat socket's session no longer signs its user in: the frame is refused and the socket closed."""

    code = "session_ended"
    default_message = _("Your session has ended; sign in again.")


class ConversationNotFound(ChatError):
    code = "not_found"
    default_message = _("There is no such conversation.")


class NotAllowed(ChatError):
    code = "not_allowed"
    default_message = _("You may not do that in this conversation.")


class AlreadyClaimed(ChatError):
    code = "already_claimed"
    default_message = _("Another agent has already taken this conversation.")


class ConversationClosed(ChatError):
    code = "closed"
    default_message = _("This conversation is closed.")


class InvalidMessage(ChatError):
    code = "invalid"
    default_message: StrOrPromise = _("The message is empty.")


class MessageTooLong(InvalidMessage):
    code = "too_long"
    default_message = format_lazy(_("A message may be at most {limit} characters long."), limit=MAX_MESSAGE_LENGTH)


class TooManyOpenConversations(ChatError):
    code = "too_many_open"
    default_message = format_lazy(
        _("You already have {limit} open conversations; close one before starting another."),
        limit=MAX_OPEN_CONVERSATIONS,
    )


class RatingRefused(ChatError):
    code = "rating_refused"
    default_message = _("This conversation cannot be rated.")


def start_conversation(*, customer: Account, topic: str = "") -> Conversation:
    """A customer asks for an agent: the conversation waits in the queue until one claims it."""
    if not is_customer(customer):
        raise NotAllowed(_("Only customers of the bank can start a chat."))
    topic = " ".join(topic.split())
    if len(topic) > MAX_TOPIC_LENGTH:
        raise ChatError(format_lazy(_("The topic may be at most {limit} characters long."), limit=MAX_TOPIC_LENGTH))
    with transaction.atomic():
        if Conversation.objects.filter(customer=customer, status__in=OPEN_STATUSES).count() >= MAX_OPEN_CONVERSATIONS:
            raise TooManyOpenConversations()
        conversation = Conversation.objects.create(customer=customer, topic=topic)
        events.publish_conversation_on_commit(conversation.pk)
        _assign_waiting()
    conversation.refresh_from_db()
    return conversation


def _assign_waiting() -> None:
    """Hand waiting conversations to available agents (chat/assignment.py, which builds on this module)."""
    from chat.assignment import assign_waiting

    assign_waiting()


def claim_conversation(*, conversation_id: int, agent: Account) -> Conversation:
    """An agent takes a waiting conversation. Of agents claiming at once exactly one wins: the conditional
    UPDATE changes the row for the first of them only, and the row count tells each which they were."""
    if not is_chat_agent(agent):
        raise NotAllowed(_("Only chat agents can take conversations."))
    with transaction.atomic():
        won = (
            Conversation.objects.filter(pk=conversation_id, status=ConversationStatus.WAITING)
            .exclude(customer=agent)
            .update(status=ConversationStatus.ACTIVE, agent=agent, claimed_at=timezone.now())
        )
        conversation = Conversation.objects.select_related("customer", "agent").filter(pk=conversation_id).first()
        if conversation is None:
            raise ConversationNotFound()
        if not won:
            if conversation.customer_id == agent.pk:
                raise NotAllowed(_("You cannot serve your own conversation."))
            if conversation.status == ConversationStatus.CLOSED:
                raise ConversationClosed()
            if conversation.agent_id != agent.pk:
                raise AlreadyClaimed()
            return conversation  # this agent had already claimed it: claiming twice is harmless
        events.publish_conversation_on_commit(conversation.pk)
    return conversation


def check_participant(conversation: Conversation, account: Account) -> None:
    """Only the conversation's customer and its agent write in it."""
    if conversation.customer_id == account.pk:
        return
    if conversation.agent_id is not None and conversation.agent_id == account.pk:
        return
    raise NotAllowed()


def _clean_client_message_id(client_message_id) -> str:
    if not isinstance(client_message_id, str) or not client_message_id.strip():
        raise InvalidMessage(_("Every message needs the sender's own id (client_id)."))
    if len(client_message_id) > MAX_CLIENT_MESSAGE_ID_LENGTH:
        raise InvalidMessage(
            format_lazy(
                _("The sender's message id may be at most {limit} characters long."),
                limit=MAX_CLIENT_MESSAGE_ID_LENGTH,
            )
        )
    return client_message_id


def _clean_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidMessage()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong()
    if "\x00" in text:
        raise InvalidMessage(_("The message contains a character that cannot be stored."))
    return text


def post_message(
    *,
    conversation_id: int,
    sender: Account,
    client_message_id: str,
    text: str,
    attachment: ChatAttachment | None = None,
    signed_in: SignIn | None = None,
) -> tuple[ChatMessage, bool]:
    """Store a message as the conversation's next number (``seq``), then publish it. Returns (message, created):
    a message resent with the same client_message_id is stored once, and the resend gets the stored one back.
    An agent's answer in a conversation left outside business hours is also e-mailed (chat/offline.py).
    ``signed_in``: a chat socket's session, refused with SessionEnded once it no longer signs the sender in."""
    new = NewMessage(
        alias=router.db_for_write(ChatMessage),
        conversation_id=conversation_id,
        sender=sender,
        client_message_id=_clean_client_message_id(client_message_id),
        text=_clean_text(text),
        attachment=attachment,
        signed_in=signed_in,
    )
    try:
        message = _store_in_one_round_trip(new)
        if message is not None:
            return message, True
        return _store_in_a_transaction(new)
    except IntegrityError:
        # Sent before (a resend after a reconnect), or twice at once on two connections: the stored copy.
        stored = _stored(conversation_id=conversation_id, sender=sender, client_message_id=new.client_message_id)
        return stored.get(), False


@dataclass(frozen=True)
class NewMessage:
    alias: str
    conversation_id: int
    sender: Account
    client_message_id: str
    text: str
    attachment: ChatAttachment | None
    signed_in: SignIn | None

    def session(self) -> dict[str, str]:
        """The values of the number's session check (chat/message_statements.py), if a socket sent it."""
        if self.signed_in is None:
            return {}
        return {"session_key": self.signed_in.session_key, "password": self.signed_in.password}


def _store_in_one_round_trip(new: NewMessage) -> ChatMessage | None:
    """On a database server, outside a transaction: the stored message, or None if no number was taken (a refusal,
    or an answer to be e-mailed too: the three statements tell which)."""
    statement = statements.store_message(new.alias, signed_in=new.signed_in is not None)
    if statement is None or transaction.get_connection(new.alias).in_atomic_block:
        return None
    now = timezone.now()
    row = statement.run(
        conversation=new.conversation_id,
        sender=new.sender.pk,
        now=now,
        client_message_id=new.client_message_id,
        text=new.text,
        attachment_id=new.attachment.pk if new.attachment is not None else None,
        **new.session(),
    )
    if row is None:
        return None
    message = ChatMessage(
        pk=row.message_id,
        conversation_id=new.conversation_id,
        sender=new.sender,
        client_message_id=new.client_message_id,
        seq=row.seq,
        text=new.text,
        created_at=now,
        attachment=new.attachment,
    )
    message._state.adding, message._state.db = False, new.alias
    _publish_on_commit(message, customer_id=row.customer_id, alias=new.alias)  # committed: published now
    return message


def _store_in_a_transaction(new: NewMessage) -> tuple[ChatMessage, bool]:
    """Three statements between BEGIN and COMMIT (chat/message_statements.py), and the e-mail of an answer to a
    conversation left outside business hours in the same transaction."""
    alias = new.alias
    with transaction.atomic(using=alias):
        # Taking the next number locks the conversation's row until commit, so messages sent at once are
        # numbered one after another; a refused insert rolls its number back (no gaps).
        if not statements.take_next_number(alias, signed_in=new.signed_in is not None).execute(
            conversation=new.conversation_id, sender=new.sender.pk, now=timezone.now(), **new.session()
        ):
            stored = _not_taken(
                conversation_id=new.conversation_id,
                sender=new.sender,
                client_message_id=new.client_message_id,
                signed_in=new.signed_in,
            )
            return stored, False
        conversation = statements.numbered(alias).first(conversation=new.conversation_id)
        assert conversation is not None  # its row is locked by the UPDATE above
        message = statements.new_message(alias).create(
            conversation_id=new.conversation_id,
            sender_id=new.sender.pk,
            client_message_id=new.client_message_id,
            seq=conversation.last_message_seq,
            text=new.text,
            created_at=timezone.now(),
            attachment_id=new.attachment.pk if new.attachment is not None else None,
        )
        message.sender, message.attachment = new.sender, new.attachment
        if conversation.reply_email and new.sender.pk != conversation.customer_id:
            from chat.offline import email_answer  # offline.py builds on this module

            email_answer(conversation=conversation, message=message)
        _publish_on_commit(message, customer_id=conversation.customer_id, alias=alias)
    return message, True


def _publish_on_commit(message: ChatMessage, *, customer_id: int, alias: str) -> None:
    transaction.on_commit(lambda: events.publish_message(message, customer_id=customer_id), using=alias)
    if message.seq == 1:
        events.publish_conversation_on_commit(message.conversation_id, queue_moved=False)  # the desks show it


def _stored(*, conversation_id: int, sender: Account, client_message_id: str) -> QuerySet[ChatMessage]:
    """The sender's message stored under this id, if any (built only off the hot path: a resend or a refusal)."""
    return ChatMessage.objects.select_related("sender").filter(
        conversation_id=conversation_id, sender=sender, client_message_id=client_message_id
    )


def _not_taken(
    *, conversation_id: int, sender: Account, client_message_id: str, signed_in: SignIn | None
) -> ChatMessage:
    """Why the conversation took no message from the sender: raises the refusal, or returns the stored copy of a
    message resent after the conversation closed."""
    if signed_in is not None and not session_is_current(session_key=signed_in.session_key, user=sender):
        raise SessionEnded()
    conversation = Conversation.objects.only("customer_id", "agent_id", "status").filter(pk=conversation_id).first()
    if conversation is None:
        raise ConversationNotFound()
    check_participant(conversation, sender)
    if conversation.status == ConversationStatus.CLOSED:
        existing = _stored(conversation_id=conversation_id, sender=sender, client_message_id=client_message_id).first()
        if existing is not None:
            return existing
        raise ConversationClosed()
    raise NotAllowed()  # the conversation changed hands while the message was on its way


def close_conversation(*, conversation_id: int, by: Account) -> Conversation:
    """The customer or the agent ends the conversation; closing a closed one changes nothing."""
    with transaction.atomic():
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            raise ConversationNotFound()
        check_participant(conversation, by)
        closed = Conversation.objects.filter(pk=conversation_id, status__in=OPEN_STATUSES).update(
            status=ConversationStatus.CLOSED, closed_at=timezone.now()
        )
        if closed:
            events.publish_conversation_on_commit(conversation_id)
            if conversation.status == ConversationStatus.ACTIVE:
                _assign_waiting()  # the agent has room for one more
    return Conversation.objects.select_related("customer", "agent").get(pk=conversation_id)


def close_conversation_by_staff(*, conversation_id: int, actor: Account | None) -> Conversation:
    """The back office ends an open conversation (its agent has gone, its customer fell silent), audited.

    Its customer and agent are told as when one of them closes it. A closed conversation is refused.
    """
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None:
            raise ConversationNotFound()
        if conversation.status == ConversationStatus.CLOSED:
            raise ConversationClosed()
        Conversation.objects.filter(pk=conversation_id).update(
            status=ConversationStatus.CLOSED, closed_at=timezone.now()
        )
        record_event(
            actor=actor,
            action=AuditAction.CHAT_CLOSE,
            target=conversation,
            summary=f"{conversation}: {conversation.status} → {ConversationStatus.CLOSED}",
        )
        events.publish_conversation_on_commit(conversation_id)
    return Conversation.objects.select_related("customer", "agent").get(pk=conversation_id)


def rate_conversation(*, conversation_id: int, customer: Account, rating: int, comment: str = "") -> Survey:
    """The customer's rating of a closed conversation, kept as a survey (kind "chat rating", source "chat")."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise RatingRefused(_("Choose a rating from 1 to 5."))
    comment = comment.strip()
    if len(comment) > MAX_RATING_COMMENT_LENGTH:
        raise RatingRefused(
            format_lazy(_("The comment may be at most {limit} characters long."), limit=MAX_RATING_COMMENT_LENGTH)
        )
    with transaction.atomic():
        conversation = Conversation.objects.filter(pk=conversation_id, customer=customer).first()
        if conversation is None or customer.client_id is None:
            raise ConversationNotFound()
        if conversation.status != ConversationStatus.CLOSED:
            raise RatingRefused(_("A conversation can be rated once it is closed."))
        survey = Survey.objects.create(
            client_id=customer.client_id,
            kind=SurveyKind.CHAT_RATING,
            source=SurveySource.CHAT,
            rating=rating,
            text=comment,
        )
        rated = Conversation.objects.filter(pk=conversation_id, rating__isnull=True).update(rating=survey)
        if not rated:
            raise RatingRefused(_("You have already rated this conversation."))  # rolls the survey back
    return survey
