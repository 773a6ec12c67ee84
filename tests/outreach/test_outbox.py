"""Personal messages leave through the outbox: e-mail to a real SMTP server, once, with the recipient's consent."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from campaigns.models import CampaignLead, LeadState
from campaigns.services.consent import add_to_do_not_call
from outreach.delivery import outbox
from outreach.delivery.consent import unsubscribe_token
from outreach.models import Delivery, DeliveryStatus, Message, MessageStatus, OptOut
from outreach.services import compose_message
from tests.factories import CampaignFactory, ClientFactory, LeadFactory, StaffFactory
from tests.outreach.conftest import run_worker
from tests.outreach.servers import SmtpServer, free_port

# Committed for real: the worker's loop closes a connection left inside a transaction, as it must in production.
pytestmark = pytest.mark.django_db(transaction=True)
_agents = itertools.count(1)


def write(recipient, subject: str = "Вклад «Осень»", *, commit_hooks) -> Message:
    """Compose as an agent does; the commit hook queues the delivery task, as after a real request."""
    kind = "client" if recipient._meta.model_name == "client" else "lead"
    with commit_hooks(execute=True):
        return compose_message(
            author=StaffFactory(username=f"agent{next(_agents)}", telemarketing_agent=True),
            subject=subject,
            body="Ставка 12% годовых.",
            **{kind: recipient},
        )


def test_a_message_reaches_the_mail_server_once_with_an_unsubscribe_link(smtp, django_capture_on_commit_callbacks):
    message = write(ClientFactory(email="anna@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    run_worker()
    run_worker()  # a second run finds nothing more to send
    outbox.deliver_due()

    delivery = Delivery.objects.get(message=message)
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert (mail["To"], mail["Subject"]) == ("anna@example.com", "Вклад «Осень»")
    assert mail["Message-ID"].startswith(f"<{delivery.idempotency_key}@")
    assert "/unsubscribe/" in mail["List-Unsubscribe"]
    assert "/unsubscribe/" in mail.get_content()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None


def test_messages_written_while_a_delivery_run_waits_to_start_join_it_instead_of_queueing_their_own(
    smtp, django_capture_on_commit_callbacks
):
    for n in range(3):
        write(ClientFactory(email=f"c{n}@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.count() == 1  # one run waits; it will send whatever is due when it starts

    run_worker()
    assert sorted(mail["To"] for mail in smtp.received) == ["c0@example.com", "c1@example.com", "c2@example.com"]
    write(ClientFactory(email="c3@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.ready().count() == 1  # none waits any more: the next message queues a run again


def test_a_run_that_finds_more_than_a_batch_due_queues_another_so_that_a_second_worker_can_take_part(
    smtp, django_capture_on_commit_callbacks
):
    for n in range(outbox.BATCH + 1):
        write(ClientFactory(email=f"c{n}@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="first",
        excluded_queue_names=[],
    )
    worker.run()  # one worker, one run: it sends them all, a second worker would have shared them

    assert len(smtp.received) == outbox.BATCH + 1
    assert DBTaskResult.objects.ready().count() == 1


def test_a_malformed_address_fails_that_message_alone_with_a_readable_reason(smtp, django_capture_on_commit_callbacks):
    bad = write(ClientFactory(email="anna@@example"), commit_hooks=django_capture_on_commit_callbacks)
    good = write(ClientFactory(email="boris@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    run_worker()

    assert [mail["To"] for mail in smtp.received] == ["boris@example.com"]
    failed = Delivery.objects.get(message=bad)
    assert failed.status == DeliveryStatus.FAILED
    assert failed.last_error == "“anna@@example” is not an e-mail address."
    assert Message.objects.get(pk=bad.pk).status == MessageStatus.FAILED
    assert Message.objects.get(pk=good.pk).status == MessageStatus.SENT


def test_an_unreachable_mail_server_leaves_the_message_queued_with_the_reason_and_retries_later(
    settings, django_capture_on_commit_callbacks
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    message = write(ClientFactory(email="anna@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    run_worker()

    delivery = Delivery.objects.get(message=message)
    assert delivery.status == DeliveryStatus.AWAIT and delivery.attempts == 1
    assert delivery.last_error.startswith("The mail server cannot be reached")
    assert timedelta(seconds=50) < delivery.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert outbox.deliver_due() == 0  # not due yet: backing off

    with SmtpServer(port=port) as server:
        assert outbox.deliver_due(now=timezone.now() + timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(server.received)) == (DeliveryStatus.SENT, 2, 1)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_back_off_doubles_and_gives_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    assert [outbox.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.retry_delay(20) == timedelta(hours=6)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    message = write(ClientFactory(email="anna@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    Delivery.objects.filter(message=message).update(attempts=outbox.MAX_ATTEMPTS - 1)
    outbox.deliver_due()
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith(f"Gave up after {outbox.MAX_ATTEMPTS} attempts.")


def test_a_lead_put_on_the_do_not_call_list_after_writing_gets_nothing_and_the_refusal_is_recorded(
    smtp, django_capture_on_commit_callbacks
):
    campaign, lead = CampaignFactory(), LeadFactory(email="lead@example.com")
    message = write(lead, commit_hooks=django_capture_on_commit_callbacks)
    CampaignLead.objects.create(campaign=campaign, lead=lead, state=LeadState.DO_NOT_CALL)
    run_worker()

    assert smtp.received == []
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == DeliveryStatus.REFUSED
    assert "do-not-call" in delivery.last_error
    assert Message.objects.get(pk=message.pk).status == MessageStatus.FAILED


def test_a_batch_reads_the_consent_registries_once_and_refuses_each_message_for_its_own_reason(
    smtp, django_capture_on_commit_callbacks
):
    hooks = django_capture_on_commit_callbacks
    anna, boris = (
        ClientFactory(email="anna@example.com"),
        ClientFactory(email="boris@example.com", phone="+79165550121"),
    )
    vera, lead = ClientFactory(email="vera@example.com"), LeadFactory(email="lead@example.com")
    LeadFactory(client=anna, phone="+79165550122", email="")  # the lead anna once was
    advertising = CampaignFactory(advertising=True)
    messages = [write(person, commit_hooks=hooks) for person in (anna, boris, vera)]  # queued, not yet sent
    messages.append(compose_message(author=None, subject="Акция", body="Скидка", lead=lead, campaign=advertising))
    add_to_do_not_call(phone=boris.phone, source="website")
    OptOut.objects.create(client=vera, source="link")
    registries = (
        "campaigns_lead",
        "campaigns_donotcall",
        "campaigns_campaignlead",
        "outreach_optout",
        "campaigns_consent",
    )

    with CaptureQueriesContext(connection) as queries:
        assert outbox.send_due() == 1

    assert [mail["To"] for mail in smtp.received] == ["anna@example.com"]
    reasons = [Delivery.objects.get(message=message).last_error for message in messages]
    assert reasons[0] == "" and "do-not-call" in reasons[1] and "unsubscribed" in reasons[2]
    assert "not consented to advertising by e-mail" in reasons[3]
    read = [q["sql"] for q in queries.captured_queries if any(f'FROM "{table}"' in q["sql"] for table in registries)]
    assert len(read) <= len(registries) + 1, read  # per batch (opt-outs of clients and of leads), not per message


def test_the_unsubscribe_link_works_without_signing_in_and_later_messages_are_refused(
    client, smtp, django_capture_on_commit_callbacks
):
    anna = ClientFactory(email="anna@example.com")
    first = write(anna, commit_hooks=django_capture_on_commit_callbacks)
    run_worker()
    link = smtp.received[0]["List-Unsubscribe"].strip("<>").split("8000", 1)[1]

    page = client.get(link)
    assert page.status_code == 200 and "Unsubscribe from the bank" in page.content.decode()
    assert not OptOut.objects.exists()  # opening the link (as mail scanners do) changes nothing
    done = client.post(link)
    assert done.status_code == 200 and "You have unsubscribed" in done.content.decode()
    assert client.post(link).status_code == 200  # twice is the same as once
    assert OptOut.objects.get().client == anna

    second = write(anna, "Кредит", commit_hooks=django_capture_on_commit_callbacks)
    run_worker()
    assert len(smtp.received) == 1
    assert Delivery.objects.get(message=second).status == DeliveryStatus.REFUSED
    assert Message.objects.get(pk=first.pk).status == MessageStatus.SENT


def test_a_damaged_unsubscribe_link_is_refused_with_a_message(client, django_capture_on_commit_callbacks):
    message = write(ClientFactory(), commit_hooks=django_capture_on_commit_callbacks)
    token = unsubscribe_token(message)
    answer = client.post(f"/unsubscribe/{token[:-3]}xyz/")
    assert answer.status_code == 400 and "damaged" in answer.content.decode()
    assert not OptOut.objects.exists()


def test_a_worker_that_died_mid_batch_leaves_one_uncertain_row_for_a_person_and_the_rest_queued(
    settings, django_capture_on_commit_callbacks
):
    messages = [
        write(ClientFactory(email=f"c{n}@example.com"), commit_hooks=django_capture_on_commit_callbacks)
        for n in range(3)
    ]
    claimed = outbox._claim(Delivery.objects.all(), now=timezone.now(), limit=10)  # then the worker "dies"
    assert [row.status for row in claimed] == [DeliveryStatus.SENDING] * 3

    assert outbox.recover_abandoned(now=timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)) == 3
    rows = list(Delivery.objects.order_by("pk"))
    assert [row.status for row in rows] == [DeliveryStatus.FAILED, DeliveryStatus.AWAIT, DeliveryStatus.AWAIT]
    assert "may have gone" in rows[0].last_error
    assert [row.attempts for row in rows] == [1, 0, 0]
    assert [Message.objects.get(pk=m.pk).status for m in messages] == [MessageStatus.FAILED] + [MessageStatus.AWAIT] * 2


def test_after_a_restart_of_the_machine_every_row_of_an_unflushed_claim_is_set_aside_never_sent_again(
    settings, django_capture_on_commit_callbacks
):
    for n in range(3):
        write(ClientFactory(email=f"c{n}@example.com"), commit_hooks=django_capture_on_commit_callbacks)
    claimed = outbox._claim(Delivery.objects.all(), now=timezone.now(), limit=10)  # then the machine restarts
    token, mark, boot = claimed[0].claimed_by.rpartition("@boot:")
    assert mark and boot, "on SQLite under Linux a claim names its boot: its outcomes are written unflushed"
    Delivery.objects.update(claimed_by=f"{token}@boot:{'0' * len(boot)}")  # as the file holds it after the restart

    assert outbox.recover_abandoned(now=timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)) == 3
    rows = list(Delivery.objects.order_by("pk"))
    assert [row.status for row in rows] == [DeliveryStatus.FAILED] * 3
    assert all("restarted" in row.last_error and "may have gone" in row.last_error for row in rows)
    assert Message.objects.filter(status=MessageStatus.FAILED).count() == 3
