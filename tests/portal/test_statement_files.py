"""Statement files and the statement's figures: PDF (Cyrillic, bank details, balances), CSV that a spreadsheet
cannot run, periods out of range, names instead of account numbers, the account's nickname."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from banking.models import BankAccount
from banking.nicknames import NicknameRefused, set_nickname
from banking.services import transfer
from banking.statements import spreadsheet_safe
from tests.factories import BankAccountFactory, ClientFactory, CustomerFactory, ReceiptFactory, StaffFactory
from tests.portal.test_statement import backdate

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "statements"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="Debian's poppler-utils is not installed")


def pay(payer: BankAccount, payee: BankAccount, amount: str, comment: str = "") -> None:
    transfer(
        initiated_by=payer.owner,
        payer_number=payer.number,
        payee_number=payee.number,
        amount=amount,
        idempotency_key=uuid.uuid4(),
        comment=comment,
    )


@pytest.fixture
def petrova_account(db):
    """An account of "Анна Сергеевна Петрова", another customer."""
    client = ClientFactory(surname="Петрова", name="Анна", patronymic="Сергеевна")
    return BankAccountFactory(owner=CustomerFactory(client=client), currency="RUB", balance="100")


def pdf_text(content: bytes, name: str) -> str:
    """The PDF's text as poppler reads it; the file and its first page as PNG stay for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(content)
    first_page = ["-f", "1", "-l", "1"]
    subprocess.run(["pdftoppm", "-png", "-r", "70", *first_page, str(path), str(path.with_suffix(""))], check=True)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@needs_poppler
@pytest.mark.django_db
def test_the_pdf_has_the_bank_the_period_the_balances_and_every_operation_in_russian(
    customer_client, rub_account, petrova_account
):
    pay(rub_account, petrova_account, "1500.50", "Аренда за март")
    pay(petrova_account, rub_account, "40", "Долг")
    customer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/statement.pdf?date_from=2000-01-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="statement-{rub_account.number}-' in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, "statement-ru").split())
    for expected in (
        settings.BANK_DETAILS["name"],
        f"БИК {settings.BANK_DETAILS['bic']}",
        "Выписка по счёту",
        rub_account.number,
        "Иванов Иван",  # the holder, in full: it is their own statement
        "Период с 1 января 2000 г.",
        "Входящий остаток 0,00 ₽",
        "Анна Сергеевна П.",  # the other side, as a bank shows it
        "Аренда за март",
        "−1 500,50 ₽",
        "+40,00 ₽",
        "Исходящий остаток 8 539,50 ₽",
        "Поступления 10 040,00 ₽",
        "Списания 1 500,50 ₽",
    ):
        assert expected in text.replace("\xa0", " ")
    fonts = subprocess.run(["pdffonts", str(ARTIFACTS / "statement-ru.pdf")], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts  # embedded: the Cyrillic renders wherever the file is opened


@needs_poppler
@pytest.mark.django_db
def test_the_pdf_of_a_period_opens_with_the_balance_before_it_and_has_no_operation_outside_it(
    customer_client, rub_account
):
    for amount, description, day in (
        ("7", "earlier-deposit", datetime.date(2025, 2, 27)),
        ("3", "inside-deposit", datetime.date(2025, 3, 5)),
        ("1", "later-deposit", datetime.date(2025, 4, 2)),
    ):
        backdate(ReceiptFactory(bank_account=rub_account, amount=amount, description=description), day)
    response = customer_client.get(
        f"/bank-accounts/{rub_account.pk}/statement.pdf?date_from=2025-03-01&date_to=2025-03-31"
    )
    text = " ".join(pdf_text(response.content, "statement-period-en").split()).replace("\xa0", " ")
    assert "Opening balance 10,007.00 ₽" in text
    assert "Closing balance 10,010.00 ₽" in text
    assert "inside-deposit" in text and "earlier-deposit" not in text and "later-deposit" not in text


@pytest.mark.django_db
def test_the_statement_page_shows_the_opening_and_closing_balance_of_the_period(customer_client, rub_account):
    backdate(ReceiptFactory(bank_account=rub_account, amount="7", description="before"), datetime.date(2025, 2, 27))
    backdate(ReceiptFactory(bank_account=rub_account, amount="3", description="inside"), datetime.date(2025, 3, 5))
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/?date_from=2025-03-01&date_to=2025-03-31")
    statement = response.context["statement"]
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("10007.00"), Decimal("10010.00"))
    page = response.content.decode()
    assert 'id="opening-balance">10,007.00\xa0₽' in page
    assert 'id="closing-balance">10,010.00\xa0₽' in page


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+7 999", "'+7 999"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Rent = 5", "Rent = 5"),
        ("", ""),
    ],
)
def test_spreadsheet_formulas_are_neutralised(cell, shown):
    assert spreadsheet_safe(cell) == shown


@pytest.mark.django_db
def test_another_customers_comment_lands_in_the_csv_as_text_and_amounts_stay_numbers(
    customer_client, rub_account, petrova_account
):
    pay(petrova_account, rub_account, "10", '=HYPERLINK("http://evil.example","Click")')
    pay(rub_account, petrova_account, "4")
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/statement.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, paid, received = rows[0], rows[1], rows[2]
    assert header[2] == "Counterparty"
    assert received[2] == "Анна Сергеевна П."
    assert received[6] == '\'=HYPERLINK("http://evil.example","Click")'
    assert paid[3] == "-4.00"  # a number the spreadsheet adds up, not a neutralised text
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "statement.csv", "statement.pdf"])
@pytest.mark.parametrize(
    "query",
    [
        "date_to=9999-12-31",
        "date_from=0001-01-01",
        "date_from=1899-12-31",
        "date_to=2200-01-01",
        "date_from=+10000-01-01",
    ],
)
def test_dates_out_of_range_are_explained_never_a_500(customer_client, rub_account, suffix, query):
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/{suffix}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Expected a date from 01.01.1900 to 31.12.2199" in body or "Enter a valid date" in body


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "statement.csv", "statement.pdf"])
def test_someone_elses_statement_is_not_found_in_any_form(customer_client, others_rub_account, suffix):
    assert customer_client.get(f"/bank-accounts/{others_rub_account.pk}/{suffix}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "statement.csv", "statement.pdf"])
def test_statements_need_a_signed_in_customer(client, rub_account, suffix):
    response = client.get(f"/bank-accounts/{rub_account.pk}/{suffix}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_operations_name_the_other_side_and_never_show_its_account_number(
    customer_client, customer, rub_account, petrova_account
):
    savings = BankAccountFactory(owner=customer, currency="RUB")
    set_nickname(account=customer, bank_account_id=savings.pk, nickname="Копилка")
    nameless = BankAccountFactory(owner=StaffFactory(), currency="RUB")  # a login that is no client's
    pay(rub_account, petrova_account, "1")
    pay(rub_account, savings, "2")
    pay(rub_account, nameless, "3")
    statement = customer_client.get(f"/bank-accounts/{rub_account.pk}/").content.decode()
    dashboard = customer_client.get("/").content.decode()
    for page in (statement, dashboard):
        assert "Анна Сергеевна П." in page
        assert "Own account: Копилка" in page
        assert nameless.masked_number in page  # only its masked number can be shown
        assert petrova_account.number not in page and nameless.number not in page


@pytest.mark.django_db
def test_a_customer_names_an_account_and_sees_the_name_on_the_overview(customer_client, rub_account):
    response = customer_client.post(f"/bank-accounts/{rub_account.pk}/name/", {"nickname": "  Зарплатный   счёт "})
    assert response.status_code == 302
    rub_account.refresh_from_db()
    assert rub_account.nickname == "Зарплатный счёт"
    assert "Зарплатный счёт" in customer_client.get("/").content.decode()
    customer_client.post(f"/bank-accounts/{rub_account.pk}/name/", {"nickname": ""})
    rub_account.refresh_from_db()
    assert rub_account.nickname == ""
    assert rub_account.title == "Russian rouble"


@pytest.mark.django_db
def test_a_too_long_nickname_is_explained_and_nothing_changes(customer_client, rub_account):
    set_nickname(account=rub_account.owner, bank_account_id=rub_account.pk, nickname="Old")
    response = customer_client.post(f"/bank-accounts/{rub_account.pk}/name/", {"nickname": "x" * 41})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "at most 40 characters" in response.content.decode()
    rub_account.refresh_from_db()
    assert rub_account.nickname == "Old"
    with pytest.raises(NicknameRefused):
        set_nickname(account=rub_account.owner, bank_account_id=rub_account.pk, nickname="y" * 41)


@pytest.mark.django_db
def test_nobody_names_someone_elses_account(customer_client, customer, others_rub_account, client):
    response = customer_client.post(f"/bank-accounts/{others_rub_account.pk}/name/", {"nickname": "Mine now"})
    assert response.status_code == 404
    with pytest.raises(BankAccount.DoesNotExist):
        set_nickname(account=customer, bank_account_id=others_rub_account.pk, nickname="Mine now")
    others_rub_account.refresh_from_db()
    assert others_rub_account.nickname == ""
    assert customer_client.get(f"/bank-accounts/{others_rub_account.pk}/name/").status_code == 405


@pytest.mark.django_db
def test_a_pdf_of_too_many_operations_is_refused_with_the_way_out(customer_client, rub_account, settings, monkeypatch):
    monkeypatch.setattr("banking.statements.PDF_MAX_OPERATIONS", 2)
    for _n in range(2):
        ReceiptFactory(bank_account=rub_account, amount="1")
    response = customer_client.get(f"/bank-accounts/{rub_account.pk}/statement.pdf")
    assert response.status_code == 400
    assert "The period has 3 operations; a PDF statement holds up to 2" in response.content.decode()
    assert customer_client.get(f"/bank-accounts/{rub_account.pk}/statement.csv").status_code == 200
