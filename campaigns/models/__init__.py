"""The models of campaigns, by concern: the campaigns and their leads, and the calls made to them."""

from campaigns.models.calls import (
    AgentState,
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    CallOutcome,
    Disposition,
    PauseReason,
)
from campaigns.models.campaigns import (
    BLOCKING_STATES,
    OPEN_STATES,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Lead,
    LeadState,
    Product,
    ProductKind,
)
from campaigns.models.consent import (
    PHONE_CHANNELS,
    Consent,
    ConsentSource,
    ContactChannel,
    DoNotCall,
    DoNotCallSource,
)

__all__ = [
    "BLOCKING_STATES",
    "OPEN_STATES",
    "PHONE_CHANNELS",
    "AgentState",
    "AgentStateSpan",
    "CallAttempt",
    "CallOutcome",
    "CallingHoliday",
    "Campaign",
    "CampaignLead",
    "CampaignStatus",
    "Consent",
    "ConsentSource",
    "ContactChannel",
    "Disposition",
    "DoNotCall",
    "DoNotCallSource",
    "Lead",
    "LeadState",
    "PauseReason",
    "Product",
    "ProductKind",
]
