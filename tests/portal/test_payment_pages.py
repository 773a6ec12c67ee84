"""The payment pages as a customer uses them: confirm before paying, the code, paying by phone, templates."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from banking.models import BankAccount, PaymentChallenge, PaymentTemplate, Transfer
from banking.services import transfer
from tests.factories import BankAccountFactory, CustomerFactory
from tests.paying import ask_to_pay, confirm, enter_code, pay_through_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def sidorov():
    return CustomerFactory(
        client__name="Иван", client__patronymic="Петрович", client__surname="Сидоров", client__phone="+79031447602"
    )


def test_the_confirmation_shows_the_recipient_as_a_bank_does_and_moves_nothing(customer_client, rub_account, sidorov):
    payee = BankAccountFactory(owner=sidorov)
    page = ask_to_pay(customer_client, payer=rub_account.number, recipient=payee.number, amount="1 500,50")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="payment-recipient">Иван Петрович С.' in text
    assert "1,500.50" in text and "8,499.50" in text  # the amount, and the balance it leaves
    assert "one-time code" in text  # a first payment to him
    assert sidorov.client.surname not in text
    assert payee.masked_number in text
    assert not Transfer.objects.exists()


def test_a_payment_with_a_code_through_the_pages(customer_client, rub_account, others_rub_account):
    done = pay_through_pages(customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="5")
    assert done.status_code == 302 and done["Location"] == f"/payments/{Transfer.objects.get().pk}/"


def test_a_known_recipient_below_the_threshold_is_paid_at_confirm(
    customer, customer_client, rub_account, others_rub_account
):
    transfer(
        initiated_by=customer,
        payer_number=rub_account.number,
        payee_number=others_rub_account.number,
        amount="1",
        idempotency_key=uuid.uuid4(),
    )
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="7"
    )
    assert "one-time code" not in confirmation.content.decode()
    done = confirm(customer_client, confirmation)
    assert done["Location"] == f"/payments/{Transfer.objects.first().pk}/"
    assert BankAccount.objects.get(pk=rub_account.pk).balance == Decimal("9992.00")


def test_wrong_codes_are_explained_and_the_third_cancels(customer_client, rub_account, others_rub_account):
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="5"
    )
    code_page = confirm(customer_client, confirmation)["Location"]
    challenge = PaymentChallenge.objects.get()
    assert customer_client.get(code_page).status_code == 200
    for left in (2, 1):
        wrong = enter_code(customer_client, challenge, "12345x")
        assert wrong.status_code == 400
        assert f"Wrong code. Tries left: {left}." in wrong.content.decode()
    cancelled = enter_code(customer_client, challenge, "12345x")
    assert cancelled["Location"] == "/payments/new/"
    assert "this payment is cancelled" in customer_client.get("/payments/new/").content.decode()
    assert not Transfer.objects.exists()


def test_a_new_code_can_be_asked_for(customer_client, rub_account, others_rub_account):
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="5"
    )
    confirm(customer_client, confirmation)
    challenge = PaymentChallenge.objects.get()
    again = customer_client.post(f"/payments/code/{challenge.pk}/resend/", follow=True)
    assert "We have sent a new code" in again.content.decode()
    assert PaymentChallenge.objects.get().sends == 2
    assert enter_code(customer_client, challenge).status_code == 302


def test_a_customer_is_paid_by_phone_to_their_main_account_in_that_currency(customer_client, rub_account, sidorov):
    main = BankAccountFactory(owner=sidorov)
    BankAccountFactory(owner=sidorov)  # opened later: not the main one
    BankAccountFactory(owner=sidorov, currency="USD")
    done = pay_through_pages(customer_client, payer=rub_account.number, recipient="8 (903) 144-76-02", amount="100")
    assert done.status_code == 302
    assert Transfer.objects.get().payee_id == main.pk


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("+7 900 000-00-00", "No customer of the bank with this phone number has an account in RUB."),
        ("12345", "Enter the recipient&#x27;s 20-digit account number or their phone number"),
    ],
)
def test_a_phone_nobody_has_is_refused_clearly(customer_client, rub_account, recipient, message):
    page = ask_to_pay(customer_client, payer=rub_account.number, recipient=recipient, amount="100")
    assert message in page.content.decode()
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("amount", ["١٠", "１０", "1e1", "1_0", "۱۰"])
def test_amounts_in_other_digits_or_notations_are_refused_everywhere(customer_client, customer, rub_account, amount):
    payee = BankAccountFactory()
    page = ask_to_pay(customer_client, payer=rub_account.number, recipient=payee.number, amount=amount)
    assert "Enter the amount as a number" in page.content.decode()
    dollars = BankAccountFactory(owner=customer, currency="USD")
    exchange = customer_client.post(
        "/exchange/",
        {"sell_from": rub_account.number, "buy_to": dollars.number, "amount": amount, "idempotency_key": uuid.uuid4()},
    )
    assert "Enter the amount as a number" in exchange.content.decode()
    assert not Transfer.objects.exists()
    assert BankAccount.objects.get(pk=rub_account.pk).balance == Decimal("10000.00")


@pytest.mark.parametrize("amount", ["1e1", "١٠"])
def test_a_confirmation_altered_to_such_an_amount_pays_nothing(
    customer_client, rub_account, others_rub_account, amount
):
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="10"
    )
    form = confirmation.context["form"]
    sent = {name: form[name].value() or "" for name in form.fields}
    assert customer_client.post("/payments/confirm/", {**sent, "amount": amount})["Location"] == "/payments/new/"
    assert not Transfer.objects.exists() and not PaymentChallenge.objects.exists()


def test_a_payment_saved_as_a_template_is_repeated_from_the_overview(customer_client, rub_account, others_rub_account):
    done = pay_through_pages(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="321", comment="Аренда"
    )
    saved = customer_client.post(f"{done['Location']}template/", {"name": "Аренда"}, follow=True)
    assert "Template saved" in saved.content.decode()
    template = PaymentTemplate.objects.get()
    overview = customer_client.get("/").content.decode()
    assert f'href="/payments/new/?template={template.pk}"' in overview and "Аренда" in overview
    form = customer_client.get(f"/payments/new/?template={template.pk}").context["form"]
    assert (form["payer"].value(), form["recipient"].value(), form["amount"].value(), form["comment"].value()) == (
        rub_account.number,
        others_rub_account.number,
        "321.00",
        "Аренда",
    )
    twice = customer_client.post(f"{done['Location']}template/", {"name": " Аренда "}, follow=True)
    assert "You already have a template named “Аренда”" in twice.content.decode()
    customer_client.post(f"/payments/templates/{template.pk}/delete/")
    assert not PaymentTemplate.objects.exists()


def test_someone_elses_template_or_payment_is_not_found(customer_client, client, other_customer, others_rub_account):
    payee = BankAccountFactory()
    theirs = transfer(
        initiated_by=other_customer,
        payer_number=others_rub_account.number,
        payee_number=payee.number,
        amount="1",
        idempotency_key=uuid.uuid4(),
    )
    template = PaymentTemplate.objects.create(
        owner=other_customer, name="Их", payer=others_rub_account, payee=payee.number, amount="1"
    )
    assert customer_client.get(f"/payments/new/?template={template.pk}").status_code == 404
    assert customer_client.post(f"/payments/{theirs.pk}/template/", {"name": "Моё"}).status_code == 404
    assert customer_client.post(f"/payments/templates/{template.pk}/delete/").status_code == 404
    assert PaymentTemplate.objects.filter(owner__pk=other_customer.pk).count() == 1
