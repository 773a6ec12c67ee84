"""Personal messages and bank news: every write and rule of the bank's outreach to its customers and leads."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.models import Account, Client
from accounts.selectors import customer_accounts
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import Campaign, CampaignLead, Lead, LeadState
from campaigns.services import hold_timeout
from outreach.delivery import outbox
from outreach.models import (
    MESSAGE_FLOW,
    NEWS_TITLE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Delivery,
    Message,
    MessageStatus,
    News,
    news_digest,
)
from outreach.selectors import MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS, news_audience
from outreach.tasks import queue_delivery


class OutreachError(Exception):
    """A message or a piece of news was refused; the message is meant for a person."""


def mark_message_read(*, client_id: int, message_id: int) -> Message:
    """A customer opened one of their personal messages: it becomes "read", once, with the time.

    Raises ``Message.DoesNotExist`` for a message of another client or one that has not reached them.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(
            pk=message_id, client_id=client_id, status__in=MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS
        )
        if message.status != Message.Status.READ:
            message.status = Message.Status.READ
            message.read_at = timezone.now()
            message.save(update_fields=["status", "read_at"])
    return message


class NewsError(OutreachError):
    """Bank news was refused; ``errors`` says what is wrong with each field, when a field is to blame."""

    def __init__(self, message: str, *, errors: dict[str, str] | None = None) -> None:
        self.errors = errors or {}
        super().__init__(message)


class NewsNotFound(NewsError):
    pass


# Who a piece of news goes to: one customer's login, every customer, or the customers a campaign reached.
NEWS_AUDIENCES = ("account", "all_customers", "campaign")
NEWS_BODY_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class NewsPublication:
    published: int  # accounts that got the news now
    already_had: int  # accounts that had it already (withdrawn copies included), left as they were


def _news_text_errors(title: str, body: str) -> dict[str, str]:
    errors = {}
    if not title:
        errors["title"] = _("Write the title of the news.")
    elif len(title) > NEWS_TITLE_MAX_LENGTH:
        errors["title"] = _("The title can be at most %(limit)d characters long.") % {"limit": NEWS_TITLE_MAX_LENGTH}
    if not body:
        errors["body"] = _("Write the text of the news.")
    elif len(body) > NEWS_BODY_MAX_LENGTH:
        errors["body"] = _("The text can be at most %(limit)d characters long.") % {"limit": NEWS_BODY_MAX_LENGTH}
    return errors


def refuse_news(errors: dict[str, str]) -> None:
    if errors:
        raise NewsError(" ".join(errors.values()), errors=errors)


def publish_news(
    *,
    title: str,
    body: str,
    audience: str,
    account_id: int | None = None,
    campaign_id: int | None = None,
    actor: Account | None = None,
) -> NewsPublication:
    """Publish news to its audience; an account that already has the same news (rule 6) does not get it twice."""
    title, body = title.strip(), body.strip()
    refuse_news(news_errors(title=title, body=body, audience=audience, account_id=account_id, campaign_id=campaign_id))
    recipients = news_audience(audience=audience, account_id=account_id, campaign_id=campaign_id)
    try:
        return _publish_once(title=title, body=body, recipients=recipients, actor=actor, audience=audience)
    except IntegrityError:
        # The same news reached one of these accounts in the meantime: count again, once.
        try:
            return _publish_once(title=title, body=body, recipients=recipients, actor=actor, audience=audience)
        except IntegrityError:
            raise NewsError(_("The same news is being published at this moment; try again.")) from None


def news_errors(
    *, title: str, body: str, audience: str, account_id: int | None, campaign_id: int | None
) -> dict[str, str]:
    """What is wrong with news before it is published (now or later), by field."""
    errors = _news_text_errors(title, body)
    if audience == "account":
        if account_id is None:
            errors["account_id"] = _("Choose the customer's login to publish the news to.")
        elif not customer_accounts().filter(pk=account_id).exists():
            errors["account_id"] = _("There is no active customer login with this number.")
    elif audience == "campaign":
        if campaign_id is None:
            errors["campaign_id"] = _("Choose the campaign whose customers get the news.")
        elif not Campaign.objects.filter(pk=campaign_id).exists():
            errors["campaign_id"] = _("There is no campaign with this number.")
    elif audience != "all_customers":
        errors["audience"] = _("Choose who gets the news: one login, all customers or a campaign's customers.")
    return errors


def _publish_once(*, title: str, body: str, recipients, actor: Account | None, audience: str) -> NewsPublication:
    digest = news_digest(title=title, body=body)
    with transaction.atomic():
        recipient_ids = set(recipients.values_list("id", flat=True))
        had_it = set(
            News.objects.filter(digest=digest, account_id__in=recipients.values("id")).values_list(
                "account_id", flat=True
            )
        )
        newcomers = sorted(recipient_ids - had_it)
        News.objects.bulk_create(
            [News(account_id=account, title=title, body=body, digest=digest) for account in newcomers], batch_size=500
        )
        record_event(
            actor=actor,
            action=AuditAction.NEWS_PUBLISH,
            target_type=News._meta.label,
            target_id=digest,
            summary=f"“{title}” ({audience}): {len(newcomers)} published, {len(had_it)} already had it",
        )
    return NewsPublication(published=len(newcomers), already_had=len(had_it))


def publish_news_to_account(*, account_id: int, title: str, body: str, actor: Account | None) -> News:
    """The back office's publication to one customer's login: the news published, or a refusal when that
    login already has the same news (rule 6, applied by ``publish_news``)."""
    with transaction.atomic():
        publication = publish_news(title=title, body=body, audience="account", account_id=account_id, actor=actor)
        if not publication.published:
            raise NewsError(_("This news has already been published to this account."))
        return News.objects.get(account_id=account_id, digest=news_digest(title=title, body=body))


def _news_rows(*, news_id: int, everywhere: bool):
    """The news row, or every account's copy of the same news when ``everywhere``."""
    news = News.objects.select_for_update().filter(pk=news_id).first()
    if news is None:
        raise NewsNotFound(_("There is no news with this number."))
    return News.objects.filter(digest=news.digest) if everywhere else News.objects.filter(pk=news.pk)


def edit_news(*, news_id: int, title: str, body: str, everywhere: bool = False, actor: Account | None = None) -> int:
    """Correct the title and text of the news (in every account's copy when ``everywhere``); how many changed."""
    title, body = title.strip(), body.strip()
    refuse_news(_news_text_errors(title, body))
    digest = news_digest(title=title, body=body)
    with transaction.atomic():
        rows = _news_rows(news_id=news_id, everywhere=everywhere)
        clash = News.objects.filter(digest=digest, account_id__in=rows.values("account_id")).exclude(
            pk__in=rows.values("pk")
        )
        if clash.exists():
            raise NewsError(
                _("An account already has news with this title and text; it would get the same news twice."),
                errors={"title": _("Another news item with this title and text was already published there.")},
            )
        changed = rows.update(title=title, body=body, digest=digest)
        record_event(
            actor=actor,
            action=AuditAction.NEWS_CHANGE,
            target_type=News._meta.label,
            target_id=str(news_id),
            summary=f"edited to “{title}” in {changed} account(s)",
        )
        return changed


def withdraw_news(*, news_id: int, everywhere: bool = False, actor: Account | None = None) -> int:
    """Hide the news from its customers (every account's copy when ``everywhere``); how many were withdrawn now."""
    with transaction.atomic():
        rows = _news_rows(news_id=news_id, everywhere=everywhere)
        withdrawn = rows.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        record_event(
            actor=actor,
            action=AuditAction.NEWS_CHANGE,
            target_type=News._meta.label,
            target_id=str(news_id),
            summary=f"withdrawn from {withdrawn} account(s)",
        )
        return withdrawn


class MessageError(OutreachError):
    pass


MAX_MESSAGE_LENGTH = 4000


def compose_message(
    *,
    author: Account | None,
    subject: str,
    body: str,
    client: Client | None = None,
    lead: Lead | None = None,
    campaign: Campaign | None = None,
    email: str = "",
) -> Message:
    """A personal message to one client or one lead, waiting ("await") to be sent; to ``email`` when given
    (an address the recipient left for an answer), else to the recipient's own address or phone.

    A lead who has become a client is written to as that client, so that they read it on the website.
    A lead on the do-not-call list is not written to either.
    """
    if (client is None) == (lead is None):
        raise MessageError(gettext("Choose one recipient: a client or a lead."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise MessageError(gettext("Enter a subject."))
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise MessageError(gettext("The subject is longer than 200 characters."))
    if not body:
        raise MessageError(gettext("Enter the text of the message."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise MessageError(gettext("The text is longer than %(limit)s characters.") % {"limit": MAX_MESSAGE_LENGTH})
    with transaction.atomic():
        if lead is not None:
            if CampaignLead.objects.filter(lead=lead, state=LeadState.DO_NOT_CALL).exists():
                raise MessageError(gettext("%(lead)s asked not to be contacted.") % {"lead": lead})
            if lead.client_id is not None:
                client, lead = lead.client, None
        message = Message.objects.create(
            client=client, lead=lead, campaign=campaign, subject=subject, body=body, written_by=author
        )
        record_event(
            actor=author,
            action=AuditAction.MESSAGE_COMPOSE,
            target=message,
            summary=f"“{subject}” to {client or lead}" + (f" ({campaign})" if campaign else ""),
        )
        send_after_commit(outbox.create_deliveries(message=message, email=email))
        return message


def write_to_held_lead(*, agent: Account, campaign_lead: CampaignLead, subject: str, body: str) -> Message:
    """A personal message from an agent to the lead they are calling, for its campaign.

    Only the agent who holds the lead now may write: not to another lead of the campaign, nor after the
    hold timed out (the lead may be with another agent by then).
    """
    with transaction.atomic():
        locked = CampaignLead.objects.select_for_update().select_related("lead", "campaign").get(pk=campaign_lead.pk)
        if (
            locked.held_by_id != agent.pk
            or locked.held_since is None
            or locked.held_since < timezone.now() - hold_timeout()
        ):
            raise MessageError(gettext("You can write only to the lead you are calling now."))
        return compose_message(author=agent, lead=locked.lead, campaign=locked.campaign, subject=subject, body=body)


def send_after_commit(deliveries: list[Delivery]) -> None:
    """Queue the delivery of these outbox rows once they are committed: the worker must find them.

    After the commit, not inside it: a delivery run already waiting to start then surely starts after these rows
    exist and sends them too (outreach.tasks.queue_delivery), so a busy outbox costs no task per message.
    """
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: queue_delivery(ids))


def change_message_status(*, message: Message, status: str, actor: Account | None = None) -> Message:
    """Move a message along its delivery: the times of sending and reading are stamped on the way."""
    if status not in MessageStatus.values:
        raise MessageError(gettext("Unknown message status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if status not in MESSAGE_FLOW[MessageStatus(locked.status)]:
            raise MessageError(
                gettext("A message that is %(current)s cannot become %(wanted)s.")
                % {"current": locked.get_status_display(), "wanted": MessageStatus(status).label}
            )
        now = timezone.now()
        previous, locked.status = locked.status, status
        if status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ) and locked.sent_at is None:
            locked.sent_at = now
        if status == MessageStatus.READ:
            locked.read_at = now
        locked.save(update_fields=["status", "sent_at", "read_at"])
        record_event(
            actor=actor,
            action=AuditAction.MESSAGE_STATUS,
            target=locked,
            summary=f"“{locked.subject}”: {previous} → {status}",
        )
    message.status, message.sent_at, message.read_at = locked.status, locked.sent_at, locked.read_at
    return message
