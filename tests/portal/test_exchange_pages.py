"""The exchange pages as a customer uses them: form → confirmation with both amounts → "Confirm" → done."""

from __future__ import annotations

from decimal import Decimal

import pytest

from banking.exchange import set_exchange_rate
from banking.models import BankAccount, Exchange
from tests.factories import PASSWORD, BankAccountFactory, CustomerFactory, StaffFactory, usd_rub_desk


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clerk(db):
    return StaffFactory(back_office=True, password=PASSWORD)


@pytest.fixture
def rate(clerk):
    return usd_rub_desk(clerk=clerk, roubles=None)


@pytest.fixture
def customer(db):
    return CustomerFactory(password=PASSWORD)


@pytest.fixture
def accounts(customer):
    return (
        BankAccountFactory(owner=customer, currency="RUB", balance="10000"),
        BankAccountFactory(owner=customer, currency="USD", balance="5"),
    )


@pytest.fixture
def browser(client, customer):
    client.force_login(customer)
    return client


def ask(browser, accounts, amount="1000"):
    form = browser.get("/exchange/").context["form"]
    return browser.post(
        "/exchange/",
        {
            "sell_from": accounts[0].number,
            "buy_to": accounts[1].number,
            "amount": amount,
            "idempotency_key": form.initial["idempotency_key"],
        },
    )


def confirm(browser, page):
    return browser.post("/exchange/confirm/", {f.name: f.value() for f in page.context["form"]})


def test_the_form_shows_both_amounts_before_anything_is_exchanged(browser, accounts, rate):
    page = browser.get("/exchange/")
    assert page.context["form"].initial["sell_from"] == accounts[0].number  # roubles preselected
    shown = ask(browser, accounts, amount="1 000,00")
    assert shown.status_code == 200
    assert "1,000.00\u00a0₽" in shown.text and "10.47\u00a0$" in shown.text and "1\u00a0$ = 95.50\u00a0₽" in shown.text
    assert Exchange.objects.count() == 0

    done = confirm(browser, shown)
    made = Exchange.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/exchange/{made.pk}/"
    assert "10.47\u00a0$" in browser.get(done["Location"]).text
    # "Confirm" pressed again (the back button, a second tab): still one exchange.
    assert confirm(browser, shown)["Location"] == f"/exchange/{made.pk}/"
    assert Exchange.objects.count() == 1
    assert BankAccount.objects.get(pk=accounts[0].pk).balance == Decimal("9000.00")


def test_in_russian_with_decimal_commas_and_signs(browser, accounts, rate):
    browser.cookies["django_language"] = "ru"
    shown = ask(browser, accounts, amount="1 000,00")
    assert "Обмен валюты" in browser.get("/exchange/").text
    assert "1\u00a0000,00\u00a0₽" in shown.text and "10,47\u00a0$" in shown.text
    assert "1\u00a0$ = 95,50\u00a0₽" in shown.text and "Подтвердить" in shown.text


def test_a_rate_changed_before_confirming_shows_the_new_amounts(browser, accounts, rate, clerk):
    shown = ask(browser, accounts)
    set_exchange_rate(base="USD", quote="RUB", buy=Decimal("91"), sell=Decimal("100"), set_by=clerk)
    again = confirm(browser, shown)
    assert again.status_code == 200 and Exchange.objects.count() == 0
    assert "The exchange rate has changed" in again.text and "10.00\u00a0$" in again.text
    assert confirm(browser, again).status_code == 302
    assert Exchange.objects.get().bought_leg.amount == Decimal("10.00")


def test_refusals_are_shown_on_the_form(browser, accounts, rate):
    page = ask(browser, accounts, amount="20000")
    assert page.status_code == 200 and "Not enough money" in page.text
    assert "Enter the amount as a number" in ask(browser, accounts, amount="abc").text
    assert Exchange.objects.count() == 0


def test_someone_elses_exchange_is_not_found(browser, accounts, rate, client):
    confirm(browser, ask(browser, accounts))
    made = Exchange.objects.get()
    client.force_login(CustomerFactory(password=PASSWORD))
    assert client.get(f"/exchange/{made.pk}/").status_code == 404


def test_a_tampered_confirmation_pays_nothing(browser, accounts, rate):
    shown = ask(browser, accounts)
    fields = {f.name: f.value() for f in shown.context["form"]}
    others = BankAccountFactory(owner=CustomerFactory(password=PASSWORD), currency="RUB", balance="10000")
    answer = browser.post("/exchange/confirm/", {**fields, "sell_from": others.number})
    assert answer.status_code == 200 and "You have no account" in answer.text
    assert Exchange.objects.count() == 0
