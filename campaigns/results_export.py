"""A campaign's results as an Excel workbook (XLSX, written with openpyxl): what the results page shows."""

from __future__ import annotations

from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from campaigns.selectors import CampaignResults

_FORMULA_STARTS = ("=", "+", "-", "@")


def _text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; openpyxl would write it as one."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], *, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text(value) if isinstance(value, str) else value for value in row])
    for column, title_text in zip(sheet.columns, header, strict=False):
        width = max([len(str(title_text))] + [len(str(cell.value or "")) for cell in column])
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    return sheet


def write_results_xlsx(*, results: CampaignResults, stream: BinaryIO) -> None:
    """Three sheets: the summary (with the period), leads by state, and calls per agent."""
    campaign = results.campaign
    workbook = Workbook()
    period = (
        " – ".join(day.strftime("%d.%m.%Y") if day else "…" for day in (results.date_from, results.date_to))
        if results.date_from or results.date_to
        else _("all time")
    )
    _sheet(
        workbook,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Campaign"), campaign.name],
            [_("Status"), str(campaign.get_status_display())],
            [_("Responsible worker"), str(campaign.responsible)],
            [_("Calls of the period"), period],
            [_("Leads"), results.leads],
            [_("Calls"), results.calls],
            [_("Converted"), results.converted],
            [_("Conversion rate, %"), float(results.conversion_rate)],
        ],
        first=True,
    )
    _sheet(
        workbook,
        _("Leads by state"),
        [_("State"), _("Leads")],
        [[row.label, row.count] for row in results.by_state],
    )
    _sheet(
        workbook,
        _("Calls per agent"),
        [_("Agent"), _("Calls"), _("Converted"), _("Call-backs"), _("Refusals")],
        [[agent.name, agent.calls, agent.converted, agent.callbacks, agent.refusals] for agent in results.per_agent],
    )
    workbook.save(stream)
