"""Reads for the customer website and the staff home: what a signed-in person may see.

Every function takes the signed-in account and only ever returns rows that account may see; a row of
someone else raises ``DoesNotExist`` (the views turn it into 404, so an id changed in the URL reveals
nothing). Lists are bounded, so each page does the same few queries however much data there is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Account, BankAccount, Receipt, ReceiptKind
from campaigns.models import Message, MessageStatus, News
from surveys.models import Survey

DASHBOARD_RECEIPTS = 10
DASHBOARD_NEWS = 5
DASHBOARD_MESSAGES = 10

# A message still waiting to be sent, or one that failed, has not reached the customer.
MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


@dataclass(frozen=True)
class Dashboard:
    bank_accounts: list[BankAccount]
    latest_receipts: list[Receipt]
    news: list[News]
    messages: list[Message]
    unread_messages: int


def customer_dashboard(*, account: Account) -> Dashboard:
    """Five bounded queries, whatever the number of accounts, receipts, news and messages."""
    messages = customer_messages(account=account)
    return Dashboard(
        bank_accounts=list(BankAccount.objects.filter(owner=account).order_by("is_closed", "currency", "number")),
        latest_receipts=list(
            Receipt.objects.filter(bank_account__owner=account)
            .select_related("bank_account")
            .order_by("-created_at", "-id")[:DASHBOARD_RECEIPTS]
        ),
        news=list(
            News.objects.filter(account=account, withdrawn_at__isnull=True).order_by("-published_at", "-id")[
                :DASHBOARD_NEWS
            ]
        ),
        messages=list(messages[:DASHBOARD_MESSAGES]),
        unread_messages=messages.exclude(status=MessageStatus.READ).count(),
    )


def customer_messages(*, account: Account) -> QuerySet[Message]:
    """The personal messages that reached this customer, newest first."""
    if account.client_id is None:
        return Message.objects.none()
    return Message.objects.filter(client_id=account.client_id, status__in=MESSAGE_STATUSES_SHOWN_TO_CUSTOMERS).order_by(
        "-created_at", "-id"
    )


def payable_bank_accounts(*, account: Account) -> list[BankAccount]:
    """The customer's own open accounts, which a payment may be made from."""
    return list(BankAccount.objects.filter(owner=account, is_closed=False).order_by("currency", "number"))


@dataclass(frozen=True)
class Statement:
    bank_account: BankAccount
    receipts: QuerySet[Receipt]


def account_statement(
    *,
    account: Account,
    bank_account_id: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Statement:
    """One of the customer's bank accounts with its receipts between two dates (inclusive, local time)."""
    bank_account = BankAccount.objects.get(pk=bank_account_id, owner=account)
    receipts = Receipt.objects.filter(bank_account=bank_account).select_related("transfer")
    if date_from is not None:
        receipts = receipts.filter(created_at__gte=_start_of_day(date_from))
    if date_to is not None:
        receipts = receipts.filter(created_at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    return Statement(bank_account=bank_account, receipts=receipts.order_by("-created_at", "-id"))


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def payment_receipt(*, account: Account, transfer_id: int) -> Receipt:
    """The payer's debit receipt of a transfer; only the payer's owner may see it."""
    return Receipt.objects.select_related("bank_account", "transfer", "transfer__payee").get(
        transfer_id=transfer_id, kind=ReceiptKind.DEBIT, bank_account__owner=account
    )


def customer_reviews(*, account: Account) -> QuerySet[Survey]:
    """The customer's reviews and survey answers, newest first."""
    if account.client_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(client_id=account.client_id).order_by("-created_at", "-id")


@dataclass(frozen=True)
class StaffTool:
    title: str
    description: str
    url: str  # empty for a tool that is not a web page


def staff_tools(*, account: Account) -> list[StaffTool]:
    """The tools the person's roles give them, in the order they are used most."""
    names = set(account.groups.values_list("name", flat=True))
    everything = account.is_superuser
    tools = []
    if everything or roles.CHAT_AGENTS in names:
        tools.append(StaffTool(_("Chat queue"), _("Answer customers waiting in the live chat."), "/chat/agent/"))
    if everything or roles.TELEMARKETING_AGENTS in names:
        tools.append(StaffTool(_("Call queue"), _("Call campaign leads and record the outcome."), "/staff/campaigns/"))
    if account.is_staff:  # the admin lets in staff only, whatever their groups
        tools.append(
            StaffTool(_("Back office"), _("Manage clients, leads, campaigns, products and accounts."), "/admin/")
        )
    if everything or roles.PRODUCT_MANAGERS in names:
        tools.append(
            StaffTool(
                _("Surveys and news"),
                _("Work with surveys and bank news in the product managers' desktop program."),
                "",
            )
        )
    return tools
