"""The back office's settings and the customers' smaller records: the payment policy, the chat's hours and holidays,
a file sent in a chat, e-mails and their settings, a password-reset request, news scheduled for later, a payment
template and a payment waiting for its code. Each is made through its service, once (a second run adds nothing)."""

from __future__ import annotations

import io
import uuid
from datetime import date, time, timedelta

from django.utils import timezone
from PIL import Image

from accounts.models import Account
from banking.confirmation import payment_policy, set_code_threshold, start_challenge
from banking.models import BankAccount, PaymentChallenge, PaymentPolicy, PaymentTemplate, Transfer
from banking.saved_payments import save_template
from chat.attachments import send_attachment
from chat.models import BusinessHours, ChatAttachment, ChatHoliday, Conversation, ConversationStatus, Weekday
from outreach.models import Notification, NotificationKind, NotificationSettings, PasswordResetRequest, ScheduledNews
from outreach.notifications import change_notification_settings, notify
from outreach.password_reset import request_allowed
from outreach.scheduled_news import schedule_news
from telemarketing.demo.basics import SeederBase

# Moscow time. The demo's chat answers around the clock, as the big banks' chats do, so that the demo (and
# the tests and benchmarks that seed it) never meets a closed chat at night; back office sets real hours.
DEMO_HOURS = dict.fromkeys(Weekday, (time(0), time(23, 59)))
DEMO_HOLIDAYS = {(1, 1): "Новый год", (1, 7): "Рождество Христово"}


def _demo_png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 82, 155)).save(picture, format="PNG")
    return picture.getvalue()


class BackOfficeSeeding(SeederBase):
    def seed_back_office(self, *, admin: Account, customer: Account) -> None:
        if not PaymentPolicy.objects.exists():
            set_code_threshold(amount=payment_policy().code_threshold, actor=admin)
        self._seed_chat_calendar()
        self._seed_attachment()
        self._seed_customer_records(admin=admin, customer=customer)

    def _seed_chat_calendar(self) -> None:
        for weekday, (opens, closes) in DEMO_HOURS.items():
            BusinessHours.objects.get_or_create(weekday=weekday, defaults={"opens": opens, "closes": closes})
        today = timezone.localdate()
        for (month, day), name in DEMO_HOLIDAYS.items():
            coming = date(today.year + 1, month, day)  # next year's: never today, whenever the demo is seeded
            ChatHoliday.objects.get_or_create(day=coming, defaults={"name": name})

    def _seed_attachment(self) -> None:
        if ChatAttachment.objects.exists():
            return
        conversation = (
            Conversation.objects.filter(status=ConversationStatus.ACTIVE, agent__isnull=False)
            .select_related("customer")
            .order_by("pk")
            .first()
        )
        if conversation is not None:
            send_attachment(
                conversation_id=conversation.pk,
                sender=conversation.customer,
                name="скриншот.png",
                data=_demo_png(),
                client_message_id=f"demo-attachment-{conversation.pk}",
            )

    def _seed_customer_records(self, *, admin: Account, customer: Account) -> None:
        if not Notification.objects.filter(account=customer).exists():
            notify(
                account=customer,
                kind=NotificationKind.MONEY_ARRIVED,
                key=f"demo:{customer.pk}:welcome",
                subject="Деньги поступили на ваш счёт",
                body="На ваш счёт поступила зарплата за месяц.",
            )
        if not NotificationSettings.objects.filter(account=customer).exists():
            change_notification_settings(account=customer, money_arrived=True, personal_offers=False, chat_answers=True)
        if not PasswordResetRequest.objects.exists() and customer.client is not None:
            request_allowed(address=customer.client.email, ip_address="203.0.113.7")
        if not ScheduledNews.objects.exists():
            schedule_news(
                title="Новые вклады с весны",
                body="С первого числа месяца открыты новые вклады с повышенной ставкой.",
                audience="all_customers",
                publish_at=timezone.now() + timedelta(days=7),
                actor=admin,
            )
        made = (
            Transfer.objects.filter(
                payer__owner=customer, exchange_sold__isnull=True, payee__owner__client__isnull=False
            )
            .exclude(payee__owner=customer)
            .select_related("payer", "payee")
            .order_by("pk")
            .first()
        )
        if made is None:
            return
        if not PaymentTemplate.objects.filter(owner=customer).exists():
            save_template(owner=customer, transfer_id=made.pk, name="Перевод родным")
        if not PaymentChallenge.objects.filter(initiated_by=customer).exists():
            payer = BankAccount.objects.get(pk=made.payer_id)
            start_challenge(
                initiated_by=customer,
                payer_number=payer.number,
                recipient=made.payee.number,
                amount=min(payer.balance, payment_policy().code_threshold + 1000),
                idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-challenge-{customer.pk}"),
                comment="Подарок",
            )
