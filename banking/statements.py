"""A bank account's statement as files the customer keeps: CSV for a spreadsheet, PDF to print or send on.

CSV: every text cell that a spreadsheet would read as a formula (one beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe, so that a payment comment written by someone
else ("=HYPERLINK(...)") shows as text and never runs. Amounts are written by us as plain numbers and stay
numbers ("-40.00" is a debit, not a formula).

PDF (ReportLab): the bank's details (``settings.BANK_DETAILS``), the holder, the account, the period, the
opening balance, every operation in order of time with the balance after it, the totals in and out, the
closing balance. The text is set in DejaVu Sans (Debian's fonts-dejavu-core, ``settings.STATEMENT_FONT_DIR``),
which has Cyrillic; ReportLab's own fonts have none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from banking.operations import Operation, describe
from banking.selectors import Statement
from core.money import money, signed_money

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A PDF takes ~2 ms of CPU per operation (ReportLab lays out every cell): a bound keeps one request from
# taking the process for minutes. Longer periods: a shorter one, or the CSV.
PDF_MAX_OPERATIONS = 3000
FONT, BOLD_FONT = "DejaVuSans", "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", BOLD_FONT: "DejaVuSans-Bold.ttf"}


def spreadsheet_safe(text: str) -> str:
    """The text as a spreadsheet shows it and never evaluates it (OWASP's CSV injection advice)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def operations(statement: Statement, *, oldest_first: bool = False) -> Iterator[Operation]:
    """The statement's operations, described, read in chunks (a year of operations is not held at once)."""
    receipts = statement.receipts.order_by("created_at", "id") if oldest_first else statement.receipts
    owner_id = statement.bank_account.owner_id
    for receipt in receipts.iterator(chunk_size=500):
        yield describe(receipt, owner_id=owner_id)


def write_csv(statement: Statement, output: Any) -> None:
    """The statement's rows, newest first, into ``output`` (a file or an HttpResponse)."""
    output.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read the Cyrillic text right
    writer = csv.writer(output)
    writer.writerow(
        [_("Date"), _("Operation"), _("Counterparty"), _("Amount"), _("Currency"), _("Balance after"), _("Description")]
    )
    currency = statement.bank_account.currency
    for operation in operations(statement):
        receipt = operation.receipt
        writer.writerow(
            [
                timezone.localtime(receipt.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                spreadsheet_safe(str(receipt.get_kind_display())),
                spreadsheet_safe(operation.counterparty),
                receipt.signed_amount,
                currency,
                receipt.balance_after,
                spreadsheet_safe(operation.detail or receipt.description),
            ]
        )


@cache
def _register_fonts() -> None:
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(settings.STATEMENT_FONT_DIR / filename)))


@checks.register(checks.Tags.compatibility)
def check_statement_fonts(**kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` says so at once when the fonts of PDF statements are missing."""
    missing = [name for name in FONT_FILES.values() if not (settings.STATEMENT_FONT_DIR / name).is_file()]
    if not missing:
        return []
    return [
        checks.Warning(
            f"PDF statements need {', '.join(missing)} in {settings.STATEMENT_FONT_DIR}",
            hint="Install Debian's fonts-dejavu-core (scripts/setup does), or set STATEMENT_FONT_DIR.",
            id="banking.W001",
        )
    ]


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")),
        "bank": ParagraphStyle("bank", parent=body, fontName=BOLD_FONT, fontSize=11, leading=14),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD_FONT, fontSize=15, leading=19, spaceBefore=6),
        "money": ParagraphStyle("money", parent=body, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD_FONT),
        "head_money": ParagraphStyle("head_money", parent=body, fontName=BOLD_FONT, alignment=TA_RIGHT),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def period_text(statement: Statement) -> str:
    first, last = statement.date_from, statement.date_to
    if first and last:
        return _("from %(first)s to %(last)s") % {"first": date_format(first), "last": date_format(last)}
    if first:
        return _("from %(first)s") % {"first": date_format(first)}
    if last:
        return _("from the opening of the account to %(last)s") % {"last": date_format(last)}
    return _("from the opening of the account")


def _heading(statement: Statement, styles: dict[str, ParagraphStyle]) -> list[Any]:
    bank = settings.BANK_DETAILS
    account = statement.bank_account
    client = account.owner.client
    holder = client.full_name if client is not None else account.owner.get_username()
    details = _("INN %(inn)s, KPP %(kpp)s, BIC %(bic)s, correspondent account %(correspondent)s") % {
        "inn": bank["inn"],
        "kpp": bank["kpp"],
        "bic": bank["bic"],
        "correspondent": bank["correspondent_account"],
    }
    facts = [
        (_("Account holder"), holder),
        (_("Account"), f"{account.number} · {account.get_currency_display()}"),
        (_("Period"), period_text(statement)),
        (_("Issued"), date_format(timezone.localtime(), "DATETIME_FORMAT")),
    ]
    table = Table(
        [[_p(label, styles["small"]), _p(value, styles["body"])] for label, value in facts],
        colWidths=[38 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        _p(bank["name"], styles["bank"]),
        _p(bank["address"], styles["small"]),
        _p(f"{bank['licence']}. {details}", styles["small"]),
        Spacer(0, 4 * mm),
        _p(_("Bank account statement"), styles["title"]),
        Spacer(0, 2 * mm),
        table,
        Spacer(0, 4 * mm),
    ]


def _operations_table(
    rows: Iterable[Operation], currency: str, styles: dict[str, ParagraphStyle]
) -> tuple[Table, Decimal, Decimal]:
    body, money_style = styles["body"], styles["money"]
    data: list[list[Any]] = [
        [
            _p(_("Date"), styles["head"]),
            _p(_("Operation"), styles["head"]),
            _p(_("Amount"), styles["head_money"]),
            _p(_("Balance after"), styles["head_money"]),
        ]
    ]
    credits, debits = Decimal(0), Decimal(0)
    for operation in rows:
        receipt = operation.receipt
        if receipt.amount == receipt.signed_amount:
            credits += receipt.amount
        else:
            debits += receipt.amount
        what = escape(operation.title)
        if operation.detail:
            what += f'<br/><font size="7.5" color="#555555">{escape(operation.detail)}</font>'
        data.append(
            [
                _p(date_format(timezone.localtime(receipt.created_at), "SHORT_DATETIME_FORMAT"), body),
                Paragraph(what, body),
                _p(signed_money(receipt.signed_amount, currency), money_style),
                _p(money(receipt.balance_after, currency), money_style),
            ]
        )
    if len(data) == 1:
        data.append(["", _p(_("No operations in this period."), body), "", ""])
    table = Table(data, colWidths=[28 * mm, None, 32 * mm, 32 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
            ]
        )
    )
    return table, credits, debits


def _balances(rows: list[tuple[str, str]], styles: dict[str, ParagraphStyle], *, bold_last: bool) -> Table:
    cells = [[_p(label, styles["body"]), _p(value, styles["money"])] for label, value in rows]
    if bold_last:
        label, value = rows[-1]
        cells[-1] = [_p(label, styles["head"]), _p(value, styles["head_money"])]
    table = Table(cells, colWidths=[60 * mm, 40 * mm], hAlign="RIGHT")
    style: list[tuple[Any, ...]] = [("LEFTPADDING", (0, 0), (-1, -1), 0)]
    if bold_last:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.HexColor("#555555"))
    text = _("Page %(number)s") % {"number": document.page}
    canvas.drawRightString(A4[0] - document.rightMargin, 10 * mm, text)
    canvas.drawString(document.leftMargin, 10 * mm, settings.BANK_DETAILS["name"])
    canvas.restoreState()


def build_pdf(statement: Statement) -> bytes:
    """The statement as an A4 PDF, oldest operation first, in the language of the request."""
    _register_fonts()
    styles = _styles()
    currency = statement.bank_account.currency
    table, credits, debits = _operations_table(operations(statement, oldest_first=True), currency, styles)
    story = [
        *_heading(statement, styles),
        _balances([(_("Opening balance"), money(statement.opening_balance, currency))], styles, bold_last=False),
        Spacer(0, 3 * mm),
        table,
        Spacer(0, 4 * mm),
        _balances(
            [
                (_("Credited"), money(credits, currency)),
                (_("Debited"), money(debits, currency)),
                (_("Closing balance"), money(statement.closing_balance, currency)),
            ],
            styles,
            bold_last=True,
        ),
    ]
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=f"{_('Bank account statement')} {statement.bank_account.number}",
        author=settings.BANK_DETAILS["name"],
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return output.getvalue()
