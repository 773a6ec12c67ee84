"""Business hours and holidays (Moscow time), the widget's offline form, and the agent's answer e-mailed through
the outbox; and the one hand-over service as the back office uses it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from chat import assignment, hours, offline, services
from chat.models import AgentSettings, Availability, BusinessHours, ChatHoliday, Conversation
from outreach.models import Delivery
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")


def moscow(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MOSCOW)


def open_tomorrow_only() -> dt.date:
    """Hours that leave the chat closed today; it opens tomorrow at 09:00."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    BusinessHours.objects.create(weekday=tomorrow.weekday(), opens=dt.time(9), closes=dt.time(18))
    return tomorrow


@pytest.fixture
def weekdays_nine_to_six():
    for weekday in range(5):
        BusinessHours.objects.create(weekday=weekday, opens=dt.time(9), closes=dt.time(18))


class TestBusinessHours:
    def test_without_any_hours_the_chat_is_always_open(self):
        assert hours.chat_hours(at=moscow(2026, 12, 6, 3, 0)).open_now  # a Sunday night

    def test_open_within_the_days_hours_in_moscow_time(self, weekdays_nine_to_six):
        # Tuesday 1 December 2026, 09:00 Moscow = 06:00 UTC: open; 08:59 Moscow is not, whatever the server's zone.
        assert hours.chat_hours(at=dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)).open_now
        closed = hours.chat_hours(at=moscow(2026, 12, 1, 8, 59))
        assert not closed.open_now and closed.next_opening == moscow(2026, 12, 1, 9, 0)
        assert not hours.chat_hours(at=moscow(2026, 12, 1, 18, 0)).open_now  # closing time is closed

    def test_the_weekend_and_holidays_point_to_the_next_working_morning(self, weekdays_nine_to_six):
        ChatHoliday.objects.create(day=dt.date(2026, 12, 7), name="Выходной")  # Monday
        state = hours.chat_hours(at=moscow(2026, 12, 4, 19, 0))  # Friday evening
        assert not state.open_now and state.next_opening == moscow(2026, 12, 8, 9, 0)
        assert not hours.chat_hours(at=moscow(2026, 12, 7, 12, 0)).open_now

    def test_the_database_refuses_impossible_hours(self, weekdays_nine_to_six):
        for bad in (
            {"weekday": 5, "opens": dt.time(18), "closes": dt.time(9)},
            {"weekday": 0, "opens": dt.time(8), "closes": dt.time(9)},
        ):
            with pytest.raises(IntegrityError), transaction.atomic():
                BusinessHours.objects.create(**bad)


@pytest.fixture
def customer():
    return CustomerFactory(first_name="Анна", last_name="Смирнова", client__email="anna@example.com")


class TestOfflineMessage:
    def test_the_message_waits_in_the_queue_and_the_answer_goes_by_e_mail(self, customer, settings):
        settings.LANGUAGE_CODE = "ru"  # the e-mail is written in the website's language
        conversation = offline.leave_message(
            customer=customer, name="Анна", email="anna.home@example.org", text="Как продлить карту?"
        )
        assert conversation.status == Conversation.Status.WAITING
        assert conversation.reply_email == "anna.home@example.org"
        assert [m.text for m in conversation.messages.all()] == ["Как продлить карту?"]
        agent = StaffFactory(chat_agent=True)
        services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        assert not Delivery.objects.exists()  # the customer's own message is not e-mailed back

        services.post_message(
            conversation_id=conversation.pk, sender=agent, client_message_id="a1", text="Зайдите в приложение"
        )

        [delivery] = Delivery.objects.select_related("message")
        assert delivery.address == "anna.home@example.org" and delivery.channel == "email"
        assert delivery.message.client_id == customer.client_id
        assert "Зайдите в приложение" in delivery.message.body and "Анна" in delivery.message.body
        assert delivery.message.subject == "Ответ банка на ваше сообщение"  # the site's language, Russian

    def test_a_live_conversation_sends_no_e_mail(self, customer):
        conversation = services.start_conversation(customer=customer)
        agent = StaffFactory(chat_agent=True)
        services.claim_conversation(conversation_id=conversation.pk, agent=agent)
        services.post_message(
            conversation_id=conversation.pk, sender=agent, client_message_id="a1", text="Здравствуйте"
        )
        assert not Delivery.objects.exists()

    @pytest.mark.parametrize(
        ("name", "email", "text", "reason"),
        [
            ("", "a@example.com", "Вопрос", "Enter your name."),
            ("Анна", "not an address", "Вопрос", "Enter a valid e-mail address."),
            ("Анна", "a@example.com", "   ", "The message is empty."),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_kept(self, customer, name, email, text, reason):
        with pytest.raises(services.ChatError, match=reason):
            offline.leave_message(customer=customer, name=name, email=email, text=text)
        assert not Conversation.objects.exists()


class TestWidgetOutsideHours:
    def test_the_widget_learns_it_is_closed_with_the_customers_name_and_e_mail(self, client, customer):
        open_tomorrow_only()
        client.force_login(customer)
        answer = client.get(reverse("chat:current")).json()
        assert answer["hours"]["open"] is False and answer["hours"]["next_opening"]
        assert answer["prefill"] == {"name": "Анна Смирнова", "email": "anna@example.com"}
        assert answer["labels"]["offline_send"] == "Leave a message"

    def test_the_form_posts_a_conversation_or_says_what_is_wrong(self, client, customer):
        client.force_login(customer)
        url = reverse("chat:offline")
        refused = client.post(url, {"name": "Анна", "email": "nope", "text": "Вопрос"})
        assert refused.status_code == 400 and refused.json()["error"]["message"] == "Enter a valid e-mail address."
        made = client.post(url, {"name": "Анна", "email": "anna@example.com", "text": "Вопрос"})
        assert made.status_code == 201
        assert Conversation.objects.get().pk == made.json()["conversation"]
        client.force_login(StaffFactory(chat_agent=True))
        assert client.post(url, {"name": "x", "email": "x@example.com", "text": "x"}).status_code == 403


@pytest.mark.postgres  # the hand-over locks the row: PostgreSQL refuses some locks SQLite ignores
class TestBackOfficeHandOver:
    @pytest.fixture
    def active(self, customer):
        conversation = services.start_conversation(customer=customer)
        return services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))

    def test_back_to_the_queue_is_assigned_to_another_online_agent_and_audited(self, active):
        colleague = StaffFactory(chat_agent=True)
        AgentSettings.objects.create(agent=colleague, availability=Availability.ONLINE)
        moved = assignment.transfer_conversation(
            conversation_id=active.pk, by=StaffFactory(back_office=True), to_agent_id=None
        )
        assert (moved.status, moved.agent_id, moved.returned_by_id) == ("active", colleague.pk, active.agent_id)
        assert AuditEvent.objects.filter(action=AuditAction.CHAT_REASSIGN, target_id=str(active.pk)).exists()

    def test_a_chat_agent_cannot_move_a_colleagues_conversation(self, active):
        with pytest.raises(services.NotAllowed):
            assignment.transfer_conversation(
                conversation_id=active.pk, by=StaffFactory(chat_agent=True), to_agent_id=None
            )
        assert Conversation.objects.get(pk=active.pk).agent_id == active.agent_id


class TestHoursInTheAdmin:
    def test_the_back_office_sets_hours_and_impossible_ones_are_explained(self, client):
        client.force_login(StaffFactory(back_office=True))
        url = reverse("admin:chat_businesshours_add")
        refused = client.post(url, {"weekday": "0", "opens": "18:00", "closes": "09:00"})
        assert refused.status_code == 200 and "The chat must open before it closes" in refused.content.decode()
        assert client.post(url, {"weekday": "0", "opens": "09:00", "closes": "18:00"}).status_code == 302
        again = client.post(url, {"weekday": "0", "opens": "10:00", "closes": "11:00"})
        assert again.status_code == 200 and BusinessHours.objects.count() == 1
        holiday = client.post(reverse("admin:chat_chatholiday_add"), {"day": "2027-01-01", "name": "Новый год"})
        assert holiday.status_code == 302 and ChatHoliday.objects.get().name == "Новый год"


def test_the_chat_page_says_when_agents_are_back(client, customer):
    tomorrow = open_tomorrow_only()
    client.force_login(customer)
    page = client.get(reverse("chat:conversations")).content.decode()
    assert "Our agents are not at work now" in page and f"Agents are back on {tomorrow:%A}, {tomorrow.day} " in page
    BusinessHours.objects.all().delete()
    assert "data-closed" not in client.get(reverse("chat:conversations")).content.decode()
