"""Service e-mails customers expect (money arrived, a chat answer while they are away), through the outbox, and
the settings on the website that switch them off. Not marketing: the unsubscribe link does not stop them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Account
from banking.models import Receipt
from core.money import money
from outreach import outbox_statements
from outreach.models import (
    SUBJECT_MAX_LENGTH,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationSettings,
)
from outreach.services import OutreachError, send_after_commit


def notify(
    *, account: Account, kind: NotificationKind, key: str, subject: str, body: str, due_at: datetime | None = None
) -> Notification | None:
    """Queue one e-mail to the customer behind ``account``, once per event ``key``; None when the event was
    notified already or the login has no e-mail address. Sent from ``due_at`` (now by default)."""
    address = account.client.email if account.client is not None else account.email
    return _queue(account_id=account.pk, address=address, kind=kind, key=key, subject=subject, body=body, due_at=due_at)


def _queue(
    *, account_id: int, address: str, kind: NotificationKind, key: str, subject: str, body: str, due_at: datetime | None
) -> Notification | None:
    if not address:
        return None
    # Inside a payment, no savepoint of its own: a failure here undoes the savepoint banking runs receivers in.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():
                notification = _write_notification(
                    account_id=account_id, kind=kind, key=key, subject=subject, body=body
                )
        except IntegrityError:
            return None
        _write_delivery(notification=notification, address=address, due_at=due_at)
    return notification


def _write_notification(*, account_id: int, kind: NotificationKind, key: str, subject: str, body: str) -> Notification:
    return outbox_statements.insert_notification(router.db_for_write(Notification)).create(
        account_id=account_id,
        kind=str(kind),
        event_key=key[:100],
        subject=subject[:SUBJECT_MAX_LENGTH],
        body=body,
        created_at=timezone.now(),
    )


def _write_delivery(*, notification: Notification, address: str, due_at: datetime | None) -> Delivery:
    """The notification's e-mail in the outbox; one due now is queued for sending once it is committed."""
    now = timezone.now()
    delivery = outbox_statements.insert_delivery(router.db_for_write(Delivery)).create(
        notification_id=notification.pk,
        channel=DeliveryChannel.EMAIL.value,
        address=address,
        status=DeliveryStatus.AWAIT.value,
        attempts=0,
        last_error="",
        idempotency_key=uuid.uuid4().hex,
        provider_id="",
        next_attempt_at=due_at or now,
        claimed_by="",
        created_at=now,
    )
    if delivery.next_attempt_at <= now:
        send_after_commit([delivery])
    return delivery


def on_money_arrived(sender, *, receipt: Receipt, **kwargs) -> None:
    """Receiver of ``banking.signals.money_arrived``, inside the crediting transaction: the e-mail is queued in
    the payment's own commit (the outbox's task with it); banking logs a failure here and the payment goes on."""
    notify_money_arrived(receipt=receipt)


def notify_money_arrived(*, receipt: Receipt) -> Notification | None:
    """E-mail the customer whose account ``receipt`` credited, unless they moved the money themselves (an exchange,
    between their own accounts) or switched these e-mails off."""
    account = receipt.bank_account
    if receipt.transfer is not None and receipt.transfer.initiated_by_id == account.owner_id:
        return None
    # One row by primary key, compiled once: a payment waits for this with its accounts locked.
    owner = outbox_statements.recipient(router.db_for_read(Account)).first(account=account.owner_id)
    assert owner is not None  # the owner of a bank account (a foreign key)
    # No client: not a customer. No settings: a customer who never changed them (all on).
    choice = getattr(owner, "notification_settings", None)
    if not owner.is_active or owner.client is None or (choice is not None and not choice.money_arrived):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Money arrived: %(amount)s") % {"amount": money(receipt.amount, account.currency)}
        body = gettext("%(amount)s arrived on your account %(number)s.\n%(description)s\nBalance: %(balance)s.") % {
            "amount": money(receipt.amount, account.currency),
            "number": account.masked_number,
            "description": receipt.description,
            "balance": money(receipt.balance_after, account.currency),
        }
    # A receipt just written was never notified: no duplicate to catch in a savepoint of its own (a failure here
    # still undoes the savepoint banking runs receivers in, and the payment goes on).
    notification = _write_notification(
        account_id=owner.pk,
        kind=NotificationKind.MONEY_ARRIVED,
        key=f"receipt:{receipt.pk}",
        subject=subject,
        body=body,
    )
    _write_delivery(notification=notification, address=owner.client.email, due_at=None)
    return notification


def chat_away_delay() -> timedelta:
    return timedelta(minutes=settings.CHAT_AWAY_EMAIL_MINUTES)


def notify_chat_answer(*, customer_id: int, conversation_id: int, message_id: int, text: str) -> Notification | None:
    """An agent answered while the customer has no chat open: e-mailed after ``CHAT_AWAY_EMAIL_MINUTES`` unless
    the customer opens the chat before (``chat_seen``). One e-mail per conversation while they stay away."""
    customer = Account.objects.select_related("client").filter(pk=customer_id, client__isnull=False).first()
    if customer is None or not wants(customer, "chat_answers"):
        return None
    pending = Delivery.objects.filter(
        notification__account=customer,
        notification__kind=NotificationKind.CHAT_ANSWER,
        notification__event_key__startswith=f"chat:{conversation_id}:",
        status=DeliveryStatus.AWAIT,
    )
    if pending.exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("The bank answered you in the chat")
        body = gettext(
            "While you were away, the bank answered you in the chat:\n\n%(text)s\n\nOpen the chat: %(link)s"
        ) % {
            "text": text,
            "link": settings.SITE_URL + "/",
        }
    return notify(
        account=customer,
        kind=NotificationKind.CHAT_ANSWER,
        key=f"chat:{conversation_id}:{message_id}",
        subject=subject,
        body=body,
        due_at=timezone.now() + chat_away_delay(),
    )


def chat_seen(*, customer_id: int) -> int:
    """The customer opened the chat: the answers waiting to be e-mailed to them are not sent; how many."""
    return Delivery.objects.filter(
        notification__account_id=customer_id,
        notification__kind=NotificationKind.CHAT_ANSWER,
        status=DeliveryStatus.AWAIT,
    ).update(status=DeliveryStatus.CANCELLED, finished_at=timezone.now(), last_error=gettext("Seen in the chat."))


def notification_settings(account: Account) -> NotificationSettings:
    """The login's settings; everything on for a login that never changed them (not saved)."""
    return NotificationSettings.objects.filter(account=account).first() or NotificationSettings(account=account)


def wants(account: Account, setting: str) -> bool:
    return bool(getattr(notification_settings(account), setting))


def change_notification_settings(
    *, account: Account, money_arrived: bool, personal_offers: bool, chat_answers: bool
) -> NotificationSettings:
    """A customer chooses their e-mails; e-mails already queued follow the new choice when they are sent."""
    if not account.is_customer:
        raise OutreachError(gettext("Only customers have notification settings."))
    with transaction.atomic():
        chosen, _ = NotificationSettings.objects.update_or_create(
            account=account,
            defaults={"money_arrived": money_arrived, "personal_offers": personal_offers, "chat_answers": chat_answers},
        )
    return chosen
