"""Payment templates at the service: saved from the customer's own payment, named once, deleted by their owner."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from banking.exchange import exchange, fund_exchange_desk, set_exchange_rate
from banking.models import PaymentTemplate
from banking.saved_payments import TEMPLATES_PER_CUSTOMER, delete_template, save_template
from banking.selectors import payment_templates
from banking.services import PaymentError, transfer
from tests.factories import BankAccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


def paid(customer, payer, payee, amount: str = "120.50", comment: str = "Аренда"):
    return transfer(
        initiated_by=customer,
        payer_number=payer.number,
        payee_number=payee.number,
        amount=amount,
        idempotency_key=uuid.uuid4(),
        comment=comment,
    )


def test_a_template_keeps_the_payment_to_repeat_it(customer, rub_account, others_rub_account):
    made = paid(customer, rub_account, others_rub_account)
    template = save_template(owner=customer, transfer_id=made.pk, name="  Аренда   за  май ")
    assert (template.name, template.payer, template.payee, template.amount, template.comment) == (
        "Аренда за май",
        rub_account,
        others_rub_account.number,
        Decimal("120.50"),
        "Аренда",
    )
    assert payment_templates(account=customer) == [template]


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Name the template."), ("x" * 61, "at most 60 characters")],
)
def test_a_template_needs_a_short_name(customer, rub_account, others_rub_account, name, message):
    made = paid(customer, rub_account, others_rub_account)
    with pytest.raises(PaymentError, match=message):
        save_template(owner=customer, transfer_id=made.pk, name=name)
    assert save_template(owner=customer, transfer_id=made.pk, name="x" * 60).name == "x" * 60


def test_names_are_unique_per_customer_and_their_number_is_bounded(
    customer, other_customer, rub_account, others_rub_account
):
    made = paid(customer, rub_account, others_rub_account)
    save_template(owner=customer, transfer_id=made.pk, name="Аренда")
    with pytest.raises(PaymentError, match="already have a template named “Аренда”"):
        save_template(owner=customer, transfer_id=made.pk, name="Аренда")
    theirs = paid(other_customer, others_rub_account, rub_account, amount="1")
    assert save_template(owner=other_customer, transfer_id=theirs.pk, name="Аренда").owner == other_customer
    for number in range(TEMPLATES_PER_CUSTOMER - 1):
        save_template(owner=customer, transfer_id=made.pk, name=f"Платёж {number}")
    with pytest.raises(PaymentError, match=f"Templates kept: {TEMPLATES_PER_CUSTOMER}"):
        save_template(owner=customer, transfer_id=made.pk, name="Лишний")
    assert PaymentTemplate.objects.filter(owner=customer).count() == TEMPLATES_PER_CUSTOMER


def test_only_ones_own_payment_is_saved_and_only_ones_own_template_deleted(
    customer, other_customer, rub_account, others_rub_account
):
    theirs = paid(other_customer, others_rub_account, rub_account, amount="1")
    with pytest.raises(PaymentError, match="no such payment"):
        save_template(owner=customer, transfer_id=theirs.pk, name="Чужой")  # the customer was its payee
    template = save_template(owner=other_customer, transfer_id=theirs.pk, name="Их")
    with pytest.raises(PaymentTemplate.DoesNotExist):
        delete_template(owner=customer, template_id=template.pk)
    delete_template(owner=other_customer, template_id=template.pk)
    assert not PaymentTemplate.objects.exists()


def test_templates_from_a_closed_account_are_not_offered(customer, rub_account, others_rub_account):
    second = BankAccountFactory(owner=customer, balance="10")
    kept = save_template(owner=customer, transfer_id=paid(customer, rub_account, others_rub_account).pk, name="A")
    save_template(owner=customer, transfer_id=paid(customer, second, others_rub_account, amount="10").pk, name="B")
    second.is_closed = True
    second.save(update_fields=["is_closed"])
    assert payment_templates(account=customer) == [kept]


def test_the_template_is_of_the_payment_chosen_among_several(customer, rub_account, others_rub_account):
    older = paid(customer, rub_account, others_rub_account, amount="120.50", comment="Аренда")
    paid(customer, rub_account, BankAccountFactory(), amount="7", comment="Кофе")
    template = save_template(owner=customer, transfer_id=older.pk, name="Аренда")
    assert (template.payee, template.amount, template.comment) == (
        others_rub_account.number,
        Decimal("120.50"),
        "Аренда",
    )


def test_deleting_a_template_leaves_the_others(customer, rub_account, others_rub_account):
    made = paid(customer, rub_account, others_rub_account)
    kept = save_template(owner=customer, transfer_id=made.pk, name="Аренда")
    gone = save_template(owner=customer, transfer_id=made.pk, name="Аренда, копия")
    delete_template(owner=customer, template_id=gone.pk)
    assert payment_templates(account=customer) == [kept]


def test_an_exchange_is_not_a_payment_to_save(customer, rub_account):
    clerk = StaffFactory()
    rate = set_exchange_rate(base="USD", quote="RUB", buy=Decimal("90"), sell=Decimal("100"), set_by=clerk)
    fund_exchange_desk(currency="USD", amount=Decimal("100"), funded_by=clerk)
    dollars = BankAccountFactory(owner=customer, currency="USD")
    made = exchange(
        initiated_by=customer,
        sell_from=rub_account.number,
        buy_to=dollars.number,
        amount="1000",
        rate_id=rate.pk,
        idempotency_key=uuid.uuid4(),
    )
    for leg in (made.sold_leg, made.bought_leg):  # the customer's money to the desk, and the desk's to them
        with pytest.raises(PaymentError, match="no such payment"):
            save_template(owner=customer, transfer_id=leg.pk, name="Доллары")
    assert not PaymentTemplate.objects.exists()
