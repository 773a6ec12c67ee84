"""The payment form: a payment goes through once, and every refusal shows why and writes nothing."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest

from banking.models import BankAccount, PaymentChallenge, Receipt, Transfer
from tests.factories import BankAccountFactory
from tests.paying import ask_to_pay, confirm, enter_code


def form_key(response) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the payment form carries its idempotency key"
    return match.group(1)


def ledger_snapshot() -> tuple:
    return (
        sorted(BankAccount.objects.values_list("number", "balance")),
        Receipt.objects.count(),
        Transfer.objects.count(),
    )


@pytest.fixture
def payment(customer_client, rub_account, others_rub_account):
    """Pays as a person would: open the form, fill it in, send it, confirm, enter the code when asked.

    Returns the first answer that is not the next step: a refusal on the form, or the receipt's redirect.
    """

    def pay(**fields):
        key = form_key(customer_client.get("/payments/new/"))
        data = {
            "payer": rub_account.number,
            "recipient": others_rub_account.number,
            "amount": "100",
            "comment": "",
            "idempotency_key": key,
            **fields,
        }
        confirmation = customer_client.post("/payments/new/", data)
        if "preview" not in (confirmation.context or {}):
            return confirmation
        done = confirm(customer_client, confirmation)
        if "/payments/code/" in done.get("Location", ""):
            done = enter_code(customer_client, PaymentChallenge.objects.get())
        return done

    return pay


@pytest.mark.django_db
def test_the_form_offers_only_the_customers_open_accounts_and_a_fresh_key_each_time(
    customer_client, customer, rub_account, others_rub_account
):
    closed = BankAccountFactory(owner=customer, currency="RUB")
    BankAccount.objects.filter(pk=closed.pk).update(is_closed=True)
    first, second = customer_client.get("/payments/new/"), customer_client.get("/payments/new/")
    page = first.content.decode()
    assert rub_account.number in page
    assert f'value="{closed.number}"' not in page
    assert others_rub_account.number not in page
    assert form_key(first) != form_key(second)
    uuid.UUID(form_key(first))


@pytest.mark.django_db
def test_a_payment_moves_the_money_writes_two_receipts_and_shows_the_debit_receipt(
    payment, customer_client, rub_account, others_rub_account
):
    response = payment(amount="1 500,50", comment="за квартиру")
    made = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/{made.pk}/"
    rub_account.refresh_from_db()
    others_rub_account.refresh_from_db()
    assert rub_account.balance == Decimal("8499.50")
    assert others_rub_account.balance == Decimal("2000.50")
    debit, credit = made.receipts.get(kind="debit"), made.receipts.get(kind="credit")
    assert (debit.bank_account, debit.amount, debit.balance_after) == (
        rub_account,
        Decimal("1500.50"),
        Decimal("8499.50"),
    )
    assert (credit.bank_account, credit.balance_after) == (others_rub_account, Decimal("2000.50"))
    receipt_page = customer_client.get(response["Location"]).content.decode()
    assert "Payment done" in receipt_page
    assert "1,500.50\u00a0₽" in receipt_page
    assert others_rub_account.number in receipt_page
    assert "за квартиру" in receipt_page


@pytest.mark.django_db
def test_a_payment_to_ones_own_other_account_is_fine(payment, customer, rub_account):
    own_other = BankAccountFactory(owner=customer, currency="RUB")
    assert payment(recipient=own_other.number, amount="10").status_code == 302
    own_other.refresh_from_db()
    assert own_other.balance == Decimal("10.00")


@pytest.mark.django_db
def test_spaces_in_the_payee_number_are_ignored(payment, others_rub_account):
    spaced = " ".join(others_rub_account.number[i : i + 5] for i in range(0, 20, 5))
    assert payment(recipient=spaced).status_code == 302


@pytest.mark.django_db
def test_a_double_submit_pays_once_and_shows_the_same_receipt(customer_client, rub_account, others_rub_account):
    key = uuid.UUID(form_key(customer_client.get("/payments/new/")))
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="250", key=key
    )
    first, second = confirm(customer_client, confirmation), confirm(customer_client, confirmation)
    assert first["Location"] == second["Location"]  # one code page: one code for one payment
    challenge = PaymentChallenge.objects.get()
    paid, again = enter_code(customer_client, challenge), enter_code(customer_client, challenge)
    assert paid["Location"] == again["Location"]
    assert Transfer.objects.count() == 1
    assert Receipt.objects.filter(transfer__isnull=False).count() == 2
    rub_account.refresh_from_db()
    assert rub_account.balance == Decimal("9750.00")


@pytest.mark.django_db
def test_a_used_form_cannot_be_reused_for_another_payment(payment, customer_client, rub_account, others_rub_account):
    key = form_key(customer_client.get("/payments/new/"))
    payment(amount="250", idempotency_key=key)
    before = ledger_snapshot()
    confirmation = ask_to_pay(
        customer_client, payer=rub_account.number, recipient=others_rub_account.number, amount="999", key=key
    )
    response = confirm(customer_client, confirmation)
    assert response.status_code == 400
    assert "already used for another payment" in response.content.decode()
    assert ledger_snapshot() == before


REFUSALS = [
    pytest.param({"recipient": "40817810999999999999"}, "There is no account 40817810999999999999", id="unknown"),
    pytest.param({"amount": "20000"}, "Not enough money: the balance is 10,000.00 RUB", id="insufficient"),
    pytest.param({"recipient": "usd"}, "is in USD, but you pay in RUB", id="other-currency"),
    pytest.param({"recipient": "self"}, "it is the account you pay from", id="same-account"),
    pytest.param({"recipient": "closed"}, "is closed", id="closed"),
    pytest.param({"amount": "abc"}, "Enter the amount as a number", id="not-a-number"),
    pytest.param({"amount": "0"}, "must be greater than zero", id="zero"),
    pytest.param({"amount": "-5"}, "must be greater than zero", id="negative"),
    pytest.param({"amount": "10.001"}, "at most two digits after the decimal point", id="three-decimals"),
    pytest.param({"amount": "1" * 30}, "The amount is too large", id="too-large"),
    pytest.param({"amount": ""}, "This field is required", id="no-amount"),
    pytest.param({"payer": "someone_elses"}, "Select a valid choice", id="not-own-payer"),
    pytest.param({"idempotency_key": ""}, "The payment form is incomplete", id="no-key"),
    pytest.param({"idempotency_key": "not-a-uuid"}, "The payment form is incomplete", id="bad-key"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "message"), REFUSALS)
def test_every_refusal_shows_why_and_writes_nothing(
    payment, customer, other_customer, rub_account, others_rub_account, fields, message
):
    stand_ins = {
        "usd": lambda: BankAccountFactory(owner=other_customer, currency="USD").number,
        "self": lambda: rub_account.number,
        "closed": lambda: _closed_account(other_customer).number,
        "someone_elses": lambda: others_rub_account.number,
    }
    resolved = {name: stand_ins[value]() if value in stand_ins else value for name, value in fields.items()}
    before = ledger_snapshot()
    response = payment(**resolved)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ledger_snapshot() == before


def _closed_account(owner) -> BankAccount:
    closed = BankAccountFactory(owner=owner, currency="RUB")
    BankAccount.objects.filter(pk=closed.pk).update(is_closed=True)
    return closed


@pytest.mark.django_db
def test_the_receipt_is_only_the_payers(payment, client, customer_client, other_customer):
    location = payment()["Location"]
    assert customer_client.get(location).status_code == 200
    client.force_login(other_customer)  # the payee: it is not their receipt
    assert client.get(location).status_code == 404
    assert client.get("/payments/999999/").status_code == 404


@pytest.mark.django_db
def test_a_customer_without_accounts_is_told_so(customer_client):
    assert "You have no open account to pay from" in customer_client.get("/payments/new/").content.decode()


@pytest.mark.django_db
def test_the_payment_form_preselects_the_account_chosen_on_the_dashboard(customer_client, customer, rub_account):
    second = BankAccountFactory(owner=customer, currency="USD")
    page = customer_client.get(f"/payments/new/?from={second.pk}").content.decode()
    assert f'<option value="{second.number}" selected>' in page
