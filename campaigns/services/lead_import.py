"""Lead import from CSV: every row checked, duplicates and do-not-call leads reported, all-or-nothing on request."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Sex
from campaigns.models import Campaign, CampaignLead, CampaignStatus, Consent, ContactChannel, DoNotCall, Lead, LeadState
from campaigns.services.errors import LeadImportError
from core.phones import InvalidPhone, parse_phone


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", gettext_lazy("import the valid rows and report the rejected ones")
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("import nothing if any row is rejected")


MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# SQL Server refuses statements with more than 2,100 parameters: look leads up in chunks below that.
_LOOKUP_CHUNK = 1000

# Column titles accepted in the header (lower case), in English and in Russian.
LEAD_COLUMNS = {
    "surname": ("surname", "last name", "last_name", "фамилия"),
    "name": ("name", "first name", "first_name", "имя"),
    "patronymic": ("patronymic", "middle name", "middle_name", "отчество"),
    "phone": ("phone", "telephone", "phone number", "телефон"),
    "email": ("email", "e-mail", "mail", "электронная почта", "почта"),
    "source": ("source", "источник"),
    "sex": ("sex", "gender", "пол"),
    "note": ("note", "notes", "comment", "примечание", "заметка", "комментарий"),
}
# How a sex may be written in the file (lower case); an empty cell leaves it unknown.
SEX_SPELLINGS = {
    Sex.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина"),
    Sex.FEMALE: ("f", "female", "woman", "ж", "жен", "женский", "женщина"),
}
_SEX_BY_SPELLING = {spelling: sex.value for sex, spellings in SEX_SPELLINGS.items() for spelling in spellings}
NOTE_MAX_LENGTH = 2000
_REQUIRED_COLUMNS = ("surname", "name", "phone")
_TEXT_LIMITS = {"surname": 100, "name": 100, "patronymic": 100, "source": 100, "email": 254, "note": NOTE_MAX_LENGTH}


@dataclass(frozen=True)
class RejectedRow:
    line: int
    phone: str
    reasons: tuple[str, ...]


@dataclass
class LeadImportReport:
    """What an import did: ``imported`` is False when all-or-nothing refused the file (nothing written)."""

    rows: int = 0
    created: int = 0
    linked: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # Rows left out because their number is on the do-not-call list: not errors, so they never stop an import.
    skipped: list[RejectedRow] = field(default_factory=list)
    # Leads imported into an advertising campaign without consent to advertising calls: the queue skips them.
    without_consent: int = 0
    imported: bool = True

    @property
    def accepted(self) -> int:
        return self.created + self.linked


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Russian locales saves "CSV" in Windows-1251.
        return data.decode("cp1251")


def _read_header(header: list[str]) -> dict[str, int]:
    titles = [title.strip().lower() for title in header]
    positions: dict[str, int] = {}
    for column, aliases in LEAD_COLUMNS.items():
        for position, title in enumerate(titles):
            if title in aliases:
                positions[column] = position
                break
    missing = [column for column in _REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise LeadImportError(
            gettext("The first line must name the columns; missing: %(missing)s. Found: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(title for title in titles if title) or "—"}
        )
    return positions


def _validate_row(values: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    reasons: list[str] = []
    if not values["surname"]:
        reasons.append(gettext("The surname is missing."))
    if not values["name"]:
        reasons.append(gettext("The name is missing."))
    for column, limit in _TEXT_LIMITS.items():
        if len(values[column]) > limit:
            reasons.append(
                gettext("The %(column)s is longer than %(limit)s characters.") % {"column": column, "limit": limit}
            )
    if values["sex"]:
        sex = _SEX_BY_SPELLING.get(values["sex"].lower())
        if sex is None:
            reasons.append(gettext("“%(sex)s” is not a sex: write М or Ж (M or F).") % {"sex": values["sex"]})
        else:
            values["sex"] = sex
    try:
        values["phone"] = parse_phone(values["phone"])
    except InvalidPhone as error:
        reasons.append(str(error))
    if values["email"]:
        try:
            validate_email(values["email"])
            values["email"] = values["email"].lower()
        except ValidationError:
            reasons.append(gettext("“%(email)s” is not an e-mail address.") % {"email": values["email"]})
    return values, reasons


def _existing_leads(phones: list[str]) -> dict[str, Lead]:
    found: dict[str, Lead] = {}
    for start in range(0, len(phones), _LOOKUP_CHUNK):
        chunk = phones[start : start + _LOOKUP_CHUNK]
        found.update({lead.phone: lead for lead in Lead.objects.filter(phone__in=chunk)})
    return found


def _lead_ids_in_campaign(campaign: Campaign, lead_ids: list[int]) -> set[int]:
    taken: set[int] = set()
    for start in range(0, len(lead_ids), _LOOKUP_CHUNK):
        chunk = lead_ids[start : start + _LOOKUP_CHUNK]
        taken.update(
            CampaignLead.objects.filter(campaign=campaign, lead_id__in=chunk).values_list("lead_id", flat=True)
        )
    return taken


def _listed_phones(phones: list[str]) -> set[str]:
    """The numbers of ``phones`` on the do-not-call list."""
    listed: set[str] = set()
    for start in range(0, len(phones), _LOOKUP_CHUNK):
        chunk = phones[start : start + _LOOKUP_CHUNK]
        listed.update(DoNotCall.objects.filter(phone__in=chunk).values_list("phone", flat=True))
    return listed


def _consenting_phones(phones: list[str]) -> set[str]:
    """The numbers of ``phones`` with consent to advertising calls."""
    consenting: set[str] = set()
    for start in range(0, len(phones), _LOOKUP_CHUNK):
        chunk = phones[start : start + _LOOKUP_CHUNK]
        consenting.update(
            Consent.objects.filter(
                channel=ContactChannel.CALLS, address__in=chunk, granted_at__isnull=False, withdrawn_at__isnull=True
            ).values_list("address", flat=True)
        )
    return consenting


def _do_not_call_lead_ids(lead_ids: list[int]) -> set[int]:
    refused: set[int] = set()
    for start in range(0, len(lead_ids), _LOOKUP_CHUNK):
        chunk = lead_ids[start : start + _LOOKUP_CHUNK]
        refused.update(
            CampaignLead.objects.filter(lead_id__in=chunk, state=LeadState.DO_NOT_CALL).values_list(
                "lead_id", flat=True
            )
        )
    return refused


def _rows_with_lines(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every non-empty row with the line it ends on, read as import_leads_csv reads them."""
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    return header, [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]


def import_template_csv(*, russian: bool) -> str:
    """A file to fill in: the columns the import reads (Russian or English titles) and one example row."""
    titles = [aliases[-1] if russian and column != "email" else aliases[0] for column, aliases in LEAD_COLUMNS.items()]
    titles[list(LEAD_COLUMNS).index("email")] = "e-mail"
    titles = [title.capitalize() for title in titles]
    example = (
        ["Иванова", "Мария", "Петровна", "+7 903 144-76-02", "maria@example.ru", "сайт", "Ж", "звонить после 18:00"]
        if russian
        else ["Smith", "Mary", "", "+7 903 144-76-02", "mary@example.com", "website", "F", "call after 6 pm"]
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if russian else ",", lineterminator="\r\n")
    writer.writerows([titles, example])
    return out.getvalue()


def rejected_rows_csv(*, data: bytes, report: LeadImportReport) -> str:
    """The rejected rows of an imported file as they were, with why each was rejected in a last column: the file
    to correct and import again (the import reads its columns by title and ignores the extra one)."""
    rejected = {row.line: row.reasons for row in report.rejected}
    header, rows = _rows_with_lines(_decode(data))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*header, gettext("Why it was rejected")])
    for line, row in rows:
        if line in rejected:
            writer.writerow([*row, " ".join(rejected[line])])
    return out.getvalue()


def import_leads_csv(*, campaign: Campaign, data: bytes, mode: str = ImportMode.VALID_ROWS) -> LeadImportReport:
    """Add the leads of a CSV file (a header line, then one lead a line) to a campaign.

    Every row is checked: surname, name and phone required, the phone turned into E.164, the e-mail
    checked. A phone seen earlier in the file rejects the row. A phone that already belongs to a lead
    links that lead to the campaign (its stored details are kept, nothing is duplicated); if the lead
    is already in this campaign the row is rejected. A number on the do-not-call list is skipped (and
    reported as skipped); a lead who asked a campaign not to call joins as "do not call". In
    ``ALL_OR_NOTHING`` mode one rejected row means nothing is written (skipped rows do not count).
    """
    if mode not in ImportMode.values:
        raise LeadImportError(gettext("Choose how to import: the valid rows, or all rows or nothing."))
    if len(data) > MAX_IMPORT_BYTES:
        raise LeadImportError(
            gettext("The file is larger than %(megabytes)s MB; split it.") % {"megabytes": MAX_IMPORT_BYTES // 2**20}
        )
    text = _decode(data)
    if not text.strip():
        raise LeadImportError(gettext("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    report = LeadImportReport()
    try:
        positions = _read_header(next(reader))
        width = max(positions.values()) + 1
        candidates: list[tuple[int, dict[str, str]]] = []
        first_line_of_phone: dict[str, int] = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            report.rows += 1
            if report.rows > MAX_IMPORT_ROWS:
                raise LeadImportError(
                    gettext("The file has more than %(rows)s leads; split it.") % {"rows": MAX_IMPORT_ROWS}
                )
            line = reader.line_num
            if len(row) < width:
                reject = gettext("The row has %(found)s values; the header has at least %(wanted)s.") % {
                    "found": len(row),
                    "wanted": width,
                }
                phone = row[positions["phone"]] if len(row) > positions["phone"] else ""
                report.rejected.append(RejectedRow(line, phone, (reject,)))
                continue
            raw = {column: (row[positions[column]].strip() if column in positions else "") for column in LEAD_COLUMNS}
            values, reasons = _validate_row(dict(raw))
            if not reasons and values["phone"] in first_line_of_phone:
                reasons.append(
                    gettext("The same phone as line %(line)s.") % {"line": first_line_of_phone[values["phone"]]}
                )
            if reasons:
                report.rejected.append(RejectedRow(line, raw["phone"], tuple(reasons)))
                continue
            first_line_of_phone[values["phone"]] = line
            candidates.append((line, values))
    except csv.Error as error:
        raise LeadImportError(
            gettext("The file is not valid CSV (line %(line)s): %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    except StopIteration:
        raise LeadImportError(gettext("The file is empty.")) from None

    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if current.status == CampaignStatus.FINISHED:
            raise LeadImportError(
                gettext("“%(name)s” has finished; leads cannot be added to it.") % {"name": current.name}
            )
        listed = _listed_phones([values["phone"] for _line, values in candidates])
        reason = gettext("The number is on the do-not-call list.")
        report.skipped = [
            RejectedRow(line, values["phone"], (reason,)) for line, values in candidates if values["phone"] in listed
        ]
        candidates = [(line, values) for line, values in candidates if values["phone"] not in listed]
        existing = _existing_leads([values["phone"] for _line, values in candidates])
        existing_ids = [lead.pk for lead in existing.values()]
        already_here = _lead_ids_in_campaign(current, existing_ids)
        refused_calls = _do_not_call_lead_ids(existing_ids)
        new_leads: list[Lead] = []
        to_link: list[Lead] = []
        for line, values in candidates:
            lead = existing.get(values["phone"])
            if lead is None:
                new_leads.append(Lead(**values))
            elif lead.pk in already_here:
                reason = gettext("%(lead)s is already in this campaign.") % {"lead": lead}
                report.rejected.append(RejectedRow(line, values["phone"], (reason,)))
            else:
                to_link.append(lead)
        report.rejected.sort(key=lambda rejected: rejected.line)
        if mode == ImportMode.ALL_OR_NOTHING and report.rejected:
            report.imported = False
            return report
        try:
            Lead.objects.bulk_create(new_leads)
        except IntegrityError:
            raise LeadImportError(
                gettext("Another import added some of these phones at the same moment; import the file again.")
            ) from None
        created = _existing_leads([lead.phone for lead in new_leads])
        CampaignLead.objects.bulk_create(
            [CampaignLead.for_lead(campaign=current, lead=lead) for lead in created.values()]
            + [
                CampaignLead.for_lead(
                    campaign=current,
                    lead=lead,
                    state=LeadState.DO_NOT_CALL if lead.pk in refused_calls else LeadState.NEW,
                )
                for lead in to_link
            ]
        )
        report.created = len(new_leads)
        report.linked = len(to_link)
        if current.advertising:
            phones = [lead.phone for lead in new_leads + to_link]
            report.without_consent = len(phones) - len(_consenting_phones(phones))
    return report
