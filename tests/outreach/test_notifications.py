"""E-mails customers expect: money arrived, a personal offer, a chat answer while away; each can be switched off."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from banking.services import deposit, transfer
from outreach import notifications
from outreach.delivery import outbox
from outreach.models import Delivery, DeliveryStatus, MessageStatus, Notification, NotificationKind
from outreach.notifications import change_notification_settings
from outreach.services import OutreachError, compose_message
from tests.factories import BankAccountFactory, ClientFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def pay(payer_account, payee_account, amount: str, *, hooks) -> None:
    with hooks(execute=True):
        transfer(
            initiated_by=payer_account.owner,
            payer_number=payer_account.number,
            payee_number=payee_account.number,
            amount=amount,
            idempotency_key=uuid.uuid4(),
        )


def funded_payer(balance: str):
    """A payer's account funded by a deposit, its owner's money e-mails off: only the payee's e-mail is counted."""
    owner = CustomerFactory()
    change_notification_settings(account=owner, money_arrived=False, personal_offers=True, chat_answers=True)
    return BankAccountFactory(owner=owner, balance=balance)


@pytest.fixture
def anna():
    return CustomerFactory(client=ClientFactory(email="anna@example.com"))


def test_money_from_someone_else_is_e_mailed_to_the_payee_once(smtp, anna, django_capture_on_commit_callbacks):
    payee = BankAccountFactory(owner=anna)
    payer = funded_payer("5000")
    pay(payer, payee, "1500.50", hooks=django_capture_on_commit_callbacks)

    [notification] = Notification.objects.filter(account=anna)
    assert notification.kind == NotificationKind.MONEY_ARRIVED
    assert outbox.deliver_due() == 1
    assert outbox.deliver_due() == 0  # once
    [mail] = smtp.received
    assert mail["To"] == "anna@example.com"
    assert mail["Subject"] == "Money arrived: 1,500.50\u00a0₽"
    text = mail.get_content()
    assert f"arrived on your account •••• {payee.number[-4:]}" in text
    assert reverse("portal:notifications") in text  # where to switch them off
    assert "/unsubscribe/" not in text  # a service e-mail, not an offer
    assert Delivery.objects.get(notification=notification).status == DeliveryStatus.SENT


def test_a_deposit_is_e_mailed_and_a_customers_own_move_is_not(anna, django_capture_on_commit_callbacks):
    rubles = BankAccountFactory(owner=anna)
    savings = BankAccountFactory(owner=anna)
    with django_capture_on_commit_callbacks(execute=True):
        deposit(bank_account=rubles, amount=Decimal("100"), description="Зарплата")
    rubles.refresh_from_db()
    pay(rubles, savings, "40", hooks=django_capture_on_commit_callbacks)  # between her own accounts
    assert [n.subject for n in Notification.objects.filter(account=anna)] == ["Money arrived: 100.00\u00a0₽"]


def test_switched_off_money_e_mails_are_not_made_and_a_queued_one_is_skipped(
    smtp, anna, django_capture_on_commit_callbacks
):
    payee = BankAccountFactory(owner=anna)
    payer = funded_payer("500")
    pay(payer, payee, "10", hooks=django_capture_on_commit_callbacks)  # queued while still on
    change_notification_settings(account=anna, money_arrived=False, personal_offers=True, chat_answers=True)
    pay(payer, payee, "20", hooks=django_capture_on_commit_callbacks)  # off: not even queued

    assert Notification.objects.filter(account=anna).count() == 1
    assert outbox.deliver_due() == 0
    assert smtp.received == []
    delivery = Delivery.objects.get(notification__account=anna)
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.last_error == "The customer switched these e-mails off on the website."


def test_a_personal_offer_switched_off_stays_on_the_website_without_an_e_mail(smtp, anna):
    change_notification_settings(account=anna, money_arrived=True, personal_offers=False, chat_answers=True)
    message = compose_message(author=None, client=anna.client, subject="Вклад", body="12% годовых")
    assert outbox.deliver_due() == 0
    assert smtp.received == []
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT  # shown on the website
    assert Delivery.objects.get(message=message).status == DeliveryStatus.SKIPPED


def test_a_chat_answer_is_e_mailed_after_the_wait_unless_the_customer_comes_back(smtp, anna):
    first = notifications.notify_chat_answer(customer_id=anna.pk, conversation_id=7, message_id=1, text="Здравствуйте!")
    assert first is not None
    # a second answer in the same conversation while she is away makes no second e-mail
    assert notifications.notify_chat_answer(customer_id=anna.pk, conversation_id=7, message_id=2, text="Ещё") is None
    assert outbox.deliver_due() == 0  # not yet: she may come back
    later = timezone.now() + notifications.chat_away_delay() + timedelta(seconds=1)
    assert outbox.deliver_due(now=later) == 1
    assert "Здравствуйте!" in smtp.received[0].get_content()

    notifications.notify_chat_answer(customer_id=anna.pk, conversation_id=7, message_id=3, text="Вы здесь?")
    assert notifications.chat_seen(customer_id=anna.pk) == 1
    assert outbox.deliver_due(now=later + notifications.chat_away_delay()) == 0
    assert len(smtp.received) == 1


def test_chat_answers_switched_off_are_not_queued(anna):
    change_notification_settings(account=anna, money_arrived=True, personal_offers=True, chat_answers=False)
    assert notifications.notify_chat_answer(customer_id=anna.pk, conversation_id=1, message_id=1, text="…") is None
    staff = StaffFactory(chat_agent=True)
    assert notifications.notify_chat_answer(customer_id=staff.pk, conversation_id=1, message_id=1, text="…") is None


def test_only_customers_have_settings():
    with pytest.raises(OutreachError):
        change_notification_settings(
            account=StaffFactory(back_office=True), money_arrived=True, personal_offers=True, chat_answers=True
        )


class TestSettingsPage:
    def test_a_customer_switches_e_mails_off_and_on(self, client, anna):
        client.force_login(anna)
        page = client.get(reverse("portal:notifications"))
        assert page.status_code == 200
        assert [page.context["form"][name].value() for name in ("money_arrived", "personal_offers")] == [True, True]

        answer = client.post(reverse("portal:notifications"), {"personal_offers": "on"}, follow=True)
        assert "Your e-mail settings are saved." in answer.content.decode()
        chosen = notifications.notification_settings(anna)
        assert (chosen.money_arrived, chosen.personal_offers, chosen.chat_answers) == (False, True, False)

    def test_staff_and_strangers_cannot_reach_it(self, client):
        assert client.get(reverse("portal:notifications")).status_code == 302  # to sign in
        client.force_login(StaffFactory(back_office=True))
        assert client.post(reverse("portal:notifications"), {}).status_code == 403
