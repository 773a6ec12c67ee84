"""The audit trail: written by the audited actions, readable by administrators, never editable."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from tests.factories import AccountFactory, StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return AccountFactory(username="root", is_staff=True, is_superuser=True)


def test_an_admin_change_lands_in_the_trail(administrator):
    worker = WorkerFactory(surname="Петрова", name="Анна", position="Оператор")
    LogEntry.objects.log_actions(
        user_id=administrator.pk,
        queryset=[worker],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Position"]}}],
        single_object=True,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_username) == (AuditAction.ADMIN_CHANGE, administrator, "root")
    assert (event.target_type, event.target_id) == ("accounts.Worker", str(worker.pk))
    assert "Петрова" in event.summary and "Position" in event.summary


def test_events_can_be_neither_changed_nor_deleted(administrator):
    event = record_event(actor=administrator, action=AuditAction.PAYMENT, target=administrator, summary="x")
    event.summary = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        event.save()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()
    assert AuditEvent.objects.get().summary == "x"


def test_the_login_survives_deleting_the_account(administrator):
    departing = AccountFactory(username="leaver")
    record_event(actor=departing, action=AuditAction.PAYMENT, target=departing, summary="paid")
    departing.delete()
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_username) == (None, "leaver")


def test_only_administrators_read_the_trail_in_admin(client, administrator):
    record_event(actor=administrator, action=AuditAction.PAYMENT, target=administrator, summary="paid 100.00 RUB")
    client.force_login(administrator)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert "paid 100.00 RUB" in listing.text
    event = AuditEvent.objects.get()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"summary": "forged"}).status_code == 403
    assert AuditEvent.objects.get().summary == "paid 100.00 RUB"

    clerk = StaffFactory(username="clerk", back_office=True)
    client.force_login(clerk)
    assert client.get("/admin/audit/auditevent/").status_code == 403

    auditor = StaffFactory(username="auditor", administrator=True)
    client.force_login(auditor)
    assert "paid 100.00 RUB" in client.get("/admin/audit/auditevent/").text
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
