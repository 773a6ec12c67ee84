"""The whole demo: every part in the order its records depend on each other."""

from __future__ import annotations

from accounts import roles
from accounts.models import Account
from chat.models import ConversationStatus
from telemarketing.demo.back_office import BackOfficeSeeding
from telemarketing.demo.basics import CHAT_STATUSES
from telemarketing.demo.campaigns import CampaignSeeding
from telemarketing.demo.exchanges import OutreachSeeding
from telemarketing.demo.people import PeopleSeeding


class DemoSeeder(PeopleSeeding, CampaignSeeding, OutreachSeeding, BackOfficeSeeding):
    def run(self, *, password: str | None) -> tuple[dict[str, Account], set[str], str | None]:
        self.seed_workers()
        logins, created_logins, generated = self.ensure_demo_logins(password=password)
        chat_agents = list(Account.objects.filter(groups__name=roles.CHAT_AGENTS, worker__isnull=False).order_by("pk"))
        callers = list(
            Account.objects.filter(groups__name=roles.TELEMARKETING_AGENTS, worker__isnull=False).order_by("pk")
        )
        customers = self.seed_clients()
        demo_customer = logins["demo_customer"]
        self.ensure_demo_customer_money(demo_customer)
        self.seed_payments(customers, kind="payments", payments=(0, 2))
        self.seed_exchange_and_reversal(admin=logins["demo_admin"], customer=demo_customer)
        self.seed_campaigns()
        leads = self.seed_leads(callers)
        self.seed_call_centre(callers)
        self.seed_messages(customers, leads, per_customer=(0, 2))
        self.seed_news(customers, per_customer=(1, 3))
        self.seed_surveys(customers, per_customer=(0, 2))
        self.seed_chats(customers, chat_agents, share=0.2, statuses=CHAT_STATUSES)
        self.seed_desk(chat_agents)
        if "demo_customer" in created_logins:
            demo = [demo_customer]
            self.seed_payments(demo, kind="demo-payments", payments=(3, 4))
            self.seed_messages(demo, [], per_customer=(3, 3))
            self.seed_news(demo, per_customer=(4, 4))
            self.seed_surveys(demo, per_customer=(2, 2))
            self.seed_chats(demo, [logins["demo_chat_agent"]], share=1.0, statuses=(ConversationStatus.CLOSED,))
        self.seed_back_office(admin=logins["demo_admin"], customer=demo_customer)
        return logins, created_logins, generated
