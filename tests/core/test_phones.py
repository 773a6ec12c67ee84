"""Phone numbers: read as people write them, kept in E.164, shown as +7 903 144-76-02, refused with the reason
in every interface (a form, the admin, the lead import, the services) and by the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import Client, Worker
from accounts.selectors import search_clients
from campaigns.models import Lead
from campaigns.services import ImportMode, import_leads_csv
from core.phones import InvalidPhone, format_phone, parse_phone
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    CampaignLeadFactory,
    ClientFactory,
    LeadFactory,
    StaffFactory,
)

RUSSIAN_LENGTH = "a Russian number has 10 digits after +7 or 8"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("8 903 144 76 02", "+79031447602"),
        ("+7 903 144-76-02", "+79031447602"),
        ("903 144 76 02", "+79031447602"),
        ("8 (903) 144-76-02", "+79031447602"),
        ("7 903 144 76 02", "+79031447602"),
        ("+7\u00a0903\u00a0144\u201176\u201102", "+79031447602"),
        ("  89031447602 ", "+79031447602"),
        ("8 495 123-45-67", "+74951234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0049 30 1234567", "+49301234567"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_numbers_written_any_usual_way_become_e164(written, e164):
    assert parse_phone(written) == e164


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("12345", RUSSIAN_LENGTH),
        ("+7 916 123 45 678", RUSSIAN_LENGTH),
        ("44 20 7946 0958", RUSSIAN_LENGTH),
        ("+7 012 345-67-89", "there is no such number; check the code after +7"),
        ("+44 20 7946 095", "there is no such number; check the code after +44"),
        ("+999 123456789", "no country has the code it starts with"),
        ("+1234", "too few digits"),
        ("+7916abc4567", "use only digits, spaces, brackets and dashes, with + before the country code"),
        ("８９１６１２３４５６７", "use only digits, spaces, brackets and dashes, with + before the country code"),
        ("+7 903 144-76-02 доб. 5", "use only digits, spaces, brackets and dashes, with + before the country code"),
    ],
)
def test_what_is_not_a_number_is_refused_with_the_reason(written, reason):
    with pytest.raises(InvalidPhone) as refused:
        parse_phone(written)
    assert str(refused.value) == f"The phone number is not valid: {reason}."


def test_the_refusal_reads_naturally_in_russian():
    with translation.override("ru"), pytest.raises(InvalidPhone) as refused:
        parse_phone("8 916 123-45")
    assert str(refused.value) == "Номер телефона указан неверно: в российском номере 10 цифр после +7 или 8."
    with translation.override("ru"), pytest.raises(InvalidPhone) as missing:
        parse_phone("  ")
    assert str(missing.value) == "Не указан номер телефона."


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+79031447602", "+7 903 144-76-02"),
        ("+74951234567", "+7 495 123-45-67"),
        ("+442079460958", "+44 20 7946 0958"),
        ("", ""),
        ("не номер", "не номер"),
    ],
)
def test_numbers_are_shown_as_people_in_russia_write_them(stored, shown):
    assert format_phone(stored) == shown
    assert Template("{% load phones %}{{ number|phone }}").render(Context({"number": stored})) == shown


# --- a form ----------------------------------------------------------------------------------------

LeadForm = modelform_factory(Lead, fields=["surname", "name", "phone"])


@pytest.mark.django_db
def test_a_form_cleans_the_number_to_e164_and_shows_a_stored_one_formatted():
    form = LeadForm(data={"surname": "Иванов", "name": "Иван", "phone": "8 (903) 144-76-02"})
    assert form.is_valid(), form.errors
    assert form.save().phone == "+79031447602"
    field = str(LeadForm(instance=Lead.objects.get())["phone"])
    assert 'value="+7 903 144-76-02"' in field and 'autocomplete="tel"' in field


@pytest.mark.django_db
def test_a_form_refuses_a_wrong_number_with_the_translated_reason():
    with translation.override("ru"):
        form = LeadForm(data={"surname": "Иванов", "name": "Иван", "phone": "8 903 144"})
        assert not form.is_valid()
        assert form.errors["phone"] == ["Номер телефона указан неверно: в российском номере 10 цифр после +7 или 8."]
    assert not Lead.objects.exists()


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def back_office(client):
    client.force_login(AccountFactory(username="office", roles=[roles.BACK_OFFICE], is_staff=True))
    return client


def client_form(phone: str) -> dict[str, str]:
    return {
        "surname": "Смирнова",
        "name": "Ольга",
        "sex": "F",
        "birth_date": "1985-03-04",
        "email": "olga@example.ru",
        "phone": phone,
        "accounts-TOTAL_FORMS": "0",
        "accounts-INITIAL_FORMS": "0",
    }


@pytest.mark.django_db
def test_the_admin_refuses_a_wrong_number_in_russian_and_keeps_a_right_one_in_e164(back_office):
    add = reverse("admin:accounts_client_add")
    refused = back_office.post(add, client_form("+7 903 144-76"), HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 200
    assert "Номер телефона указан неверно: в российском номере 10 цифр после +7 или 8." in refused.text
    assert not Client.objects.exists()

    back_office.post(add, client_form("8 (903) 144-76-02"))
    assert Client.objects.get().phone == "+79031447602"


@pytest.mark.django_db
def test_admin_lists_show_the_number_formatted_and_find_it_written_that_way(back_office):
    wanted = ClientFactory(email="wanted@example.ru", phone="+79031447602")
    ClientFactory(email="other@example.ru", phone="+79031447603")
    LeadFactory(phone="+79161112233")
    changelist = reverse("admin:accounts_client_changelist")

    page = back_office.get(changelist)
    assert "+7 903 144-76-02" in page.text and "+79031447602" not in page.text
    for written in ("+7 903 144-76-02", "8 903 144 76 02"):
        found = back_office.get(changelist, {"q": written})
        assert list(found.context["cl"].result_list) == [wanted], written
    assert "+7 916 111-22-33" in back_office.get(reverse("admin:campaigns_lead_changelist")).text


@pytest.mark.django_db
def test_the_lead_import_page_gives_each_rejected_row_its_reason_in_russian(back_office):
    campaign = CampaignFactory()
    csv = "фамилия;имя;телефон\nИванов;Иван;8 916 123-45-67\nПетров;Пётр;+7 012 345-67-89\n"
    response = back_office.post(
        reverse("admin:campaigns_campaign_import_leads"),
        {"campaign": campaign.pk, "mode": ImportMode.VALID_ROWS, "file": SimpleUploadedFile("leads.csv", csv.encode())},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "Номер телефона указан неверно: такого номера не существует; проверьте код после +7." in response.text
    assert list(campaign.leads.values_list("phone", flat=True)) == ["+79161234567"]


@pytest.mark.django_db
def test_the_desktop_client_picker_finds_a_client_by_a_number_written_any_way():
    wanted = ClientFactory(email="wanted@example.ru", phone="+79031447602")
    ClientFactory(email="other@example.ru", phone="+79031447603")
    for written in ("+7 903 144-76-02", "8 (903) 144-76-02", "9031447602"):
        assert search_clients(query=written) == [wanted], written
    assert len(search_clients(query="903 144")) == 2, "parts of a number still find every client that has them"


# --- the services ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_service_refuses_a_wrong_number_per_row_and_stores_the_rest_in_e164():
    campaign = CampaignFactory()
    csv = "surname,name,phone\nИванов,Иван,+7 916 123-45-67\nПетров,Пётр,+999 123\nСидоров,Сидор,+44 20 7946 0958\n"
    report = import_leads_csv(campaign=campaign, data=csv.encode(), mode=ImportMode.VALID_ROWS)
    assert [(row.line, row.phone, row.reasons) for row in report.rejected] == [
        (3, "+999 123", ("The phone number is not valid: no country has the code it starts with.",))
    ]
    assert sorted(campaign.leads.values_list("phone", flat=True)) == ["+442079460958", "+79161234567"]


@pytest.mark.django_db
def test_the_call_page_shows_the_number_formatted_and_dials_it_in_e164(client):
    campaign = CampaignFactory()
    (campaign_lead,) = CampaignLeadFactory.create_batch(1, campaign=campaign)
    Lead.objects.filter(pk=campaign_lead.lead_id).update(phone="+79031447602")
    client.force_login(StaffFactory(telemarketing_agent=True))
    page = client.post(reverse("campaigns:next_lead", args=[campaign.pk]), follow=True)
    dial = '<a href="tel:+79031447602" class="fs-4 fw-semibold d-inline-block" id="lead-phone">+7 903 144-76-02</a>'
    assert dial in page.text


# --- the database ----------------------------------------------------------------------------------


def _refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_database_keeps_only_e164_shaped_numbers():
    Lead.objects.create(surname="Ок", name="Лид", phone="+79031447602")
    Lead.objects.create(surname="Ок", name="Ниуэ", phone="+6834002")
    for wrong in ("89031447602", "+7 903 144-76-02", "+7903144760 ", "+7903+447602", "+790314", ""):
        _refused(lambda wrong=wrong: Lead.objects.create(surname="Не", name="Лид", phone=wrong))
    person = {"surname": "Петрова", "name": "Анна", "sex": "F", "birth_date": dt.date(1980, 1, 1)}
    Client.objects.create(**person, email="no-phone@example.ru", phone="")
    Client.objects.create(**person, email="phone@example.ru", phone="+442079460958")
    _refused(lambda: Client.objects.create(**person, email="blank@example.ru", phone="  "))
    _refused(lambda: Client.objects.create(**person, email="typed@example.ru", phone="8 903 144-76-02"))
    Worker.objects.create(surname="Петров", name="Пётр", position="оператор", phone="")
    _refused(lambda: Worker.objects.create(surname="Петров", name="Пётр", position="оператор", phone="доб. 12"))
    assert Lead.objects.count() == 2 and Client.objects.count() == 2 and Worker.objects.count() == 1
