"""The factories every test builds its data with: one factory per model, one module per app.

Writes with business rules go through the services (bank accounts and money through banking.services,
campaigns started through the lifecycle, API tokens through issue_token); roles are the groups of
accounts.roles.
"""

from tests.factories.accounts import (
    PASSWORD,
    AccountFactory,
    ClientFactory,
    CustomerFactory,
    StaffFactory,
    WorkerFactory,
    session_key_for,
)
from tests.factories.api import ApiTokenFactory, token_for
from tests.factories.banking import BankAccountFactory, ReceiptFactory, TransferFactory, usd_rub_desk
from tests.factories.campaigns import (
    CampaignFactory,
    CampaignLeadFactory,
    ConsentFactory,
    LeadFactory,
    ProductFactory,
)
from tests.factories.outreach import MessageFactory, NewsFactory
from tests.factories.surveys import SurveyFactory

__all__ = [
    "PASSWORD",
    "AccountFactory",
    "ApiTokenFactory",
    "BankAccountFactory",
    "CampaignFactory",
    "CampaignLeadFactory",
    "ClientFactory",
    "ConsentFactory",
    "CustomerFactory",
    "LeadFactory",
    "MessageFactory",
    "NewsFactory",
    "ProductFactory",
    "ReceiptFactory",
    "StaffFactory",
    "SurveyFactory",
    "TransferFactory",
    "WorkerFactory",
    "session_key_for",
    "token_for",
    "usd_rub_desk",
]
