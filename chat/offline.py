"""Messages left outside business hours: the widget's offline form makes a conversation that waits in the queue,
and each answer an agent writes in it is also e-mailed to the address given, through the outbox (outreach), since
the customer is not there to read it live."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from chat.models import ChatMessage, Conversation
from chat.services import InvalidMessage, post_message, start_conversation
from outreach.services import MAX_MESSAGE_LENGTH as OUTREACH_LIMIT
from outreach.services import compose_message

MAX_NAME_LENGTH = 150


class OfflineFormError(InvalidMessage):
    code = "invalid"
    default_message = _("Check the form.")


def leave_message(*, customer: Account, name: str, email: str, text: str) -> Conversation:
    """The customer's message left outside business hours: a conversation in the queue, its first message the
    text, answered later by an agent and by e-mail."""
    name = " ".join((name or "").split())
    email = (email or "").strip()
    if not name:
        raise OfflineFormError(_("Enter your name."))
    if len(name) > MAX_NAME_LENGTH:
        raise OfflineFormError(_("The name may be at most %(limit)s characters long.") % {"limit": MAX_NAME_LENGTH})
    try:
        validate_email(email)
    except ValidationError:
        raise OfflineFormError(_("Enter a valid e-mail address.")) from None
    with transaction.atomic():
        conversation = start_conversation(customer=customer)
        Conversation.objects.filter(pk=conversation.pk).update(contact_name=name, reply_email=email)
        post_message(
            conversation_id=conversation.pk, sender=customer, client_message_id=f"offline-{uuid.uuid4().hex}", text=text
        )
    conversation.refresh_from_db()
    return conversation


def email_answer(*, conversation: Conversation, message: ChatMessage) -> None:
    """Queue the agent's answer for e-mail to the address the customer left (in the customer's language: the
    website's default). Runs inside post_message's transaction, so the e-mail goes only if the message stays."""
    customer = Account.objects.select_related("client").get(pk=conversation.customer_id)
    if customer.client is None:
        return
    with override(settings.LANGUAGE_CODE):
        subject = gettext("The bank's answer to your message")
        greeting = gettext("Hello, %(name)s!") % {"name": conversation.contact_name or customer.get_full_name()}
        footer = gettext("You can continue the conversation in the chat on the bank's website.")
    compose_message(
        author=message.sender,
        client=customer.client,
        subject=subject,
        body=f"{greeting}\n\n{message.text[: OUTREACH_LIMIT - len(greeting) - len(footer) - 4]}\n\n{footer}",
        email=conversation.reply_email,
    )
