"""Statements compiled once (core.compiled) give what the ORM gives, with each call's values."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from banking import ledger_statements
from banking.models import BankAccount, Receipt, Transfer
from banking.selectors import with_last_receipt
from campaigns.models import CallAttempt, CampaignLead, Disposition, LeadState
from core.compiled import Insert, Select, Slots, update
from tests.factories import BankAccountFactory, CampaignFactory, CampaignLeadFactory, ReceiptFactory, StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_select_reads_the_rows_and_their_related_objects_as_the_orm_does():
    first, second = CampaignFactory(), CampaignFactory()
    leads = [
        CampaignLeadFactory(campaign=first),
        CampaignLeadFactory(campaign=first),
        CampaignLeadFactory(campaign=second),
    ]
    slots = Slots(campaign=int, since=dt.datetime)
    query = CampaignLead.objects.select_related("lead").filter(
        campaign_id=slots["campaign"], updated_at__gte=slots["since"]
    )
    compiled = Select(query.order_by("pk"), alias="default", slots=slots)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)

    for campaign in (first, second):
        got = compiled.all(campaign=campaign.pk, since=an_hour_ago)
        expected = list(CampaignLead.objects.select_related("lead").filter(campaign=campaign).order_by("pk"))
        assert [(row.pk, row.updated_at, row.lead.phone) for row in got] == [
            (row.pk, row.updated_at, row.lead.phone) for row in expected
        ]
        assert all(not row._state.adding and row._state.db == "default" for row in got)
    assert compiled.first(campaign=first.pk, since=timezone.now() + dt.timedelta(hours=1)) is None
    assert {row.pk for row in compiled.all(campaign=first.pk, since=an_hour_ago)} == {leads[0].pk, leads[1].pk}


def test_a_select_keeps_the_querysets_annotations():
    mine, other = BankAccountFactory(), BankAccountFactory()
    theirs = BankAccountFactory(owner=other.owner)
    receipts = [ReceiptFactory(bank_account=account) for account in (mine, mine, theirs)]
    slots = Slots(owner=int)
    compiled = Select(
        with_last_receipt(BankAccount.objects.filter(owner=slots["owner"])).order_by("pk"), alias="default", slots=slots
    )
    for owner, expected in (
        (mine.owner_id, [(mine.pk, receipts[1].pk)]),
        (other.owner_id, [(other.pk, None), (theirs.pk, receipts[2].pk)]),
    ):
        assert [(account.pk, account.last_receipt_id) for account in compiled.all(owner=owner)] == expected


def test_values_converted_by_the_database_come_back_as_python_values():
    slots = Slots(code=str)
    compiled = Select(
        Disposition.objects.filter(Q(campaign__isnull=True), code=slots["code"]), alias="default", slots=slots
    )
    [no_answer] = compiled.all(code="no_answer")
    assert no_answer == Disposition.objects.get(campaign=None, code="no_answer")
    assert isinstance(no_answer.recycle_after, dt.timedelta) and no_answer.recycle_after.total_seconds() > 0


def test_an_update_and_an_insert_write_each_calls_values():
    lead, agent = CampaignLeadFactory(), StaffFactory()
    slots = Slots(id=int, state=str, note=str)
    write = update(
        CampaignLead.objects.filter(pk=slots["id"]),
        {"state": slots["state"], "note": slots["note"]},
        alias="default",
        slots=slots,
    )
    assert write.execute(id=lead.pk, state=LeadState.INTERESTED, note="Перезвонит") == 1
    lead.refresh_from_db()
    assert (lead.state, lead.note) == (LeadState.INTERESTED, "Перезвонит")

    slots = Slots(campaign_lead_id=int, agent_id=int, outcome=str, note=str, called_at=dt.datetime)
    log = Insert(CallAttempt, alias="default", slots=slots)
    when = timezone.now() - dt.timedelta(minutes=5)
    made = [
        log.create(campaign_lead_id=lead.pk, agent_id=agent.pk, outcome="interested", note=note, called_at=when)
        for note in "ab"
    ]
    stored = CallAttempt.objects.order_by("pk")
    assert [(row.pk, row.note, row.called_at) for row in made] == [(row.pk, row.note, row.called_at) for row in stored]
    assert made[0].pk != made[1].pk and not made[0]._state.adding


def test_a_value_with_no_place_in_the_statement_is_refused():
    slots = Slots(campaign=int, unused=str)
    with pytest.raises(RuntimeError, match="unused"):
        Select(CampaignLead.objects.filter(campaign_id=slots["campaign"]), alias="default", slots=slots)


def test_money_keys_and_several_rows_in_one_insert_are_written_as_the_orm_writes_them():
    payer, payee = BankAccountFactory(), BankAccountFactory()
    key = uuid.uuid4()
    # The payment's own statements (banking.ledger_statements): money, a UUID key, two rows in one INSERT.
    made = ledger_statements.insert_transfer("default").create(
        payer_id=payer.pk,
        payee_id=payee.pk,
        amount=Decimal("12.34"),
        comment="",
        initiated_by_id=payer.owner_id,
        idempotency_key=key,
        created_at=timezone.now(),
    )
    assert Transfer.objects.filter(pk=made.pk, amount=Decimal("12.34"), idempotency_key=key).exists()

    receipts = ledger_statements.insert_receipts("default").create(
        [
            {
                "bank_account_id": account.pk,
                "transfer_id": made.pk,
                "kind": kind,
                "amount": made.amount,
                "balance_after": after,
                "description": "",
                "created_at": made.created_at,
            }
            for account, kind, after in ((payer, "debit", Decimal("0.50")), (payee, "credit", Decimal("99.99")))
        ]
    )
    stored = Receipt.objects.filter(transfer=made).order_by("pk")
    assert [(row.pk, row.bank_account_id, row.kind, row.balance_after) for row in receipts] == [
        (row.pk, row.bank_account_id, row.kind, row.balance_after) for row in stored
    ]
    assert [row.balance_after for row in stored] == [Decimal("0.50"), Decimal("99.99")]
