"""Admin at scale (issue 19 item 6): the campaign page counts its leads and links to their paged list; the import
has a template to fill in and gives back its rejected rows as a file; object names read right in Russian."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import pgettext

from accounts import roles
from campaigns.models import Campaign, CampaignLead, Lead, LeadState
from campaigns.services import ImportMode
from core.admin_names import GENDERS, gender
from tests.admin_forms import messages_of
from tests.factories import CampaignFactory, CampaignLeadFactory, ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:campaigns_campaign_import_leads")
TEMPLATE = reverse("admin:campaigns_campaign_import_template")
REJECTED = reverse("admin:campaigns_campaign_import_rejected")
LEADS = reverse("admin:campaigns_campaignlead_changelist")


@pytest.fixture
def back_office(client):
    client.force_login(StaffFactory(username="office", back_office=True))
    return client


def campaign_page(client, campaign: Campaign):
    return client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))


def test_the_campaign_page_counts_its_leads_by_state_and_links_to_them(back_office):
    campaign = CampaignFactory(name="Осенние вклады")
    for _ in range(3):
        CampaignLeadFactory(campaign=campaign)
    CampaignLeadFactory(campaign=campaign, state=LeadState.NOT_INTERESTED)
    CampaignLeadFactory()  # another campaign's

    page = campaign_page(back_office, campaign).text

    in_campaign = f"{LEADS}?campaign__id__exact={campaign.pk}"
    assert f'href="{in_campaign}" id="campaign-leads-link">4 leads in all</a>' in page
    assert f'href="{in_campaign}&amp;state__exact=new">new</a>: 3' in page
    assert f'href="{in_campaign}&amp;state__exact=not_interested">not interested</a>: 1' in page
    assert "campaign_leads-" not in page  # no inline rows, whatever the number of leads


def test_the_campaign_page_is_as_short_and_as_cheap_with_many_leads(back_office, monkeypatch):
    # Neither side may count a one-off: the session's last-seen write (every 15 s), or a content type the
    # process has not looked up before (which depends on the tests run before this one in the same worker).
    monkeypatch.setattr("portal.middleware.LAST_SEEN_PRECISION", float("inf"))
    campaign = CampaignFactory()
    CampaignLeadFactory(campaign=campaign)
    campaign_page(back_office, campaign)
    with CaptureQueriesContext(connection) as few:
        small = campaign_page(back_office, campaign)
    CampaignLead.objects.bulk_create(
        CampaignLead.for_lead(campaign=campaign, lead=lead)
        for lead in Lead.objects.bulk_create(
            Lead(surname="Петров", name="Пётр", phone=f"+7903{n:07d}") for n in range(120)
        )
    )
    with CaptureQueriesContext(connection) as many:
        large = campaign_page(back_office, campaign)

    assert len(many) == len(few)
    assert "121 leads in all" in large.text
    assert abs(len(large.content) - len(small.content)) < 200  # the page does not grow with the leads


def test_the_linked_lead_list_is_paged_and_filtered_to_the_campaign(back_office):
    campaign = CampaignFactory()
    CampaignLead.objects.bulk_create(
        CampaignLead.for_lead(campaign=campaign, lead=lead)
        for lead in Lead.objects.bulk_create(
            Lead(surname="Сидоров", name="Пётр", phone=f"+7905{n:07d}") for n in range(60)
        )
    )
    CampaignLeadFactory()  # another campaign's

    response = back_office.get(LEADS, {"campaign__id__exact": campaign.pk})

    assert response.context["cl"].result_count == 60
    assert len(response.context["cl"].result_list) == 50  # one page
    assert back_office.get(LEADS, {"campaign__id__exact": campaign.pk, "p": 2}).context["cl"].result_list.count() == 10


def test_the_import_template_imports_as_it_is(back_office):
    for language, header in (("en", "Surname,Name,Patronymic,Phone,E-mail,Source,Sex,Note"), ("ru", "Фамилия;Имя")):
        response = back_office.get(TEMPLATE, HTTP_ACCEPT_LANGUAGE=language)
        assert response["Content-Disposition"] == 'attachment; filename="leads-template.csv"'
        assert response.content.decode("utf-8-sig").startswith(header)
    campaign = CampaignFactory()

    response = back_office.post(
        IMPORT,
        {
            "campaign": campaign.pk,
            "mode": ImportMode.ALL_OR_NOTHING,
            "file": SimpleUploadedFile("t.csv", response.content),
        },
    )

    assert response.context["report"].created == 1
    lead = Lead.objects.get()
    assert (lead.surname, lead.sex, lead.note) == ("Иванова", "F", "звонить после 18:00")


CSV = """surname,name,phone,sex,note
Иванов,Иван,+7 903 144-76-02,м,
Петров,,+7 903 144-76-03,м,без имени
Сидорова,Анна,12345,ж,
Орлова,Ольга,+7 903 144-76-05,X,
"""


def test_the_rejected_rows_come_back_as_a_file_with_the_reasons(back_office):
    campaign = CampaignFactory()
    back_office.post(
        IMPORT,
        {"campaign": campaign.pk, "mode": ImportMode.VALID_ROWS, "file": SimpleUploadedFile("l.csv", CSV.encode())},
    )

    response = back_office.get(REJECTED)

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "surname;name;phone;sex;note;Why it was rejected"
    assert [line.split(";")[0] for line in lines[1:]] == ["Петров", "Сидорова", "Орлова"]
    assert "The name is missing." in lines[1] and "“X” is not a sex" in lines[3]
    assert Lead.objects.get().sex == "M"
    # Corrected, the file imports: the reasons column is ignored.
    corrected = (
        "\n".join(lines)
        .replace("Петров;;", "Петров;Пётр;")
        .replace(";12345;", ";+7 903 144-76-04;")
        .replace(";X;", ";ж;")
    )
    again = back_office.post(
        IMPORT,
        {
            "campaign": campaign.pk,
            "mode": ImportMode.ALL_OR_NOTHING,
            "file": SimpleUploadedFile("l.csv", corrected.encode()),
        },
    )
    assert again.context["report"].created == 3
    assert back_office.get(REJECTED).status_code == 404  # that import rejected nothing


def test_the_rejected_rows_are_the_importers_own(back_office, client):
    campaign = CampaignFactory()
    back_office.post(
        IMPORT,
        {"campaign": campaign.pk, "mode": ImportMode.VALID_ROWS, "file": SimpleUploadedFile("l.csv", CSV.encode())},
    )
    other = type(client)()
    other.force_login(StaffFactory(username="other-office", back_office=True))
    assert other.get(REJECTED).status_code == 404


@pytest.mark.parametrize("role", [roles.TELEMARKETING_AGENTS, roles.PRODUCT_MANAGERS])
def test_only_importers_download_the_template_and_the_rejected_rows(client, role):
    client.force_login(StaffFactory(username="staff", roles=[role], is_staff=True))
    assert client.get(TEMPLATE).status_code == 403
    assert client.get(REJECTED).status_code == 403


# --- object names in the right case -----------------------------------------------------------------------------


@pytest.fixture
def in_russian(back_office):
    back_office.cookies["django_language"] = "ru"
    return back_office


def test_campaign_pages_say_the_name_in_the_accusative(in_russian):
    assert (
        "<title>Выберите кампанию для изменения" in in_russian.get(reverse("admin:campaigns_campaign_changelist")).text
    )
    add_page = in_russian.get(reverse("admin:campaigns_campaign_add")).text
    assert "<h1>Добавить кампанию</h1>" in add_page and "&rsaquo; Добавить кампанию" in add_page
    assert ">\n      Добавить кампанию\n    </a>" in in_russian.get(reverse("admin:campaigns_campaign_changelist")).text


def test_success_messages_agree_with_the_gender_of_the_name(in_russian):
    responsible = StaffFactory(username="boss").worker
    response = in_russian.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "name": "Весна",
            "responsible": responsible.pk,
            "base_amount": "0",
            "weekday_from": "09:00",
            "weekday_until": "21:00",
            "weekend_from": "10:00",
            "weekend_until": "18:00",
            **_empty_inlines("products", "dispositions", "holidays"),
        },
        follow=True,
    )
    assert "Кампания «Весна» добавлена." in read(messages_of(response))

    client = ClientFactory(surname="Орлов", name="Олег")
    url = reverse("admin:accounts_client_change", args=[client.pk])
    page = in_russian.get(url).text
    assert "<title>Орлов Олег | Изменить клиента |" in page
    response = in_russian.post(url, {**_form_of(client), "preferences": "звонить утром", "_continue": "1"}, follow=True)
    assert "Клиент «Орлов Олег» изменён. Ниже его можно изменить снова." in read(messages_of(response))


def test_english_reads_as_django_says_it(back_office):
    assert "<title>Select campaign to change" in back_office.get(reverse("admin:campaigns_campaign_changelist")).text
    client = ClientFactory(surname="Orlov", name="Oleg")
    url = reverse("admin:accounts_client_change", args=[client.pk])
    response = back_office.post(url, _form_of(client), follow=True)
    assert "The client “Orlov Oleg” was changed successfully." in read(messages_of(response))
    # The name links to its page, as in Django, and the page shows the link, not its markup.
    assert f'<a href="{url}">Orlov Oleg</a>' in messages_of(response)[0]
    assert f'“<a href="{url}">Orlov Oleg</a>”' in response.text


def test_every_admin_model_has_its_russian_accusative_and_gender():
    with translation.override("ru"):
        missing = [
            model._meta.label
            for model in admin.site._registry
            if model._meta.app_label != "django_tasks_database"  # the library has no Russian names at all
            and (gender(model._meta) not in GENDERS or not has_accusative(model._meta))
        ]
    assert missing == []


def read(messages: list[str]) -> list[str]:
    """The messages as a person reads them (the object's name is a link to its page)."""
    return [strip_tags(message) for message in messages]


def has_accusative(opts) -> bool:
    return pgettext("accusative", opts.verbose_name_raw) != opts.verbose_name_raw


def _empty_inlines(*prefixes: str) -> dict[str, str]:
    return {
        f"{prefix}-{field}": value
        for prefix in prefixes
        for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }


def _form_of(client) -> dict[str, str]:
    return {
        "surname": client.surname,
        "name": client.name,
        "patronymic": client.patronymic,
        "sex": client.sex,
        "birth_date": client.birth_date.isoformat(),
        "email": client.email,
        "phone": client.phone,
        "preferences": client.preferences,
        **_empty_inlines("accounts"),
    }
