"""The e-mails a customer switched off on the website, read once for a whole batch of the outbox."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext

from outreach.models import Delivery, NotificationKind, NotificationSettings
from outreach.transactional import is_payment_code

# Which setting governs which e-mail; a password-reset e-mail cannot be switched off.
SETTING_OF_KIND = {NotificationKind.MONEY_ARRIVED: "money_arrived", NotificationKind.CHAT_ANSWER: "chat_answers"}


def switched_off(batch: list[Delivery]) -> dict[int, str]:
    """The deliveries of this batch that their customer does not want, each with the reason (one query)."""
    notifications = {d.pk: d.notification for d in batch if d.notification is not None}
    # A payment's one-time code is no offer: it goes whatever the customer's settings.
    messages = {d.pk: d.message for d in batch if d.message is not None and not is_payment_code(d)}
    account_ids = {notification.account_id for notification in notifications.values()}
    client_ids = {message.client_id for message in messages.values() if message.client_id}
    if not account_ids and not client_ids:
        return {}
    rows = list(
        NotificationSettings.objects.filter(
            Q(account_id__in=account_ids) | Q(account__client_id__in=client_ids)
        ).select_related("account")
    )
    by_account = {row.account_id: row for row in rows}
    offers_off = {row.account.client_id for row in rows if not row.personal_offers}
    reasons = {}
    for pk, notification in notifications.items():
        field = SETTING_OF_KIND.get(NotificationKind(notification.kind))
        settings = by_account.get(notification.account_id)
        if field and settings is not None and not getattr(settings, field):
            reasons[pk] = gettext("The customer switched these e-mails off on the website.")
    for pk, message in messages.items():
        if message.client_id in offers_off:
            reasons[pk] = gettext(
                "The customer switched off e-mails about personal offers; the offer is on the website."
            )
    return reasons
