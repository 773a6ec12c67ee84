"""A worker's sex, birth date and salary in the admin: the salary is the administrators' alone (issue 18 item 5)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from telemarketing.log_masking import MaskSecretsFilter
from tests.admin_forms import post_admin_form
from tests.factories import StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db

SALARY = Decimal("187350.00")


@pytest.fixture
def worker():
    return WorkerFactory(surname="Соколова", sex="F", birth_date=dt.date(1988, 4, 2), salary=SALARY)


def signed_in(client, **role):
    client.force_login(StaffFactory(**role))
    return client


def change_url(worker) -> str:
    return reverse("admin:accounts_worker_change", args=[worker.pk])


CHANGELIST = reverse("admin:accounts_worker_changelist")


def test_an_administrator_sees_and_sets_the_salary(client, worker):
    admin = signed_in(client, administrator=True)

    assert "187,350.00\u00a0₽" in admin.get(CHANGELIST).text
    response = post_admin_form(admin, change_url(worker), salary="190000.00", sex="F")

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.salary == Decimal("190000.00")
    # The audit trail says the salary changed, never what it is.
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "Salary" in summaries and "190" not in summaries and "187" not in summaries


def test_the_back_office_neither_sees_nor_sets_the_salary(client, worker):
    office = signed_in(client, back_office=True)

    for page in (office.get(CHANGELIST).text, office.get(change_url(worker)).text):
        assert "187" not in page and "salary" not in page.lower()
    response = post_admin_form(office, change_url(worker), salary="1.00", birth_date="1988-04-03")

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.salary == SALARY and worker.birth_date == dt.date(1988, 4, 3)  # the rest of the form is saved


def test_the_back_office_cannot_narrow_a_salary_down_from_the_address(client, worker):
    office = signed_in(client, back_office=True)

    # Django answers a lookup it does not allow with 400 Bad Request: nothing is filtered.
    assert office.get(CHANGELIST, {"salary__gte": "100000"}).status_code == 400
    assert signed_in(client, administrator=True).get(CHANGELIST, {"salary__gte": "100000"}).status_code == 200


@pytest.mark.parametrize("role", ["product_manager", "telemarketing_agent", "chat_agent"])
def test_other_staff_do_not_reach_the_worker_pages(client, worker, role):
    assert signed_in(client, **{role: True}).get(change_url(worker)).status_code in (302, 403)


def test_an_implausible_birth_date_is_refused_with_a_reason(client, worker):
    admin = signed_in(client, administrator=True)
    too_young = timezone.localdate().replace(year=timezone.localdate().year - 10)

    response = post_admin_form(admin, change_url(worker), birth_date=too_young.isoformat())

    assert response.status_code == 200
    assert "from 14 to 100 years old" in response.text
    worker.refresh_from_db()
    assert worker.birth_date == dt.date(1988, 4, 2)


def test_a_negative_salary_is_refused(client, worker):
    response = post_admin_form(signed_in(client, administrator=True), change_url(worker), salary="-5.00")

    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.salary == SALARY


def test_a_salary_in_a_log_line_is_masked(caplog):
    logger = logging.getLogger("tests.salary")
    logger.addFilter(MaskSecretsFilter())
    with caplog.at_level(logging.INFO, logger="tests.salary"):
        logger.info("POST salary=%s surname=%s", "187350.00", "Соколова")
    assert "187350" not in caplog.text and "Соколова" in caplog.text
