"""Every business rule the database can hold is held by it: a violating write raises IntegrityError
and leaves nothing behind. Runs on SQLite and again on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, Client
from banking.models import BankAccount, Receipt, Transfer
from campaigns.models import Campaign, CampaignLead, Lead, Product
from chat.models import ChatMessage, Conversation
from outreach.models import Message, News
from surveys.models import Survey
from tests.factories import AccountFactory, BankAccountFactory, CampaignFactory, ClientFactory, WorkerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NOW = timezone.now()


def assert_refused(model, write) -> None:
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert model.objects.count() == before


def assert_update_refused(instance, **changes) -> None:
    model = type(instance)
    stored = model.objects.filter(pk=instance.pk).values(*changes).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=instance.pk).update(**changes)
    assert model.objects.filter(pk=instance.pk).values(*changes).get() == stored


def test_client_email_is_unique():
    ClientFactory(email="ivanov@example.ru")
    assert_refused(Client, lambda: ClientFactory(email="ivanov@example.ru"))


def test_client_sex_must_be_a_known_value():
    assert_refused(
        Client,
        lambda: Client.objects.create(surname="А", name="Б", sex="X", birth_date=dt.date(1990, 1, 1), email="a@b.ru"),
    )


def test_account_belongs_to_a_client_or_a_worker_never_both():
    assert_refused(Account, lambda: AccountFactory(client=ClientFactory(), worker=WorkerFactory()))
    assert AccountFactory(username="client-login", client=ClientFactory(email="c@example.ru")).is_customer
    assert not AccountFactory(username="worker-login", worker=WorkerFactory()).is_customer


def test_bank_account_balance_never_below_zero():
    bank_account = BankAccountFactory(owner=AccountFactory(), balance="100.00")
    assert_update_refused(bank_account, balance=Decimal("-0.01"))
    assert_refused(
        BankAccount,
        lambda: BankAccount.objects.create(
            owner=AccountFactory(username="other"), number="40817810000000000002", currency="RUB", balance=Decimal("-1")
        ),
    )


def test_bank_account_number_is_unique_and_20_characters():
    owner = AccountFactory()
    first = BankAccountFactory(owner=owner)
    assert_refused(BankAccount, lambda: BankAccount.objects.create(owner=owner, number=first.number, currency="RUB"))
    assert_refused(BankAccount, lambda: BankAccount.objects.create(owner=owner, number="4081781000", currency="RUB"))


def test_bank_account_currency_is_iso_4217():
    owner = AccountFactory()
    assert_refused(
        BankAccount, lambda: BankAccount.objects.create(owner=owner, number="40817810000000000009", currency="XYZ")
    )


def test_transfer_amount_positive_between_two_accounts_and_key_used_once():
    owner = AccountFactory()
    payer, payee = BankAccountFactory(owner=owner, balance="100.00"), BankAccountFactory(owner=owner, balance="100.00")

    def transfer(amount="1.00", to=payee, key=None):
        extra = {"idempotency_key": key} if key else {}
        return Transfer.objects.create(payer=payer, payee=to, amount=Decimal(amount), initiated_by=owner, **extra)

    assert_refused(Transfer, lambda: transfer("0"))
    assert_refused(Transfer, lambda: transfer("-5"))
    assert_refused(Transfer, lambda: transfer(to=payer))
    first = transfer()
    assert_refused(Transfer, lambda: transfer(key=first.idempotency_key))


def test_receipt_amount_positive_balance_after_not_negative_one_side_per_transfer():
    owner = AccountFactory()
    payer, payee = BankAccountFactory(owner=owner, balance="100.00"), BankAccountFactory(owner=owner, balance="100.00")
    transfer = Transfer.objects.create(payer=payer, payee=payee, amount=Decimal("1"), initiated_by=owner)

    def receipt(amount="1.00", balance_after="99.00", kind="debit", with_transfer=True):
        return Receipt.objects.create(
            bank_account=payer,
            transfer=transfer if with_transfer else None,
            kind=kind,
            amount=Decimal(amount),
            balance_after=Decimal(balance_after),
        )

    assert_refused(Receipt, lambda: receipt(amount="0"))
    assert_refused(Receipt, lambda: receipt(balance_after="-1"))
    assert_refused(Receipt, lambda: receipt(kind="refund"))
    receipt()
    assert_refused(Receipt, lambda: receipt())
    # Receipts without a transfer (deposits) are not limited by the per-transfer rule.
    receipt(kind="credit", with_transfer=False)
    receipt(kind="credit", with_transfer=False)


def test_receipts_cannot_be_changed_once_written():
    owner = AccountFactory()
    written = Receipt.objects.create(
        bank_account=BankAccountFactory(owner=owner), kind="credit", amount=Decimal("5"), balance_after=Decimal("105")
    )
    written.amount = Decimal("500")
    with pytest.raises(ValueError, match="immutable"):
        written.save()
    assert Receipt.objects.get(pk=written.pk).amount == Decimal("5")


def test_campaign_times_follow_its_status():
    campaign = CampaignFactory(active=False)
    assert_update_refused(campaign, status="active")  # started without a start time
    assert_update_refused(campaign, status="finished", started_at=NOW)  # finished without an end time
    assert_update_refused(campaign, status="finished", started_at=NOW, ended_at=NOW - dt.timedelta(days=1))
    assert_update_refused(campaign, status="cancelled")
    Campaign.objects.filter(pk=campaign.pk).update(status="finished", started_at=NOW, ended_at=NOW)


def test_campaign_budget_is_base_amount_plus_products():
    campaign = CampaignFactory(active=False, base_amount=Decimal("1000.00"))
    assert campaign.budget == Decimal("1000.00")
    card = Product.objects.create(campaign=campaign, name="Карта", kind="card", cost=Decimal("250.50"))
    Product.objects.create(campaign=campaign, name="Вклад", kind="deposit", cost=Decimal("100.00"))
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("1350.50")
    card.cost = Decimal("50.00")
    card.save()
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("1150.00")
    card.delete()
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("1100.00")
    campaign.base_amount = Decimal("2000.00")
    campaign.save()
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("2100.00")
    assert_update_refused(campaign, budget=Decimal("10.00"))  # below its base amount


def test_product_cost_not_negative_and_kind_known():
    campaign = CampaignFactory(active=False)
    assert_refused(Product, lambda: Product.objects.create(campaign=campaign, name="X", kind="card", cost=-1))
    assert_refused(Product, lambda: Product.objects.create(campaign=campaign, name="X", kind="bond", cost=1))


def test_lead_phone_unique_and_international():
    Lead.objects.create(surname="Сидоров", name="Пётр", phone="+79161112233")
    assert_refused(Lead, lambda: Lead.objects.create(surname="Другой", name="Лид", phone="+79161112233"))
    assert_refused(Lead, lambda: Lead.objects.create(surname="Сидоров", name="Пётр", phone="89161112233"))


def test_lead_takes_part_in_a_campaign_once_with_a_valid_state():
    campaign = CampaignFactory(active=False)
    lead = Lead.objects.create(surname="Сидоров", name="Пётр", phone="+79161112233")
    CampaignLead.objects.create(campaign=campaign, lead=lead)
    assert_refused(CampaignLead, lambda: CampaignLead.objects.create(campaign=campaign, lead=lead))
    other = Lead.objects.create(surname="Смирнова", name="Ольга", phone="+79161112234")
    assert_refused(CampaignLead, lambda: CampaignLead.objects.create(campaign=campaign, lead=other, state="callback"))
    assert_refused(CampaignLead, lambda: CampaignLead.objects.create(campaign=campaign, lead=other, state="lost"))
    assert_refused(
        CampaignLead, lambda: CampaignLead.objects.create(campaign=campaign, lead=other, held_by=AccountFactory())
    )


def test_message_goes_to_exactly_one_of_client_or_lead_and_starts_waiting():
    client = ClientFactory()
    lead = Lead.objects.create(surname="Сидоров", name="Пётр", phone="+79161112233")
    assert_refused(Message, lambda: Message.objects.create(subject="S", body="B"))
    assert_refused(Message, lambda: Message.objects.create(client=client, lead=lead, subject="S", body="B"))
    assert_refused(Message, lambda: Message.objects.create(client=client, subject="S", body="B", status="lost"))
    assert Message.objects.create(lead=lead, subject="S", body="B").status == "await"


def test_news_is_not_published_twice_to_one_account():
    account = AccountFactory()
    News.objects.create(account=account, title="Новый вклад", body="Ставка 18% годовых")
    assert_refused(News, lambda: News.objects.create(account=account, title="Новый вклад", body="Ставка 18% годовых"))
    News.objects.create(account=AccountFactory(username="other"), title="Новый вклад", body="Ставка 18% годовых")
    News.objects.create(account=account, title="Новый вклад", body="Ставка 19% годовых")


def test_survey_rating_from_1_to_5():
    client = ClientFactory()
    for rating in (0, 6):
        assert_refused(Survey, lambda r=rating: Survey.objects.create(client=client, kind="thanks", rating=r))
    assert_refused(Survey, lambda: Survey.objects.create(client=client, kind="praise", rating=5))
    Survey.objects.create(client=client, kind="thanks", rating=5)


def test_conversation_state_and_messages_sent_once():
    customer, agent = AccountFactory(username="customer"), AccountFactory(username="agent")
    assert_refused(Conversation, lambda: Conversation.objects.create(customer=customer, status="active"))
    assert_refused(Conversation, lambda: Conversation.objects.create(customer=customer, status="closed"))
    assert_refused(
        Conversation, lambda: Conversation.objects.create(customer=customer, agent=customer, status="active")
    )
    conversation = Conversation.objects.create(customer=customer, agent=agent, status="active")

    def message(sender, client_message_id: str, seq: int, text: str):
        return lambda: ChatMessage.objects.create(
            conversation=conversation, sender=sender, client_message_id=client_message_id, seq=seq, text=text
        )

    message(customer, "m-1", 1, "Здравствуйте")()
    assert_refused(ChatMessage, message(customer, "m-1", 2, "Здравствуйте"))
    assert_refused(ChatMessage, message(customer, "m-2", 2, ""))
    # Two messages cannot share a number in one conversation, and numbers start at 1.
    assert_refused(ChatMessage, message(agent, "a-1", 1, "Добрый день"))
    assert_refused(ChatMessage, message(agent, "a-1", 0, "Добрый день"))


# --- the seed's fields (issue 18 item 5) ----------------------------------------------------------------------


def test_worker_sex_birth_date_and_salary_are_plausible():
    worker = WorkerFactory(sex="F", birth_date=dt.date(1990, 5, 1), hired_on=dt.date(2015, 3, 1), salary="85000.00")
    assert_update_refused(worker, sex="X")
    assert_update_refused(worker, birth_date=dt.date(1899, 12, 31))
    assert_update_refused(worker, birth_date=dt.date(2015, 3, 1))  # not born on (or after) the day of hiring
    assert_update_refused(worker, salary=Decimal("-0.01"))
    WorkerFactory(sex="", birth_date=None, salary=None)  # each may be left unknown
    WorkerFactory(salary=Decimal("0"))


def test_lead_sex_known_or_left_out():
    lead = Lead.objects.create(surname="А", name="Б", phone="+79031447602", sex="F", note="Звонить вечером")
    assert_update_refused(lead, sex="X")
    Lead.objects.filter(pk=lead.pk).update(sex="")


def test_product_interest_rate_from_0_to_100_percent():
    product = Product.objects.create(
        campaign=CampaignFactory(active=False), name="Вклад", kind="deposit", cost=0, interest_rate=Decimal("16.5")
    )
    assert_update_refused(product, interest_rate=Decimal("-0.01"))
    assert_update_refused(product, interest_rate=Decimal("100.01"))
    Product.objects.filter(pk=product.pk).update(interest_rate=None)
    Product.objects.filter(pk=product.pk).update(interest_rate=Decimal("100"))


def test_bank_account_type_is_current_savings_or_card():
    bank_account = BankAccountFactory(owner=AccountFactory())
    assert bank_account.kind == "current"
    assert_update_refused(bank_account, kind="deposit")
    for kind in ("savings", "card"):
        BankAccount.objects.filter(pk=bank_account.pk).update(kind=kind)
