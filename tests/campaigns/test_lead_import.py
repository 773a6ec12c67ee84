"""CSV import of leads into a campaign (good, bad and duplicate rows, both modes) and CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from campaigns.models import CampaignLead, Lead, LeadState
from campaigns.selectors import write_campaign_leads_csv
from campaigns.services import ImportMode, LeadImportError, finish_campaign, import_leads_csv
from tests.factories import (
    CampaignFactory,
    CampaignLeadFactory,
    LeadFactory,
)

pytestmark = pytest.mark.django_db


MIXED = """фамилия;имя;отчество;телефон;email;источник
Иванов;Иван;Иванович;8 (916) 123-45-67;ivan@example.com;сайт
Петрова;Анна;;+7 903 000-00-01;;выставка
;Безфамильный;;89030000002;;
Сидоров;Семён;;12345;;
Кузнецов;Кузьма;;+79030000003;not-an-email;
Иванов;Иван;Иванович;+79161234567;;дубль
Смирнов;Олег;;+79030000009;;
"""


def run_import(text: str, mode: str = ImportMode.VALID_ROWS, campaign=None, encoding: str = "utf-8"):
    campaign = campaign or CampaignFactory()
    return campaign, import_leads_csv(campaign=campaign, data=text.encode(encoding), mode=mode)


def test_valid_rows_are_imported_and_every_rejected_row_is_reported_with_its_reasons():
    already_known = LeadFactory(surname="Смирнов", phone="+79030000009", email="old@example.com")
    campaign, report = run_import(MIXED)
    assert (report.rows, report.created, report.linked, report.imported) == (7, 2, 1, True)
    rejected = {row.line: row.reasons for row in report.rejected}
    assert sorted(rejected) == [4, 5, 6, 7]
    assert rejected[4] == ("The surname is missing.",)
    assert "10 digits" in rejected[5][0]
    assert "not an e-mail address" in rejected[6][0]
    assert rejected[7] == ("The same phone as line 2.",)
    ivanov = Lead.objects.get(phone="+79161234567")
    assert (ivanov.surname, ivanov.patronymic, ivanov.email, ivanov.source) == (
        "Иванов",
        "Иванович",
        "ivan@example.com",
        "сайт",
    )
    assert set(campaign.leads.values_list("phone", flat=True)) == {"+79161234567", "+79030000001", "+79030000009"}
    already_known.refresh_from_db()
    assert already_known.email == "old@example.com", "an existing lead is linked, not overwritten"
    assert Lead.objects.count() == 3
    assert set(CampaignLead.objects.filter(campaign=campaign).values_list("state", flat=True)) == {LeadState.NEW}


def test_all_or_nothing_imports_nothing_when_a_row_is_rejected_and_everything_when_none_is():
    campaign, report = run_import(MIXED, mode=ImportMode.ALL_OR_NOTHING)
    assert report.imported is False
    assert len(report.rejected) == 4
    assert (report.created, report.linked) == (0, 0)
    assert Lead.objects.count() == 0 and CampaignLead.objects.count() == 0
    clean = "surname,name,phone\nИванов,Иван,89161234567\nПетров,Пётр,+7 903 000-00-01\n"
    _, report = run_import(clean, mode=ImportMode.ALL_OR_NOTHING, campaign=campaign)
    assert (report.imported, report.created) == (True, 2)
    assert campaign.leads.count() == 2


def test_importing_the_same_file_twice_rejects_the_leads_already_in_the_campaign():
    clean = "surname,name,phone\nИванов,Иван,89161234567\n"
    campaign, _ = run_import(clean)
    _, again = run_import(clean, campaign=campaign)
    assert (again.created, again.linked) == (0, 0)
    assert "already in this campaign" in again.rejected[0].reasons[0]
    _other, into_other = run_import(clean)
    assert (into_other.created, into_other.linked) == (0, 1), "the same person joins another campaign"
    assert Lead.objects.count() == 1


def test_a_lead_on_the_do_not_call_list_joins_a_new_campaign_as_do_not_call():
    refused = LeadFactory(phone="+79161234567")
    CampaignLeadFactory(campaign=CampaignFactory(name="Старая"), lead=refused, state=LeadState.DO_NOT_CALL)
    campaign, report = run_import("surname,name,phone\nИванов,Иван,89161234567\n")
    assert report.linked == 1
    assert CampaignLead.objects.get(campaign=campaign).state == LeadState.DO_NOT_CALL


def test_windows_1251_files_with_tab_separators_are_read():
    _campaign, report = run_import("Фамилия\tИмя\tТелефон\nЁлкин\tЁж\t8 916 123 45 67\n", encoding="cp1251")
    assert report.created == 1
    assert Lead.objects.get().surname == "Ёлкин"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("surname,name\nИванов,Иван\n", "missing: phone"),
        ("имя,почта\nИван,a@b.c\n", "missing: surname, phone"),
        ('surname,name,phone\n"Иванов,Иван,89161234567\n', "not valid CSV"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(text, message):
    with pytest.raises(LeadImportError, match=message):
        run_import(text)
    assert Lead.objects.count() == 0


def test_rows_shorter_than_the_header_are_rejected():
    _, report = run_import("surname,name,phone,email\nИванов,Иван\nПетров,Пётр,89161234567,\n")
    assert report.created == 1
    assert "has 2 values" in report.rejected[0].reasons[0]


def test_a_finished_campaign_takes_no_leads_and_an_unknown_mode_is_refused():
    campaign = CampaignFactory()
    finish_campaign(campaign=campaign)
    with pytest.raises(LeadImportError, match="has finished"):
        run_import("surname,name,phone\nИванов,Иван,89161234567\n", campaign=campaign)
    with pytest.raises(LeadImportError, match="Choose how to import"):
        run_import("surname,name,phone\nИванов,Иван,89161234567\n", mode="some")
    assert Lead.objects.count() == 0


def test_export_writes_what_the_import_reads_and_guards_against_spreadsheet_formulas():
    campaign, _ = run_import("surname,name,phone,email,source\n=HYPERLINK(1),Иван,89161234567,a@example.com,@web\n")
    stream = io.StringIO()
    write_campaign_leads_csv(campaign_ids=[campaign.pk], stream=stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["surname"], row["phone"], row["source"], row["state"], row["campaign"]) == (
        "'=HYPERLINK(1)",
        "+7 916 123-45-67",
        "'@web",
        "new",
        campaign.name,
    )
    _again, report = run_import(stream.getvalue())
    assert report.linked == 1, "an exported file imports back into another campaign"
