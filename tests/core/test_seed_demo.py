"""seed_demo: realistic data, consistent money, demo logins that work, and a second run that breaks nothing."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from accounts import roles
from accounts.models import Account, Client, Worker
from banking.models import BankAccount, Receipt
from campaigns.models import Campaign, CampaignLead, Lead, Product
from chat.models import Conversation
from core.phones import parse_phone
from outreach.models import Message, News
from surveys.models import Survey
from telemarketing.demo.basics import COUNTED, DEMO_LOGINS

PASSWORD = "demo-bank-2026"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in COUNTED.items()}


def sign_in(username: str, password: str):
    return authenticate(RequestFactory().post("/login/"), username=username, password=password)


def assert_ledger_matches_balances() -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for receipt in Receipt.objects.all():
        totals[receipt.bank_account_id] += receipt.signed_amount
    for bank_account in BankAccount.objects.all():
        assert totals[bank_account.pk] == bank_account.balance, bank_account.number


@pytest.mark.django_db
@pytest.mark.postgres
def test_running_twice_adds_nothing_and_keeps_the_ledger_consistent():
    seed("--password", PASSWORD)
    first = counts()
    assert_ledger_matches_balances()

    output = seed("--password", PASSWORD)

    assert counts() == first
    assert "nothing added" in output
    assert_ledger_matches_balances()
    assert Account.objects.filter(username__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)


@pytest.mark.django_db
def test_the_small_size_fills_every_table():
    seed("--password", PASSWORD)

    assert all(count > 0 for count in counts().values()), counts()
    assert set(Campaign.objects.values_list("status", flat=True)) == set(Campaign.Status.values)
    assert not Campaign.objects.filter(status="draft", started_at__isnull=False).exists()
    assert not Campaign.objects.filter(status="finished", ended_at__isnull=True).exists()
    assert set(Conversation.objects.values_list("status", flat=True)) == set(Conversation.Status.values)
    assert len(set(CampaignLead.objects.values_list("state", flat=True))) >= 5
    assert Message.objects.filter(client__isnull=False).exists() and Message.objects.filter(lead__isnull=False).exists()
    for model in (Lead, Client, Worker):
        phones = list(model.objects.exclude(phone="").values_list("phone", flat=True))
        assert phones and all(parse_phone(phone) == phone for phone in phones), f"{model.__name__}: a number not valid"
    for campaign in Campaign.objects.prefetch_related("products"):
        assert campaign.budget == campaign.base_amount + sum(product.cost for product in campaign.products.all())
    # The seed's fields: workers' sex, birth date and salary; leads' sex and notes; rates; account types.
    seeded_workers = Worker.objects.exclude(sex="")
    assert seeded_workers.exists() and not seeded_workers.filter(birth_date__isnull=True).exists()
    assert not seeded_workers.filter(salary__isnull=True).exists()
    assert set(Lead.objects.values_list("sex", flat=True)) == {"M", "F"} and Lead.objects.exclude(note="").exists()
    assert Product.objects.filter(interest_rate__gt=0).exists() and Product.objects.filter(interest_rate=None).exists()
    assert set(BankAccount.objects.values_list("kind", flat=True)) >= {"current", "card"}


@pytest.mark.django_db
def test_the_data_is_in_russian_and_reproducible():
    with transaction.atomic():
        seed("--password", PASSWORD)
        first = sorted(Client.objects.values_list("surname", "name", "email"))
        leads = sorted(Lead.objects.values_list("phone", "surname"))
        transaction.set_rollback(True)
    assert not Client.objects.exists()

    seed("--password", PASSWORD)

    assert sorted(Client.objects.values_list("surname", "name", "email")) == first
    assert sorted(Lead.objects.values_list("phone", "surname")) == leads
    assert all(re.search("[а-яё]", surname, re.IGNORECASE) for _, surname in leads)


@pytest.mark.django_db
def test_a_bigger_size_tops_up_without_duplicating():
    seed("--password", PASSWORD)
    small = counts()
    emails = set(Client.objects.values_list("email", flat=True))

    seed("--clients", "70")

    topped_up = counts()
    assert all(topped_up[label] >= small[label] for label in small)
    assert topped_up["clients"] == 70 + 1  # and demo_customer's client
    assert emails <= set(Client.objects.values_list("email", flat=True))
    assert_ledger_matches_balances()


@pytest.mark.django_db
def test_the_demo_logins_sign_in_with_the_password_and_have_their_roles():
    seed("--password", PASSWORD)

    for username, role in DEMO_LOGINS.items():
        account = sign_in(username, PASSWORD)
        assert account is not None, username
        assert list(account.groups.values_list("name", flat=True)) == [role]
    admin = Account.objects.get(username="demo_admin")
    assert admin.is_superuser and admin.is_staff and admin.worker is not None
    assert not Account.objects.get(username="demo_customer").is_staff
    assert all(Account.objects.get(username=name).worker for name in DEMO_LOGINS if name != "demo_customer")


@pytest.mark.django_db
def test_demo_customer_has_money_in_two_currencies_and_something_to_read():
    seed("--password", PASSWORD)
    customer = Account.objects.get(username="demo_customer")

    funded = set(customer.bank_accounts.filter(balance__gt=0).values_list("currency", flat=True))
    assert len(funded) >= 2
    assert Receipt.objects.filter(bank_account__owner=customer, transfer__isnull=False).exists()
    assert News.objects.filter(account=customer).count() >= 3
    assert Message.objects.filter(client=customer.client).exists()
    assert Survey.objects.filter(client=customer.client).exists()
    assert Conversation.objects.filter(customer=customer, status="closed").exists()


@pytest.mark.django_db
def test_other_client_logins_cannot_sign_in():
    seed("--password", PASSWORD)
    someone = Account.objects.filter(client__isnull=False).exclude(username="demo_customer").first()
    assert not someone.has_usable_password()
    assert someone.groups.filter(name=roles.CUSTOMERS).exists()


@pytest.mark.django_db
def test_a_second_run_with_a_password_resets_it_and_without_one_keeps_it():
    seed("--password", PASSWORD)

    seed("--password", "another-demo-password")
    assert sign_in("demo_caller", "another-demo-password") is not None
    assert sign_in("demo_caller", PASSWORD) is None

    output = seed()
    assert "unchanged" in output
    assert sign_in("demo_caller", "another-demo-password") is not None


@pytest.mark.django_db
def test_without_a_password_a_random_one_is_printed_and_works():
    output = seed()

    printed = re.search(r"Password of the new demo logins: (\S+)", output)
    assert printed, output
    assert sign_in("demo_customer", printed.group(1)) is not None
    assert sign_in("demo_admin", printed.group(1)) is not None


@pytest.mark.django_db
def test_the_summary_names_the_logins_and_what_was_added():
    output = seed("--password", PASSWORD)

    for username in DEMO_LOGINS:
        assert username in output
    assert re.search(r"added \d+ clients", output)
    assert PASSWORD in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clients", "0"], "--clients must be a positive number"),
        (["--size", "enormous"], "invalid choice"),
        (["--password", " "], "--password must not be empty"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(args, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert counts() == before
