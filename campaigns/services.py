"""Every write and business rule of campaigns."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Account, Client, Sex
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import (
    CallAttempt,
    CallOutcome,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Lead,
    LeadState,
    Message,
    MessageStatus,
    News,
    Product,
    news_digest,
)
from campaigns.phones import InvalidPhone, normalise_phone
from campaigns.selectors import campaign_customer_accounts, customer_accounts


class CampaignError(Exception):
    """A campaign rule refused the request; the message is meant for a person."""


def recalculate_budget(*, campaign_id: int) -> None:
    """Budget = base amount + cost of the products, computed in one UPDATE so it cannot race."""
    product_costs = (
        Product.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign_id).update(
            budget=F("base_amount")
            + Coalesce(Subquery(product_costs, output_field=money), Value(0), output_field=money)
        )


def mark_message_read(*, client_id: int, message_id: int) -> Message:
    """A customer opened one of their personal messages: it becomes "read", once, with the time.

    Raises ``Message.DoesNotExist`` for a message of another client or one that has not reached them.
    """
    from accounts.selectors import MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS

    with transaction.atomic():
        message = Message.objects.select_for_update().get(
            pk=message_id, client_id=client_id, status__in=MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS
        )
        if message.status != Message.Status.READ:
            message.status = Message.Status.READ
            message.read_at = timezone.now()
            message.save(update_fields=["status", "read_at"])
    return message


class NewsError(CampaignError):
    """Bank news was refused; ``errors`` says what is wrong with each field, when a field is to blame."""

    def __init__(self, message: str, *, errors: dict[str, str] | None = None) -> None:
        self.errors = errors or {}
        super().__init__(message)


class NewsNotFound(NewsError):
    pass


# Who a piece of news goes to: one customer's login, every customer, or the customers a campaign reached.
NEWS_AUDIENCES = ("account", "all_customers", "campaign")
NEWS_TITLE_MAX_LENGTH = News._meta.get_field("title").max_length
NEWS_BODY_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class NewsPublication:
    published: int  # accounts that got the news now
    already_had: int  # accounts that had it already (withdrawn copies included), left as they were


def _news_text_errors(title: str, body: str) -> dict[str, str]:
    errors = {}
    if not title:
        errors["title"] = _("Write the title of the news.")
    elif len(title) > NEWS_TITLE_MAX_LENGTH:
        errors["title"] = _("The title can be at most %(limit)d characters long.") % {"limit": NEWS_TITLE_MAX_LENGTH}
    if not body:
        errors["body"] = _("Write the text of the news.")
    elif len(body) > NEWS_BODY_MAX_LENGTH:
        errors["body"] = _("The text can be at most %(limit)d characters long.") % {"limit": NEWS_BODY_MAX_LENGTH}
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise NewsError(" ".join(errors.values()), errors=errors)


def publish_news(
    *,
    title: str,
    body: str,
    audience: str,
    account_id: int | None = None,
    campaign_id: int | None = None,
    actor: Account | None = None,
) -> NewsPublication:
    """Publish news to its audience; an account that already has the same news (rule 6) does not get it twice."""
    title, body = title.strip(), body.strip()
    errors = _news_text_errors(title, body)
    recipients = None
    if audience == "account":
        if account_id is None:
            errors["account_id"] = _("Choose the customer's login to publish the news to.")
        elif not customer_accounts().filter(pk=account_id).exists():
            errors["account_id"] = _("There is no active customer login with this number.")
        else:
            recipients = customer_accounts().filter(pk=account_id)
    elif audience == "campaign":
        if campaign_id is None:
            errors["campaign_id"] = _("Choose the campaign whose customers get the news.")
        elif not Campaign.objects.filter(pk=campaign_id).exists():
            errors["campaign_id"] = _("There is no campaign with this number.")
        else:
            recipients = campaign_customer_accounts(campaign_id=campaign_id)
    elif audience == "all_customers":
        recipients = customer_accounts()
    else:
        errors["audience"] = _("Choose who gets the news: one login, all customers or a campaign's customers.")
    _refuse(errors)
    try:
        return _publish_once(title=title, body=body, recipients=recipients, actor=actor, audience=audience)
    except IntegrityError:
        # The same news reached one of these accounts in the meantime: count again, once.
        try:
            return _publish_once(title=title, body=body, recipients=recipients, actor=actor, audience=audience)
        except IntegrityError:
            raise NewsError(_("The same news is being published at this moment; try again.")) from None


def _publish_once(*, title: str, body: str, recipients, actor: Account | None, audience: str) -> NewsPublication:
    digest = news_digest(title=title, body=body)
    with transaction.atomic():
        recipient_ids = set(recipients.values_list("id", flat=True))
        had_it = set(
            News.objects.filter(digest=digest, account_id__in=recipients.values("id")).values_list(
                "account_id", flat=True
            )
        )
        newcomers = sorted(recipient_ids - had_it)
        News.objects.bulk_create(
            [News(account_id=account, title=title, body=body, digest=digest) for account in newcomers], batch_size=500
        )
        record_event(
            actor=actor,
            action=AuditAction.NEWS_PUBLISH,
            target_type=News._meta.label,
            target_id=digest,
            summary=f"“{title}” ({audience}): {len(newcomers)} published, {len(had_it)} already had it",
        )
    return NewsPublication(published=len(newcomers), already_had=len(had_it))


def _news_rows(*, news_id: int, everywhere: bool):
    """The news row, or every account's copy of the same news when ``everywhere``."""
    news = News.objects.select_for_update().filter(pk=news_id).first()
    if news is None:
        raise NewsNotFound(_("There is no news with this number."))
    return News.objects.filter(digest=news.digest) if everywhere else News.objects.filter(pk=news.pk)


def edit_news(*, news_id: int, title: str, body: str, everywhere: bool = False, actor: Account | None = None) -> int:
    """Correct the title and text of the news (in every account's copy when ``everywhere``); how many changed."""
    title, body = title.strip(), body.strip()
    _refuse(_news_text_errors(title, body))
    digest = news_digest(title=title, body=body)
    with transaction.atomic():
        rows = _news_rows(news_id=news_id, everywhere=everywhere)
        clash = News.objects.filter(digest=digest, account_id__in=rows.values("account_id")).exclude(
            pk__in=rows.values("pk")
        )
        if clash.exists():
            raise NewsError(
                _("An account already has news with this title and text; it would get the same news twice."),
                errors={"title": _("Another news item with this title and text was already published there.")},
            )
        changed = rows.update(title=title, body=body, digest=digest)
        record_event(
            actor=actor,
            action=AuditAction.NEWS_CHANGE,
            target_type=News._meta.label,
            target_id=str(news_id),
            summary=f"edited to “{title}” in {changed} account(s)",
        )
        return changed


def withdraw_news(*, news_id: int, everywhere: bool = False, actor: Account | None = None) -> int:
    """Hide the news from its customers (every account's copy when ``everywhere``); how many were withdrawn now."""
    with transaction.atomic():
        rows = _news_rows(news_id=news_id, everywhere=everywhere)
        withdrawn = rows.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        record_event(
            actor=actor,
            action=AuditAction.NEWS_CHANGE,
            target_type=News._meta.label,
            target_id=str(news_id),
            summary=f"withdrawn from {withdrawn} account(s)",
        )
        return withdrawn


# --- Campaign lifecycle: draft → active ⇄ paused, active → finished ---------------------------------------


class CampaignTransitionError(CampaignError):
    pass


class CampaignAction(models.TextChoices):
    START = "start", gettext_lazy("start")
    PAUSE = "pause", gettext_lazy("pause")
    RESUME = "resume", gettext_lazy("resume")
    FINISH = "finish", gettext_lazy("finish")


# action: (the status it starts from, the status it leads to)
_LIFECYCLE = {
    CampaignAction.START: (CampaignStatus.DRAFT, CampaignStatus.ACTIVE),
    CampaignAction.PAUSE: (CampaignStatus.ACTIVE, CampaignStatus.PAUSED),
    CampaignAction.RESUME: (CampaignStatus.PAUSED, CampaignStatus.ACTIVE),
    CampaignAction.FINISH: (CampaignStatus.ACTIVE, CampaignStatus.FINISHED),
}


def _refusal(action: str, campaign: Campaign) -> str:
    values = {"name": campaign.name, "status": campaign.get_status_display()}
    if action == CampaignAction.START:
        return gettext("Only a draft campaign can be started; “%(name)s” is %(status)s.") % values
    if action == CampaignAction.PAUSE:
        return gettext("Only an active campaign can be paused; “%(name)s” is %(status)s.") % values
    if action == CampaignAction.RESUME:
        return gettext("Only a paused campaign can be resumed; “%(name)s” is %(status)s.") % values
    if campaign.status == CampaignStatus.PAUSED:
        return gettext("“%(name)s” is paused: resume it before finishing it.") % values
    return gettext("Only an active campaign can be finished; “%(name)s” is %(status)s.") % values


def change_campaign_status(*, campaign: Campaign, action: str, actor: Account | None = None) -> Campaign:
    """Move a campaign along its lifecycle. Starting stamps the start time (once), finishing the end time.

    The same function serves the admin actions and the staff pages; ``campaign`` is updated in place.
    """
    if action not in _LIFECYCLE:
        raise CampaignTransitionError(gettext("Unknown campaign action “%(action)s”.") % {"action": action})
    required, target = _LIFECYCLE[action]
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != required:
            raise CampaignTransitionError(_refusal(action, locked))
        now = timezone.now()
        changes: dict = {"status": target}
        if locked.started_at is None:
            changes["started_at"] = now
        if target == CampaignStatus.FINISHED:
            changes["ended_at"] = now
        Campaign.objects.filter(pk=locked.pk).update(**changes)
        record_event(
            actor=actor,
            action=AuditAction.CAMPAIGN_TRANSITION,
            target=locked,
            summary=f"{locked.name}: {locked.status} → {target}",
        )
    for name, value in {"started_at": locked.started_at, "ended_at": locked.ended_at, **changes}.items():
        setattr(campaign, name, value)
    return campaign


def start_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.START, actor=actor)


def pause_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.PAUSE, actor=actor)


def resume_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.RESUME, actor=actor)


def finish_campaign(*, campaign: Campaign, actor: Account | None = None) -> Campaign:
    return change_campaign_status(campaign=campaign, action=CampaignAction.FINISH, actor=actor)


# --- Lead import from CSV ---------------------------------------------------------------------------------


class LeadImportError(CampaignError):
    """The file as a whole cannot be read (not CSV, no phone column, too big)."""


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
}
_REQUIRED_COLUMNS = ("surname", "name", "phone")
_TEXT_LIMITS = {"surname": 100, "name": 100, "patronymic": 100, "source": 100, "email": 254}


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
    try:
        values["phone"] = normalise_phone(values["phone"])
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


def import_leads_csv(*, campaign: Campaign, data: bytes, mode: str = ImportMode.VALID_ROWS) -> LeadImportReport:
    """Add the leads of a CSV file (a header line, then one lead a line) to a campaign.

    Every row is checked: surname, name and phone required, the phone turned into E.164, the e-mail
    checked. A phone seen earlier in the file rejects the row. A phone that already belongs to a lead
    links that lead to the campaign (its stored details are kept, nothing is duplicated); if the lead
    is already in this campaign the row is rejected. A lead on the do-not-call list joins the campaign
    as "do not call". In ``ALL_OR_NOTHING`` mode one rejected row means nothing is written.
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
            [CampaignLead(campaign=current, lead=lead) for lead in created.values()]
            + [
                CampaignLead(
                    campaign=current,
                    lead=lead,
                    state=LeadState.DO_NOT_CALL if lead.pk in refused_calls else LeadState.NEW,
                )
                for lead in to_link
            ]
        )
        report.created = len(new_leads)
        report.linked = len(to_link)
    return report


# --- The call queue ---------------------------------------------------------------------------------------


class CallQueueError(CampaignError):
    pass


# How many queue candidates one request tries before it reports the queue as busy; a candidate fails only
# when another agent claimed it in the same instant.
_CLAIM_ATTEMPTS = 10
MAX_CALLBACK_AHEAD = timedelta(days=366)
MAX_NOTE_LENGTH = 4000


def hold_timeout() -> timedelta:
    return timedelta(minutes=settings.CALL_QUEUE_HOLD_MINUTES)


def _on_do_not_call_list() -> Exists:
    """The lead (of the outer campaign lead) asked not to be called, in any campaign."""
    return Exists(CampaignLead.objects.filter(lead=OuterRef("lead"), state=LeadState.DO_NOT_CALL))


def _held_in_another_campaign(cutoff: datetime) -> Exists:
    return Exists(
        CampaignLead.objects.filter(lead=OuterRef("lead"), held_by__isnull=False, held_since__gte=cutoff).exclude(
            pk=OuterRef("pk")
        )
    )


def _free(cutoff: datetime) -> Q:
    """Nobody holds it, or its holder has been silent longer than the hold timeout."""
    return Q(held_by__isnull=True) | Q(held_since__lt=cutoff)


# The order leads are handed out in: due call-backs by their time, then the rest in the order they came.
_QUEUE_ORDER = (F("callback_at").asc(nulls_last=True), "pk")


def call_queue(*, campaign: Campaign, now: datetime | None = None):
    """The campaign's leads an agent may be given now, in the order they are handed out.

    Due call-backs first (earliest first), then leads never called (in the order they came), including
    leads an agent held too long without recording an outcome.
    """
    now = now or timezone.now()
    cutoff = now - hold_timeout()
    due = (
        Q(state=LeadState.NEW)
        | Q(state=LeadState.CALLBACK, callback_at__lte=now)
        | Q(state=LeadState.IN_PROGRESS, held_since__lt=cutoff)
    )
    return (
        CampaignLead.objects.filter(campaign=campaign)
        .filter(due, _free(cutoff))
        .exclude(_on_do_not_call_list())
        .exclude(_held_in_another_campaign(cutoff))
        .order_by(*_QUEUE_ORDER)
    )


def _queue_parts(*, campaign: Campaign, now: datetime) -> list:
    """``call_queue`` cut into parts that each follow the index "campaign_lead_queue" in the queue's order.

    One query over the whole queue sorts every lead of the campaign before it can take the first (no
    index serves NULLS LAST over several states); each part here is read along the index, so the first
    row that passes the do-not-call and held-elsewhere checks ends its search. The parts together hold
    exactly the queue's rows; the head of the queue is the smallest of the parts' heads.
    """
    queue = call_queue(campaign=campaign, now=now)
    return [
        queue.filter(state=LeadState.CALLBACK, callback_at__lte=now).order_by("callback_at", "pk"),
        queue.filter(state=LeadState.NEW, callback_at__isnull=True).order_by("callback_at", "pk"),
        queue.filter(state=LeadState.NEW, callback_at__isnull=False).order_by("callback_at", "pk"),
        # Holds abandoned past the timeout: no more rows than agents held, so sorting them costs little.
        queue.filter(state=LeadState.IN_PROGRESS).order_by(*_QUEUE_ORDER),
    ]


def _queue_position(candidate: CampaignLead) -> tuple:
    """Where a candidate stands in ``call_queue``'s order: by call-back time (none last), then by id."""
    if candidate.callback_at is None:
        return (1, candidate.pk)
    return (0, candidate.callback_at, candidate.pk)


def _claim(*, candidate_id: int, lead_id: int, agent: Account, now: datetime, skip_locked: bool) -> bool:
    """Take one candidate, if it is still free; the conditional UPDATE is the final word on that."""
    cutoff = now - hold_timeout()
    # Another agent claiming the same person in another campaign holds this lock: leave the person to them.
    if skip_locked and not list(Lead.objects.select_for_update(skip_locked=True).filter(pk=lead_id).values_list("pk")):
        return False
    claimed = (
        CampaignLead.objects.filter(pk=candidate_id)
        .filter(_free(cutoff))
        .exclude(_on_do_not_call_list())
        .exclude(_held_in_another_campaign(cutoff))
        .update(held_by=agent, held_since=now, state=LeadState.IN_PROGRESS)
    )
    return claimed == 1


def next_lead(*, agent: Account, campaign: Campaign) -> CampaignLead | None:
    """Hand the agent a lead to call in an active campaign, or None when the queue is empty.

    An agent who still holds a lead of this campaign gets that one again. On PostgreSQL and SQL Server
    the candidates are row-locked with SKIP LOCKED, so agents asking at once are given different leads
    without waiting for each other; SQLite opens every transaction with BEGIN IMMEDIATE, so there the
    requests simply run one after another. The number of queries does not grow with the campaign.
    """
    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        current = Campaign.objects.get(pk=campaign.pk)
        if current.status != CampaignStatus.ACTIVE:
            raise CallQueueError(
                gettext("“%(name)s” is %(status)s: leads are handed out only in an active campaign.")
                % {"name": current.name, "status": current.get_status_display()}
            )
        # Ordered by lead only (the campaign is fixed), so the agent's few holds are found by held_by.
        held = (
            CampaignLead.objects.filter(campaign=current, held_by=agent, held_since__gte=now - hold_timeout())
            .order_by("lead")
            .first()
        )
        if held is not None:
            return _with_details(held.pk)
        parts = _queue_parts(campaign=current, now=now)
        if skip_locked:
            # Each part's head is locked until the end of this short transaction, taken or not.
            parts = [part.select_for_update(skip_locked=True) for part in parts]
        tried: list[int] = []
        for _attempt in range(_CLAIM_ATTEMPTS):
            heads = [part.exclude(pk__in=tried).only("pk", "lead_id", "callback_at").first() for part in parts]
            candidates = [head for head in heads if head is not None]
            if not candidates:
                return None
            candidate = min(candidates, key=_queue_position)
            if _claim(
                candidate_id=candidate.pk, lead_id=candidate.lead_id, agent=agent, now=now, skip_locked=skip_locked
            ):
                return _with_details(candidate.pk)
            tried.append(candidate.pk)
    raise CallQueueError(gettext("Many agents are taking leads right now; ask for the next lead again."))


def _with_details(campaign_lead_id: int) -> CampaignLead:
    return CampaignLead.objects.select_related("lead", "lead__client", "campaign").get(pk=campaign_lead_id)


@dataclass(frozen=True)
class NewClientDetails:
    """What a lead lacks to become a client; needed only when no client has the lead's e-mail or phone."""

    email: str = ""
    sex: str = ""
    birth_date: date | None = None


MIN_CLIENT_AGE_YEARS = 14  # a Russian passport, and so a bank account, from 14


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _client_for(lead: Lead, details: NewClientDetails | None) -> Client:
    """The one client a converted lead becomes: the lead's own, one with its e-mail or phone, or a new one."""
    if lead.client_id is not None:
        return lead.client
    details = details or NewClientDetails()
    email = (details.email or lead.email).strip().lower()
    existing = None
    if email:
        existing = Client.objects.filter(email__iexact=email).first()
    if existing is None:
        existing = Client.objects.filter(phone=lead.phone).order_by("pk").first()
    if existing is not None:
        return existing
    problems = []
    if not email:
        problems.append(gettext("the e-mail"))
    if details.sex not in Sex.values:
        problems.append(gettext("the sex"))
    if details.birth_date is None:
        problems.append(gettext("the date of birth"))
    if problems:
        raise CallQueueError(
            gettext("To make %(lead)s a client, enter %(missing)s.") % {"lead": lead, "missing": ", ".join(problems)}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise CallQueueError(gettext("“%(email)s” is not an e-mail address.") % {"email": email}) from None
    if details.birth_date > _years_ago(timezone.localdate(), MIN_CLIENT_AGE_YEARS):
        raise CallQueueError(
            gettext("A client must be at least %(years)s years old; check the date of birth.")
            % {"years": MIN_CLIENT_AGE_YEARS}
        )
    try:
        with transaction.atomic():
            return Client.objects.create(
                surname=lead.surname,
                name=lead.name,
                patronymic=lead.patronymic,
                phone=lead.phone,
                email=email,
                sex=details.sex,
                birth_date=details.birth_date,
            )
    except IntegrityError:
        raise CallQueueError(
            gettext("A client with the e-mail %(email)s was added at the same moment; record the outcome again.")
            % {"email": email}
        ) from None


def record_outcome(
    *,
    agent: Account,
    campaign_lead: CampaignLead,
    outcome: str,
    note: str = "",
    callback_at: datetime | None = None,
    client_details: NewClientDetails | None = None,
) -> CallAttempt:
    """Write what came of a call to the lead the agent holds, log the call, and release the lead.

    "Call back" needs a time in the future; "converted" makes the lead exactly one client (its own, one
    found by e-mail or phone, or a new one from the lead's data); "do not call" keeps the lead out of
    every campaign's queue from now on.
    """
    if outcome not in CallOutcome.values:
        raise CallQueueError(gettext("Choose what came of the call."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise CallQueueError(gettext("The note is longer than %(limit)s characters.") % {"limit": MAX_NOTE_LENGTH})
    now = timezone.now()
    if outcome == CallOutcome.CALLBACK:
        if callback_at is None:
            raise CallQueueError(gettext("Enter when to call back."))
        if callback_at <= now:
            raise CallQueueError(gettext("The call-back time must be in the future."))
        if callback_at > now + MAX_CALLBACK_AHEAD:
            raise CallQueueError(gettext("The call-back time must be within a year."))
    else:
        callback_at = None
    with transaction.atomic():
        locked = CampaignLead.objects.select_for_update().get(pk=campaign_lead.pk)
        if locked.held_by_id != agent.pk:
            raise CallQueueError(
                gettext(
                    "You no longer hold this lead: after %(minutes)s minutes without an outcome it went back to "
                    "the queue. Ask for the next lead."
                )
                % {"minutes": settings.CALL_QUEUE_HOLD_MINUTES}
            )
        lead = Lead.objects.select_for_update().get(pk=locked.lead_id)
        if outcome == CallOutcome.CONVERTED:
            client = _client_for(lead, client_details)
            if lead.client_id != client.pk:
                lead.client = client
                lead.save(update_fields=["client"])
        locked.state = outcome
        locked.callback_at = callback_at
        locked.note = note
        locked.held_by = None
        locked.held_since = None
        locked.save(update_fields=["state", "callback_at", "note", "held_by", "held_since", "updated_at"])
        attempt = CallAttempt.objects.create(
            campaign_lead=locked, agent=agent, outcome=outcome, note=note, callback_at=callback_at
        )
        record_event(
            actor=agent,
            action=AuditAction.LEAD_OUTCOME,
            target=locked,
            summary=f"{lead} ({lead.phone}): {outcome}"
            + (f", call back {callback_at:%Y-%m-%d %H:%M}" if callback_at else ""),
        )
    campaign_lead.state, campaign_lead.callback_at, campaign_lead.note = locked.state, callback_at, note
    campaign_lead.held_by, campaign_lead.held_since = None, None
    return attempt


# --- Personal messages ------------------------------------------------------------------------------------


class MessageError(CampaignError):
    pass


MAX_MESSAGE_LENGTH = 4000

# Where a message may go next: waiting → sent or failed; sent → delivered, read or failed;
# delivered → read; a failed one may be queued again. "Read" is final.
_MESSAGE_FLOW = {
    MessageStatus.AWAIT: {MessageStatus.SENT, MessageStatus.FAILED},
    MessageStatus.SENT: {MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED},
    MessageStatus.DELIVERED: {MessageStatus.READ},
    MessageStatus.FAILED: {MessageStatus.AWAIT},
    MessageStatus.READ: set(),
}


def compose_message(
    *,
    author: Account | None,
    subject: str,
    body: str,
    client: Client | None = None,
    lead: Lead | None = None,
    campaign: Campaign | None = None,
) -> Message:
    """A personal message to one client or one lead, waiting ("await") to be sent.

    A lead who has become a client is written to as that client, so that they read it on the website.
    A lead on the do-not-call list is not written to either.
    """
    if (client is None) == (lead is None):
        raise MessageError(gettext("Choose one recipient: a client or a lead."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise MessageError(gettext("Enter a subject."))
    if len(subject) > Message._meta.get_field("subject").max_length:
        raise MessageError(gettext("The subject is longer than 200 characters."))
    if not body:
        raise MessageError(gettext("Enter the text of the message."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise MessageError(gettext("The text is longer than %(limit)s characters.") % {"limit": MAX_MESSAGE_LENGTH})
    with transaction.atomic():
        if lead is not None:
            if CampaignLead.objects.filter(lead=lead, state=LeadState.DO_NOT_CALL).exists():
                raise MessageError(gettext("%(lead)s asked not to be contacted.") % {"lead": lead})
            if lead.client_id is not None:
                client, lead = lead.client, None
        return Message.objects.create(
            client=client, lead=lead, campaign=campaign, subject=subject, body=body, written_by=author
        )


def change_message_status(*, message: Message, status: str) -> Message:
    """Move a message along its delivery: the times of sending and reading are stamped on the way."""
    if status not in MessageStatus.values:
        raise MessageError(gettext("Unknown message status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if status not in _MESSAGE_FLOW[MessageStatus(locked.status)]:
            raise MessageError(
                gettext("A message that is %(current)s cannot become %(wanted)s.")
                % {"current": locked.get_status_display(), "wanted": MessageStatus(status).label}
            )
        now = timezone.now()
        locked.status = status
        if status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ) and locked.sent_at is None:
            locked.sent_at = now
        if status == MessageStatus.READ:
            locked.read_at = now
        locked.save(update_fields=["status", "sent_at", "read_at"])
    message.status, message.sent_at, message.read_at = locked.status, locked.sent_at, locked.read_at
    return message
