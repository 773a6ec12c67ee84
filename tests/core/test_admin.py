"""The back office's admin: every page opens with demo data in it, lists stay cheap, the ledger stays untouched."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.models import Account, Client
from banking.models import BankAccount, Exchange, PaymentChallenge, PaymentTemplate, Receipt, Transfer
from campaigns.models import AgentStateSpan, CallAttempt, Campaign, Lead
from chat.models import ChatAttachment, ChatMessage, Conversation, ConversationNote, ConversationStatus
from outreach.models import Delivery, News, Notification, NotificationSettings, PasswordResetRequest, ScheduledNews
from tests.factories import StaffFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OUR_APPS = ("accounts", "banking", "campaigns", "outreach", "surveys", "chat")
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]
HISTORY_MODELS = [Receipt, Transfer, Exchange, ChatMessage, ConversationNote, CallAttempt, AgentStateSpan]
# Made only by a service (the outbox rows by writing a message), never added by hand.
NO_ADD_MODELS = [*HISTORY_MODELS, Delivery, ChatAttachment, Notification, NotificationSettings, PasswordResetRequest]
NO_ADD_MODELS += [ScheduledNews, PaymentTemplate, PaymentChallenge]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """seed_demo --size small once for the module, rolled back afterwards so other modules start empty."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        call_command("seed_demo", "--size", "small", "--password", "demo-bank-2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def administrator(demo_data, db, client):
    client.force_login(Account.objects.get(username="demo_admin"))
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_data_model_is_in_the_admin():
    from django.apps import apps

    ours = {model for app in OUR_APPS for model in apps.get_app_config(app).get_models()}
    assert ours <= set(admin.site._registry), ours - set(admin.site._registry)


def test_the_admin_is_titled_for_the_back_office(administrator):
    response = administrator.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Telemarketing Bank back office" in response.text


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_open_for_the_administrator(administrator, model):
    instance = model.objects.order_by("pk").first()
    assert instance is not None, f"seed_demo made no {model._meta.verbose_name}"

    assert administrator.get(_url(model, "changelist")).status_code == 200
    assert administrator.get(_url(model, "change", instance.pk)).status_code == 200
    expected_add = 403 if model in NO_ADD_MODELS else 200
    assert administrator.get(_url(model, "add")).status_code == expected_add


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label)
def test_history_cannot_be_added_changed_or_deleted_even_by_a_superuser(administrator, model):
    instance = model.objects.order_by("pk").first()
    count = model.objects.count()

    assert administrator.post(_url(model, "add"), {}).status_code == 403
    assert administrator.post(_url(model, "delete", instance.pk), {"post": "yes"}).status_code == 403
    change_page = administrator.get(_url(model, "change", instance.pk))
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.text
    assert administrator.post(_url(model, "change", instance.pk), {}).status_code == 403
    assert model.objects.count() == count


def test_balances_are_shown_but_cannot_be_typed_in(administrator):
    bank_account = BankAccount.objects.filter(balance__gt=0).order_by("pk").first()
    page = administrator.get(_url(BankAccount, "change", bank_account.pk)).text
    assert 'name="balance"' not in page
    assert 'name="is_closed"' not in page, "a bank account is closed by its action, through close_bank_account"
    account_page = administrator.get(_url(Account, "change", bank_account.owner_id)).text
    assert bank_account.number in account_page
    assert 'name="bank_accounts-0-balance"' not in account_page


def test_a_bank_account_opened_in_the_admin_is_opened_by_the_payment_service(administrator):
    owner = Account.objects.get(username="demo_customer")
    response = administrator.post(_url(BankAccount, "add"), {"owner": owner.pk, "currency": "CHF", "kind": "savings"})

    assert response.status_code == 302
    opened = BankAccount.objects.get(owner=owner, currency="CHF")
    assert opened.kind == "savings"
    assert opened.number.startswith("40817756") and len(opened.number) == 20
    assert opened.balance == 0
    assert not opened.receipts.exists()


def test_a_payment_code_page_shows_nothing_that_makes_the_code_again(administrator):
    challenge = PaymentChallenge.objects.order_by("pk").first()
    page = administrator.get(_url(PaymentChallenge, "change", challenge.pk)).text
    assert challenge.salt not in page
    assert challenge.delivery_key not in page
    assert str(challenge.idempotency_key) not in page
    reset = PasswordResetRequest.objects.order_by("pk").first()
    assert reset.address_digest not in administrator.get(_url(PasswordResetRequest, "change", reset.pk)).text


def test_scheduled_news_that_waits_is_withdrawn_by_the_action_through_its_service(administrator):
    scheduled = ScheduledNews.objects.filter(status=ScheduledNews.Status.SCHEDULED).order_by("pk").first()
    response = administrator.post(
        _url(ScheduledNews, "changelist"), {"action": "withdraw_scheduled", "_selected_action": [scheduled.pk]}
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledNews.Status.WITHDRAWN and scheduled.withdrawn_at is not None


def test_budget_and_status_of_a_campaign_are_read_only(administrator):
    campaign = Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("pk").first()
    page = administrator.get(_url(Campaign, "change", campaign.pk)).text
    for field in ("budget", "status", "started_at"):
        assert f'name="{field}"' not in page
    assert 'name="base_amount"' in page
    assert 'name="products-0-cost"' in page
    assert "campaign_leads-" not in page, "the leads are counted and linked to (tests/campaigns/test_admin_scale.py)"


def test_news_already_published_to_an_account_is_refused_with_a_message(administrator):
    news = News.objects.order_by("pk").first()
    count = News.objects.count()

    response = administrator.post(
        _url(News, "add"), {"account": news.account_id, "title": news.title, "body": news.body, "withdrawn_at": ""}
    )

    assert response.status_code == 200
    assert "already been published to this account" in response.text
    assert News.objects.count() == count


def test_a_login_cannot_belong_to_a_client_and_a_worker(administrator):
    client = Client.objects.order_by("pk").first()
    worker = Account.objects.get(username="demo_pm").worker
    count = Account.objects.count()

    response = administrator.post(
        _url(Account, "add"),
        {"username": "both_at_once", "usable_password": "false", "client": client.pk, "worker": worker.pk},
    )

    assert response.status_code == 200
    assert "belongs to a client or to a worker, not to both" in response.text
    assert Account.objects.count() == count


def test_searching_clients_finds_them_by_surname_and_e_mail(administrator):
    wanted = Client.objects.order_by("pk")[5]
    by_email = administrator.get(_url(Client, "changelist"), {"q": wanted.email})
    assert list(by_email.context["cl"].result_list) == [wanted]

    by_surname = administrator.get(_url(Client, "changelist"), {"q": wanted.surname})
    found = list(by_surname.context["cl"].result_list)
    assert wanted in found
    assert len(found) < Client.objects.count()
    assert all(wanted.surname.lower() in client.full_name.lower() for client in found)


def test_searching_leads_finds_them_by_phone_and_surname(administrator):
    wanted = Lead.objects.order_by("pk")[7]
    by_phone = administrator.get(_url(Lead, "changelist"), {"q": wanted.phone})
    assert list(by_phone.context["cl"].result_list) == [wanted]

    by_surname = administrator.get(_url(Lead, "changelist"), {"q": wanted.surname})
    assert wanted in by_surname.context["cl"].result_list


def test_closed_conversations_are_found_by_what_was_written_in_them(administrator):
    closed = Conversation.objects.filter(status=ConversationStatus.CLOSED).order_by("pk").first()
    last_line = closed.messages.order_by("-id").first().text

    response = administrator.get(_url(Conversation, "changelist"), {"q": last_line, "status__exact": "closed"})

    found = list(response.context["cl"].result_list)
    assert closed in found
    assert all(conversation.status == ConversationStatus.CLOSED for conversation in found)
    by_customer = administrator.get(_url(Conversation, "changelist"), {"q": closed.customer.client.email})
    assert closed in by_customer.context["cl"].result_list


BIG_MODELS = ["Client", "Account", "BankAccount", "Receipt", "Transfer", "Campaign", "Product", "Lead", "CampaignLead"]
BIG_MODELS += ["CallAttempt", "Message", "News", "Survey", "Conversation", "ChatMessage", "Worker"]


def test_changelists_do_as_many_queries_with_more_rows(administrator, django_assert_max_num_queries, monkeypatch):
    # The session's last-seen time is saved at most every 15 seconds: on a busy machine they can pass during
    # the test, and its session write must not count for one side only.
    monkeypatch.setattr("portal.middleware.LAST_SEEN_PRECISION", float("inf"))
    models = {model.__name__: model for model in OUR_MODELS}
    queries, rows = {}, {}
    for name in BIG_MODELS:
        rows[name] = models[name].objects.count()
        with CaptureQueriesContext(connection) as captured:
            assert administrator.get(_url(models[name], "changelist")).status_code == 200
        queries[name] = len(captured)

    call_command("seed_demo", "--clients", "120", stdout=io.StringIO())  # about three times as many rows

    for name in BIG_MODELS:
        assert models[name].objects.count() > rows[name]
        with django_assert_max_num_queries(queries[name]):
            assert administrator.get(_url(models[name], "changelist")).status_code == 200


@pytest.fixture
def back_office_clerk(demo_data, db, client):
    client.force_login(StaffFactory(username="clerk", back_office=True))
    return client


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model._meta.label)
def test_back_office_staff_reach_the_pages_of_their_models(back_office_clerk, model):
    instance = model.objects.order_by("pk").first()
    assert back_office_clerk.get(_url(model, "changelist")).status_code == 200
    assert back_office_clerk.get(_url(model, "change", instance.pk)).status_code == 200


def test_back_office_staff_cannot_write_history(back_office_clerk):
    for model in HISTORY_MODELS:
        assert back_office_clerk.get(_url(model, "add")).status_code == 403
    assert back_office_clerk.get(_url(Client, "add")).status_code == 200


def test_a_chat_agent_with_admin_access_sees_conversations_but_not_clients(demo_data, db, client):
    agent = Account.objects.get(username="demo_chat_agent")
    agent.is_staff = True
    agent.save(update_fields=["is_staff"])
    client.force_login(agent)

    assert client.get(_url(Conversation, "changelist")).status_code == 200
    assert client.get(_url(Client, "changelist")).status_code == 403
    assert client.get(_url(Receipt, "changelist")).status_code == 403


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/client/", "/admin/accounts/receipt/"])
def test_a_customer_cannot_reach_the_admin_at_all(demo_data, db, client, path):
    client.force_login(Account.objects.get(username="demo_customer"))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(demo_data, db, client):
    response = client.get(_url(Client, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
