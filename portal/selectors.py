"""Reads for the customer website and the staff home, composed from the selectors of the apps that own the data.

Every function takes the signed-in account and only ever returns rows that account may see. Lists are
bounded, so each page does the same few queries however much data there is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts import roles
from accounts.models import Account
from banking import selectors as banking_selectors
from banking.models import BankAccount
from banking.operations import Operation, describe_all
from banking.valuation import Total, total_in_roubles, valued_bank_accounts
from outreach import selectors as outreach_selectors
from outreach.models import Message, News

DASHBOARD_RECEIPTS = 10
DASHBOARD_NEWS = 5
DASHBOARD_MESSAGES = 10


@dataclass(frozen=True)
class Dashboard:
    account: Account
    bank_accounts: list[BankAccount]  # with ``last_receipt_id`` and their rates against the rouble
    news: list[News]
    messages: list[Message]
    unread_messages: int

    @cached_property
    def total(self) -> Total:
        return total_in_roubles(self.bank_accounts)

    @cached_property
    def latest_operations(self) -> list[Operation]:
        """Read only when the page renders them: not when the accounts' fragment comes from the cache."""
        receipts = banking_selectors.latest_receipts(account=self.account, limit=DASHBOARD_RECEIPTS)
        return describe_all(receipts, owner_id=self.account.pk)

    @cached_property
    def money_version(self) -> str:
        """Changes whenever what the accounts' fragment shows can change: a balance, a new operation on any
        account (every movement of money writes a receipt), a nickname, an account opened or closed, the rate in
        force for one of their currencies.
        The page caches that fragment under it, so a cached fragment is never stale (docs/architecture.md)."""
        state = [
            (
                bank_account.pk,
                str(bank_account.balance),
                bank_account.nickname,
                bank_account.is_closed,
                bank_account.last_receipt_id,  # type: ignore[attr-defined]
                bank_account.rate_base,  # type: ignore[attr-defined]
                str(bank_account.rate_buy),  # type: ignore[attr-defined]
                str(bank_account.rate_sell),  # type: ignore[attr-defined]
            )
            for bank_account in self.bank_accounts
        ]
        return hashlib.sha256(repr(state).encode()).hexdigest()


def customer_dashboard(*, account: Account) -> Dashboard:
    """Four bounded queries (the accounts with their newest receipts and rates, news, messages with the unread
    count, and the payment templates the page's tag reads), and one more (the latest operations) when the
    accounts' fragments are not cached, whatever the number of accounts, receipts, news and messages."""
    messages, unread = outreach_selectors.latest_customer_messages(account=account, limit=DASHBOARD_MESSAGES)
    return Dashboard(
        account=account,
        bank_accounts=valued_bank_accounts(account=account),
        news=outreach_selectors.customer_news(account=account, limit=DASHBOARD_NEWS),
        messages=messages,
        unread_messages=unread,
    )


@dataclass(frozen=True)
class StaffTool:
    title: StrOrPromise
    description: StrOrPromise
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
    if account.has_perm("chat.view_chat_figures"):
        tools.append(
            StaffTool(
                _("Chat figures"),
                _("Response and resolution times, customer ratings and the queue, per agent and per day."),
                "/chat/figures/",
            )
        )
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
